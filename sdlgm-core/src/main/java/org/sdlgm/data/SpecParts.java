package org.sdlgm.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sdlgm.SdlgmException;

/**
 * The comma-separated pieces of a data spec after its scheme — positional arguments (paths) first,
 * then key=value options — with the checks and typed getters both spec parsers share ({@link
 * DataSpecs} and the multi-label {@code MultiLabelSpecs}), so every scheme reports a bad option the
 * same way: the spec, the option, what was expected.
 */
public final class SpecParts {
  public final String spec;
  public final String scheme;
  public final List<String> positional = new ArrayList<>();
  public final Map<String, String> options = new LinkedHashMap<>();

  private SpecParts(String spec, String scheme) {
    this.spec = spec;
    this.scheme = scheme;
  }

  public static SpecParts of(String spec, String scheme, String rest) {
    SpecParts p = new SpecParts(spec, scheme);
    for (String raw : rest.split(",", -1)) {
      String tok = raw.trim();
      if (tok.isEmpty()) {
        continue;
      }
      int eq = tok.indexOf('=');
      if (eq < 0) {
        if (!p.options.isEmpty()) {
          throw new SdlgmException(
              "data spec '"
                  + spec
                  + "': '"
                  + tok
                  + "' is not key=value; paths must come before the options");
        }
        p.positional.add(tok);
      } else {
        String key = tok.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = tok.substring(eq + 1).trim();
        if (p.options.put(key, value) != null) {
          throw new SdlgmException("data spec '" + spec + "': option '" + key + "' given twice");
        }
      }
    }
    return p;
  }

  public void checkKeys(List<String> valid) {
    for (String k : options.keySet()) {
      if (!valid.contains(k)) {
        throw new SdlgmException(
            "data spec '"
                + spec
                + "': unknown option '"
                + k
                + "' for "
                + scheme
                + "; "
                + (valid.isEmpty()
                    ? scheme + " takes no options"
                    : "valid options are " + String.join(", ", valid)));
      }
    }
  }

  public void requirePositional(int min, int max, String what, String example) {
    if (positional.size() < min) {
      throw new SdlgmException(
          "data spec '" + spec + "': " + scheme + " needs " + what + ", e.g. " + example);
    }
    if (positional.size() > max) {
      throw new SdlgmException(
          "data spec '"
              + spec
              + "': "
              + scheme
              + " takes "
              + (max == 0 ? "only key=value options" : max == 1 ? "one " + what : what)
              + " but got "
              + positional
              + "; options are key=value, e.g. "
              + example);
    }
  }

  public SdlgmException bad(String key, String expected) {
    return new SdlgmException(
        "data spec '" + spec + "': option " + key + "=" + options.get(key) + ": " + expected);
  }

  public long longValue(String key) {
    try {
      return Long.parseLong(options.get(key));
    } catch (NumberFormatException e) {
      throw bad(key, "expected an integer");
    }
  }

  public int integer(String key) {
    try {
      return Integer.parseInt(options.get(key));
    } catch (NumberFormatException e) {
      throw bad(key, "expected an integer");
    }
  }

  public double real(String key) {
    double v;
    try {
      v = Double.parseDouble(options.get(key));
    } catch (NumberFormatException e) {
      throw bad(key, "expected a number");
    }
    if (!Double.isFinite(v)) {
      throw bad(key, "expected a finite number");
    }
    return v;
  }

  /** A positive integer option (a row, feature or label count), -1 when absent. */
  public int count(String key) {
    if (!options.containsKey(key)) {
      return -1;
    }
    int v = integer(key);
    if (v < 1) {
      throw bad(key, "expected a positive integer");
    }
    return v;
  }

  public Float threshold() {
    if (!options.containsKey("binarize")) {
      return null;
    }
    double t = real("binarize");
    if (t < 0 || t > 1) {
      throw bad("binarize", "expected a threshold in [0, 1] (pixels are scaled to [0, 1])");
    }
    return (float) t;
  }

  /**
   * A path argument: relative to the working directory; a leading {@code ~/} is the home directory.
   */
  public static java.nio.file.Path path(String p) {
    if (p.equals("~") || p.startsWith("~/")) {
      return java.nio.file.Path.of(System.getProperty("user.home") + p.substring(1));
    }
    return java.nio.file.Path.of(p);
  }
}
