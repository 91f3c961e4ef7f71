package org.sdlgm.data.multilabel;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sdlgm.data.DataException;
import org.sdlgm.data.Decimals;

/**
 * Reads the two sparse text formats of extreme multi-label classification into a {@link
 * MultiLabelDataset}: the Extreme Classification Repository format (header line {@code N D C}, then
 * rows {@code l1,l2,... f:v f:v ...}; labels and features 0-based; a row with no labels starts with
 * a space or directly with {@code f:v}) and plain multi-label LIBSVM (no header, rows {@code l1,l2
 * f:v ...}). LIBSVM feature indices are conventionally 1-based, so {@link Options#libsvm()}
 * defaults to 1-based features (index i is stored as feature i-1) while {@link Options#xc()} is
 * 0-based; labels are always taken as given (0-based). Without a header, D and C are max index + 1
 * unless given. Indices out of range, duplicated features, bad or non-finite numbers and a row
 * count that disagrees with the header are errors naming the file and 1-based line. Blank lines are
 * skipped (a row with neither labels nor features cannot be written unambiguously in either
 * format). The input may be gzip-compressed (detected by magic bytes).
 */
public final class ExtremeTextReader {
  private ExtremeTextReader() {}

  /** Reading options; immutable, changed through the {@code with...} copies. */
  public static final class Options {
    final boolean header;
    final int featureBase;
    final int numFeatures;
    final int numLabels;

    private Options(boolean header, int featureBase, int numFeatures, int numLabels) {
      this.header = header;
      this.featureBase = featureBase;
      this.numFeatures = numFeatures;
      this.numLabels = numLabels;
    }

    /** XC repository format: {@code N D C} header, 0-based feature indices. */
    public static Options xc() {
      return new Options(true, 0, -1, -1);
    }

    /** Plain LIBSVM multi-label: no header, 1-based feature indices, D and C inferred. */
    public static Options libsvm() {
      return new Options(false, 1, -1, -1);
    }

    /** The index the file uses for the first feature (0 or 1). */
    public Options withFeatureBase(int base) {
      if (base != 0 && base != 1) {
        throw new IllegalArgumentException("feature base must be 0 or 1, got " + base);
      }
      return new Options(header, base, numFeatures, numLabels);
    }

    /** Fixes D (e.g. so a test file matches its training file); -1 infers it. */
    public Options withNumFeatures(int d) {
      return new Options(header, featureBase, d, numLabels);
    }

    /** Fixes C; -1 infers it. */
    public Options withNumLabels(int c) {
      return new Options(header, featureBase, numFeatures, c);
    }
  }

  public static MultiLabelDataset readXc(Path file) {
    return read(file, Options.xc());
  }

  public static MultiLabelDataset readLibsvm(Path file) {
    return read(file, Options.libsvm());
  }

  public static MultiLabelDataset read(Path file, Options opt) {
    String f = file.toString();
    CsrBuilder csr = new CsrBuilder();
    long line = 0;
    long n = -1;
    int d = opt.numFeatures;
    int c = opt.numLabels;
    int maxFeat = -1;
    int maxLabel = -1;
    try (BufferedReader in = TextInput.open(file)) {
      String s;
      if (opt.header) {
        while ((s = in.readLine()) != null) {
          line++;
          if (!s.isBlank()) {
            break;
          }
        }
        String[] h = s == null ? new String[0] : s.strip().split("\\s+");
        if (h.length != 3) {
          throw DataException.at(f, Math.max(line, 1), "expected header 'N D C'");
        }
        try {
          n = Long.parseLong(h[0]);
          int hd = Integer.parseInt(h[1]);
          int hc = Integer.parseInt(h[2]);
          if (n < 0 || hd < 0 || hc < 0) {
            throw new NumberFormatException();
          }
          // Explicit options win over the header only if the caller set them.
          d = d >= 0 ? d : hd;
          c = c >= 0 ? c : hc;
        } catch (NumberFormatException e) {
          throw DataException.at(
              f, line, "header '" + s.strip() + "' is not three non-negative integers N D C");
        }
      }
      while ((s = in.readLine()) != null) {
        line++;
        if (s.isBlank()) {
          continue;
        }
        int len = s.length();
        int i = 0;
        // Labels: the leading token if it does not contain ':' and the line doesn't start blank.
        if (!Character.isWhitespace(s.charAt(0))) {
          int end = 0;
          boolean colon = false;
          while (end < len && !Character.isWhitespace(s.charAt(end))) {
            colon |= s.charAt(end) == ':';
            end++;
          }
          if (!colon) {
            int st = 0;
            for (int k = 0; k <= end; k++) {
              if (k == end || s.charAt(k) == ',') {
                if (k == st) {
                  throw DataException.at(f, line, "empty label in '" + s.substring(0, end) + "'");
                }
                int l = parseInt(s, st, k, f, line, "label");
                if (l < 0 || (c >= 0 && l >= c)) {
                  throw DataException.at(
                      f, line, "label " + l + " out of range [0, " + (c >= 0 ? c : "inf") + ")");
                }
                if (c < 0 && l == Integer.MAX_VALUE) {
                  throw DataException.at(
                      f, line, "label " + l + " is too large: the label count would overflow");
                }
                maxLabel = Math.max(maxLabel, l);
                csr.addLabel(l);
                st = k + 1;
              }
            }
            i = end;
          }
        }
        while (i < len) {
          while (i < len && Character.isWhitespace(s.charAt(i))) {
            i++;
          }
          if (i >= len) {
            break;
          }
          int st = i;
          int colon = -1;
          while (i < len && !Character.isWhitespace(s.charAt(i))) {
            if (s.charAt(i) == ':' && colon < 0) {
              colon = i;
            }
            i++;
          }
          if (colon < 0) {
            throw DataException.at(f, line, "feature '" + s.substring(st, i) + "' is not f:v");
          }
          int fi = parseInt(s, st, colon, f, line, "feature index") - opt.featureBase;
          if (fi < 0 || (d >= 0 && fi >= d)) {
            throw DataException.at(
                f,
                line,
                "feature index "
                    + s.substring(st, colon)
                    + " out of range ["
                    + opt.featureBase
                    + ", "
                    + (d >= 0 ? d + opt.featureBase : "inf")
                    + ")");
          }
          if (d < 0 && fi == Integer.MAX_VALUE) {
            throw DataException.at(
                f,
                line,
                "feature index "
                    + s.substring(st, colon)
                    + " is too large: the feature count would overflow");
          }
          float v;
          try {
            v = Decimals.parseFloat(s.substring(colon + 1, i));
          } catch (NumberFormatException e) {
            throw DataException.at(
                f, line, "feature value '" + s.substring(colon + 1, i) + "' is not a number");
          }
          if (!Float.isFinite(v)) {
            throw DataException.at(
                f,
                line,
                "feature value '"
                    + s.substring(colon + 1, i)
                    + "' is "
                    + (Float.isNaN(v) ? "NaN" : "not finite in float precision")
                    + " (values must be finite)");
          }
          maxFeat = Math.max(maxFeat, fi);
          // Zeros too, so that a repeated index is noticed; the builder drops them.
          csr.addFeature(fi, v);
        }
        int dup = csr.endRow();
        if (dup >= 0) {
          throw DataException.at(f, line, "feature " + (dup + opt.featureBase) + " given twice");
        }
      }
    } catch (IOException e) {
      throw new DataException(f + ": read failed: " + e.getMessage(), e);
    }
    if (n >= 0 && csr.rows() != n) {
      throw DataException.at(f, line, "header says " + n + " rows, file has " + csr.rows());
    }
    int numFeatures = d >= 0 ? d : maxFeat + 1;
    int numLabels = c >= 0 ? c : maxLabel + 1;
    List<String> labelNames = new ArrayList<>(numLabels);
    for (int l = 0; l < numLabels; l++) {
      labelNames.add(Integer.toString(l));
    }
    String name = file.getFileName().toString();
    return csr.build(name, numFeatures, List.of(), labelNames);
  }

  private static int parseInt(String s, int from, int to, String f, long line, String what) {
    if (from >= to) {
      throw DataException.at(f, line, "empty " + what);
    }
    try {
      return Integer.parseInt(s, from, to, 10);
    } catch (NumberFormatException e) {
      throw DataException.at(f, line, what + " '" + s.substring(from, to) + "' is not an integer");
    }
  }
}
