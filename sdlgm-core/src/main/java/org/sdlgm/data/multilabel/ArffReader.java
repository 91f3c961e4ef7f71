package org.sdlgm.data.multilabel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sdlgm.data.DataException;
import org.sdlgm.data.Decimals;

/**
 * Reads Mulan/MEKA multi-label ARFF files (plain or gzip, detected by the magic bytes) into a
 * sparse {@link MultiLabelDataset}. Supported: {@code @relation} (quoted names; MEKA's {@code -C n}
 * is parsed, n &gt; 0 = first n attributes are labels, n &lt; 0 = last |n|), {@code @attribute} of
 * type numeric/real/integer or nominal {@code {a,b,...}} (names quoted with ' or ", backslash
 * escapes), {@code %} comment lines, and {@code @data} rows either dense (comma-separated) or
 * sparse ({@code {index value, ...}}, omitted = 0, i.e. nominal index 0). Labels come from the
 * {@link LabelSpec}; an explicit spec wins over {@code -C}. Label values must be 0 or 1. A nominal
 * <em>feature</em> becomes the 0-based index of its value in the declared list, so {@code {NO,YES}}
 * gives NO=0, YES=1 but genbase's {@code {YES,NO}} gives YES=0, NO=1: the reader does not guess
 * meanings from value names, and this is exactly ARFF's own sparse convention (an omitted nominal
 * value is the first declared one). Missing values ({@code ?}), string/date/relational attributes
 * and rows of the wrong length are errors naming the file and 1-based line.
 */
public final class ArffReader {
  private static final Pattern MEKA_C = Pattern.compile("(?:^|\\s)-C\\s+(-?\\d+)");

  private ArffReader() {}

  /** Labels from MEKA's {@code -C} in {@code @relation}; an error if it is absent. */
  public static MultiLabelDataset read(Path file) {
    return read(file, LabelSpec.meka());
  }

  public static MultiLabelDataset read(Path file, MulanLabels labels) {
    return read(file, LabelSpec.of(labels));
  }

  /** Reads {@code file}; a null spec means {@link LabelSpec#meka()}. */
  public static MultiLabelDataset read(Path file, LabelSpec spec) {
    try (BufferedReader in = TextInput.open(file)) {
      return new Parser(file, in, spec == null ? LabelSpec.meka() : spec).parse();
    } catch (IOException e) {
      throw new DataException(file + ": read failed: " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new DataException(file + ": read failed: " + e.getCause().getMessage(), e);
    }
  }

  /**
   * The {@code @relation} name of {@code file} ("" when the header has none), reading only up to
   * the first declaration: lets a caller choose a label rule (XML next to the file, MEKA {@code
   * -C}) before committing to reading a large file.
   */
  static String relation(Path file) {
    try (BufferedReader in = TextInput.open(file)) {
      String s;
      while ((s = in.readLine()) != null) {
        String t = s.strip();
        if (t.isEmpty() || t.startsWith("%")) {
          continue;
        }
        return keyword(t).equals("@relation") ? token(t, new int[] {9}) : "";
      }
      return "";
    } catch (IOException e) {
      throw new DataException(file + ": read failed: " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new DataException(file + ": read failed: " + e.getCause().getMessage(), e);
    }
  }

  /** True when a relation name carries a usable MEKA {@code -C n} (n ≠ 0). */
  static boolean hasMekaC(String relation) {
    Matcher m = MEKA_C.matcher(relation);
    return m.find() && !m.group(1).matches("-?0+");
  }

  private static final class Attr {
    final String name;
    final long line;
    final String[] nominal; // null = numeric
    final Map<String, Integer> index;

    Attr(String name, long line, String[] nominal) {
      this.name = name;
      this.line = line;
      this.nominal = nominal;
      if (nominal == null) {
        this.index = null;
      } else {
        this.index = new HashMap<>();
        for (int i = 0; i < nominal.length; i++) {
          index.putIfAbsent(nominal[i], i);
        }
      }
    }
  }

  private static final class Parser {
    final String file;
    final BufferedReader in;
    final LabelSpec spec;
    long line;
    String relation = "";
    Integer mekaC;
    final List<Attr> attrs = new ArrayList<>();
    int[] featOf; // attribute -> feature index or -1
    int[] labelOf; // attribute -> label index or -1
    boolean[] labelDefaultOn; // per attribute: value an omitted sparse label takes
    int numLabels;
    final List<String> featureNames = new ArrayList<>();
    String[] labelNames;
    int[] rowIndices = new int[16]; // the attribute indices of the sparse row being read

    Parser(Path path, BufferedReader in, LabelSpec spec) {
      this.file = path.toString();
      this.in = in;
      this.spec = spec;
    }

    DataException err(String problem) {
      return DataException.at(file, line, problem);
    }

    MultiLabelDataset parse() throws IOException {
      String s;
      boolean data = false;
      while ((s = in.readLine()) != null) {
        line++;
        String t = s.strip();
        if (t.isEmpty() || t.startsWith("%")) {
          continue;
        }
        String kw = keyword(t);
        if (kw.equals("@relation")) {
          int[] pos = {9};
          relation = token(t, pos);
          Matcher m = MEKA_C.matcher(relation);
          if (m.find()) {
            try {
              mekaC = Integer.parseInt(m.group(1));
            } catch (NumberFormatException e) {
              throw err("MEKA -C " + m.group(1) + " in @relation is not a usable label count");
            }
          }
        } else if (kw.equals("@attribute")) {
          attribute(t);
        } else if (kw.equals("@data")) {
          data = true;
          break;
        } else {
          throw err("unexpected header line '" + abbreviate(t) + "'");
        }
      }
      if (!data) {
        throw DataException.at(file, line, "no @data section");
      }
      resolveLabels();
      CsrBuilder csr = new CsrBuilder();
      int n = attrs.size();
      boolean anyDefaultOn = false;
      for (boolean b : labelDefaultOn) {
        anyDefaultOn |= b;
      }
      boolean[] seen = anyDefaultOn ? new boolean[n] : null;
      List<String> vals = new ArrayList<>();
      while ((s = in.readLine()) != null) {
        line++;
        String t = s.strip();
        if (t.isEmpty() || t.startsWith("%")) {
          continue;
        }
        if (t.charAt(0) == '{') {
          int close = closingBrace(t);
          if (close < 0) {
            throw err("sparse row has no closing '}'");
          }
          split(t.substring(1, close), vals);
          if (seen != null) {
            Arrays.fill(seen, false);
          }
          if (rowIndices.length < vals.size()) {
            rowIndices = new int[Math.max(vals.size(), 2 * rowIndices.length)];
          }
          int entries = 0;
          boolean ascending = true;
          for (String e : vals) {
            if (e.isEmpty()) {
              if (vals.size() == 1) {
                break; // "{}" is an all-zero row
              }
              throw err("empty entry in sparse row");
            }
            int sp = firstSpace(e);
            if (sp < 0) {
              throw err("sparse entry '" + e + "' is not 'index value'");
            }
            int j;
            try {
              j = Integer.parseInt(e.substring(0, sp));
            } catch (NumberFormatException x) {
              throw err("sparse entry '" + e + "' has a non-integer index");
            }
            if (j < 0 || j >= n) {
              throw err("sparse index " + j + " out of range [0, " + n + ")");
            }
            ascending &= entries == 0 || j > rowIndices[entries - 1];
            rowIndices[entries++] = j;
            if (seen != null) {
              seen[j] = true;
            }
            value(csr, j, unquote(e.substring(sp + 1).strip()));
          }
          if (!ascending) {
            // Out of order (rare): look for a repeated index, which may name a label or carry a
            // zero, neither of which the feature storage would notice.
            Arrays.sort(rowIndices, 0, entries);
            for (int k = 1; k < entries; k++) {
              if (rowIndices[k] == rowIndices[k - 1]) {
                throw err(
                    "sparse index "
                        + rowIndices[k]
                        + " ('"
                        + attrs.get(rowIndices[k]).name
                        + "') given twice");
              }
            }
          }
          if (seen != null) {
            for (int j = 0; j < n; j++) {
              if (!seen[j] && labelOf[j] >= 0 && labelDefaultOn[j]) {
                csr.addLabel(labelOf[j]);
              }
            }
          }
        } else {
          split(t, vals);
          if (vals.size() != n) {
            throw err("expected " + n + " values, found " + vals.size());
          }
          for (int j = 0; j < n; j++) {
            value(csr, j, unquote(vals.get(j)));
          }
        }
        int dup = csr.endRow();
        if (dup >= 0) {
          throw err("feature '" + featureNames.get(dup) + "' given twice");
        }
      }
      return csr.build(relation, featureNames.size(), featureNames, Arrays.asList(labelNames));
    }

    private void value(CsrBuilder csr, int j, String v) {
      Attr a = attrs.get(j);
      if (v.equals("?")) {
        throw err("missing value '?' for attribute '" + a.name + "' (not supported)");
      }
      int c = labelOf[j];
      if (c >= 0) {
        boolean on;
        if (v.equals("1")) {
          on = true;
        } else if (v.equals("0")) {
          on = false;
        } else {
          Double d = a.nominal == null ? parseDouble(v) : null;
          if (d == null || (d != 0.0 && d != 1.0)) {
            throw err("label '" + a.name + "' has value '" + v + "'; expected 0 or 1");
          }
          on = d == 1.0;
        }
        if (on) {
          csr.addLabel(c);
        }
        return;
      }
      float x;
      if (a.nominal != null) {
        Integer k = a.index.get(v);
        if (k == null) {
          throw err("value '" + v + "' is not declared for nominal attribute '" + a.name + "'");
        }
        x = k;
      } else {
        try {
          x = Decimals.parseFloat(v);
        } catch (NumberFormatException e) {
          throw err("value '" + v + "' of numeric attribute '" + a.name + "' is not a number");
        }
        if (!Float.isFinite(x)) {
          throw err(
              "value '"
                  + v
                  + "' of numeric attribute '"
                  + a.name
                  + "' is "
                  + (Float.isNaN(x) ? "NaN" : "not finite in float precision")
                  + " (values must be finite; a missing value is '?')");
        }
      }
      if (x != 0f) {
        csr.addFeature(featOf[j], x);
      }
    }

    private void attribute(String t) {
      int[] pos = {10};
      String name = token(t, pos);
      if (name.isEmpty()) {
        throw err("@attribute without a name");
      }
      String type = t.substring(pos[0]).strip();
      String[] nominal = null;
      if (type.startsWith("{")) {
        int close = type.lastIndexOf('}');
        if (close < 0) {
          throw err("nominal attribute '" + name + "' has no closing '}'");
        }
        List<String> vs = new ArrayList<>();
        split(type.substring(1, close), vs);
        nominal = new String[vs.size()];
        for (int i = 0; i < nominal.length; i++) {
          nominal[i] = unquote(vs.get(i));
        }
      } else {
        String ty = type.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        if (!ty.equals("numeric") && !ty.equals("real") && !ty.equals("integer")) {
          throw err(
              "attribute '"
                  + name
                  + "' has unsupported type '"
                  + type
                  + "' (numeric, real, integer or nominal only)");
        }
      }
      attrs.add(new Attr(name, line, nominal));
    }

    private void resolveLabels() {
      int n = attrs.size();
      featOf = new int[n];
      labelOf = new int[n];
      Arrays.fill(labelOf, -1);
      labelDefaultOn = new boolean[n];
      Map<String, Integer> byName = new HashMap<>();
      for (int j = 0; j < n; j++) {
        Integer prev = byName.put(attrs.get(j).name, j);
        if (prev != null) {
          throw DataException.at(
              file, attrs.get(j).line, "attribute '" + attrs.get(j).name + "' declared twice");
        }
      }
      LabelSpec.Kind kind = spec.kind();
      int count = spec.count();
      if (kind == LabelSpec.Kind.MEKA) {
        if (mekaC == null || mekaC == 0) {
          throw new DataException(
              file
                  + ": no label specification: @relation has no MEKA -C n;"
                  + " give the Mulan XML or first:C / last:C");
        }
        kind = mekaC > 0 ? LabelSpec.Kind.FIRST : LabelSpec.Kind.LAST;
        count = Math.abs(mekaC);
      }
      if (kind == LabelSpec.Kind.XML) {
        List<String> names = spec.labels().names();
        List<String> missing = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
          Integer j = byName.get(names.get(c));
          if (j == null) {
            missing.add(names.get(c));
          } else {
            labelOf[j] = c;
          }
        }
        if (!missing.isEmpty()) {
          String src =
              spec.labels().source() == null ? "the label list" : spec.labels().source().toString();
          throw DataException.at(
              file,
              line,
              missing.size()
                  + " label(s) named in "
                  + src
                  + " are not attributes of this ARFF: "
                  + missing);
        }
        numLabels = names.size();
      } else {
        if (count > n) {
          throw DataException.at(
              file,
              line,
              "label spec asks for "
                  + count
                  + " labels but the file has only "
                  + n
                  + " attributes");
        }
        int start = kind == LabelSpec.Kind.FIRST ? 0 : n - count;
        for (int c = 0; c < count; c++) {
          labelOf[start + c] = c;
        }
        numLabels = count;
      }
      labelNames = new String[numLabels];
      for (int j = 0; j < n; j++) {
        Attr a = attrs.get(j);
        if (labelOf[j] >= 0) {
          labelNames[labelOf[j]] = a.name;
          featOf[j] = -1;
          if (a.nominal != null) {
            // Declared values are checked up front: the first one is what an omitted sparse
            // label means, so it must be interpretable.
            for (String v : a.nominal) {
              if (!v.equals("0") && !v.equals("1")) {
                throw DataException.at(
                    file, a.line, "label '" + a.name + "' has value '" + v + "'; expected 0 or 1");
              }
            }
            labelDefaultOn[j] = a.nominal.length > 0 && a.nominal[0].equals("1");
          }
        } else {
          featOf[j] = featureNames.size();
          featureNames.add(a.name);
        }
      }
    }
  }

  private static Double parseDouble(String v) {
    try {
      return Decimals.parseDouble(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String keyword(String t) {
    int k = 0;
    while (k < t.length() && !Character.isWhitespace(t.charAt(k))) {
      k++;
    }
    return t.substring(0, k).toLowerCase(Locale.ROOT);
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  private static int firstSpace(String e) {
    for (int i = 0; i < e.length(); i++) {
      if (Character.isWhitespace(e.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static int closingBrace(String t) {
    // Anything after the brace (e.g. a MEKA/Weka ",{weight}") is ignored.
    return indexOfUnquoted(t, 1, '}');
  }

  /**
   * Index of the first {@code target} at or after {@code from} that is outside single or double
   * quotes (backslash escapes inside quotes), or −1.
   */
  private static int indexOfUnquoted(String s, int from, char target) {
    boolean q1 = false;
    boolean q2 = false;
    for (int i = from; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '\\' && (q1 || q2)) {
        i++;
      } else if (ch == '\'' && !q2) {
        q1 = !q1;
      } else if (ch == '"' && !q1) {
        q2 = !q2;
      } else if (ch == target && !q1 && !q2) {
        return i;
      }
    }
    return -1;
  }

  /** Reads one (possibly quoted) token starting at pos[0]; advances pos past it. */
  static String token(String s, int[] pos) {
    int i = pos[0];
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    if (i >= s.length()) {
      pos[0] = i;
      return "";
    }
    char q = s.charAt(i);
    if (q == '\'' || q == '"') {
      StringBuilder b = new StringBuilder();
      i++;
      while (i < s.length() && s.charAt(i) != q) {
        char ch = s.charAt(i);
        if (ch == '\\' && i + 1 < s.length()) {
          b.append(escape(s.charAt(++i)));
        } else {
          b.append(ch);
        }
        i++;
      }
      pos[0] = Math.min(i + 1, s.length());
      return b.toString();
    }
    int st = i;
    while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != '{') {
      i++;
    }
    pos[0] = i;
    return s.substring(st, i);
  }

  private static char escape(char c) {
    switch (c) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      default:
        return c;
    }
  }

  /** Strips surrounding quotes and resolves escapes; unquoted values are only trimmed. */
  static String unquote(String v) {
    String t = v.strip();
    if (t.length() >= 2 && (t.charAt(0) == '\'' || t.charAt(0) == '"')) {
      return token(t, new int[] {0});
    }
    return t;
  }

  /** Splits on commas outside quotes into {@code out} (cleared first); entries are stripped. */
  static void split(String s, List<String> out) {
    out.clear();
    int st = 0;
    for (int i = indexOfUnquoted(s, 0, ','); i >= 0; i = indexOfUnquoted(s, st, ',')) {
      out.add(s.substring(st, i).strip());
      st = i + 1;
    }
    out.add(s.substring(st).strip());
  }
}
