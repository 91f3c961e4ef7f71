package org.sdlgm.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.Decimals;

/**
 * Lines of the Extreme Classification text format, read where Spark splits the file: the header
 * {@code N D C} is recognised by its shape (three bare integers, which no data row can be) and
 * skipped, and each row {@code l1,l2 f:v f:v ...} (labels and features 0-based, as {@code
 * ExtremeTextReader} reads them; no labels when the line starts with a blank or with {@code f:v})
 * becomes {@code targets} ({@code array<int>}) and {@code features} (a sparse vector of size D).
 * The grammar is that of the core reader, which needs the whole file in one process; the tests
 * check both give the same rows.
 */
final class XcLines implements MapPartitionsFunction<Row, Row>, Serializable {
  private static final long serialVersionUID = 1L;

  /** The schema of the parsed rows. */
  static final StructType SCHEMA =
      new StructType()
          .add("targets", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
          .add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), false);

  /** A header {@code N D C}, stripped: three bare integers. */
  private static final Pattern HEADER = Pattern.compile("\\d+\\s+\\d+\\s+\\d+");

  private static final Pattern BLANKS = Pattern.compile("\\s+");

  private final String file;
  private final int dim;

  XcLines(String file, int dim) {
    this.file = file;
    this.dim = dim;
  }

  /** True for a header line {@code N D C}. */
  static boolean isHeader(String s) {
    // Asked of every line: one precompiled match, not a split of the whole line.
    return HEADER.matcher(s.strip()).matches();
  }

  /** D of a header line. */
  static int headerDim(String s) {
    // strip() first, so that split never sees leading whitespace (no empty first field).
    return Integer.parseInt(fields(s.strip())[1]);
  }

  /** The blank-separated fields of a stripped line. */
  @SuppressWarnings("StringSplitter")
  private static String[] fields(String stripped) {
    return BLANKS.split(stripped);
  }

  @Override
  public Iterator<Row> call(Iterator<Row> lines) {
    return new Iterator<>() {
      private Row next = advance();

      private Row advance() {
        while (lines.hasNext()) {
          String s = lines.next().getString(0);
          if (s.isBlank() || isHeader(s)) {
            continue;
          }
          return parse(s);
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Row next() {
        if (next == null) {
          throw new java.util.NoSuchElementException();
        }
        Row r = next;
        next = advance();
        return r;
      }
    };
  }

  /** One data row; errors name the file and quote the line (Spark does not know line numbers). */
  Row parse(String s) {
    int len = s.length();
    int i = 0;
    int[] labels = new int[0];
    if (!Character.isWhitespace(s.charAt(0))) {
      int end = 0;
      boolean colon = false;
      while (end < len && !Character.isWhitespace(s.charAt(end))) {
        colon |= s.charAt(end) == ':';
        end++;
      }
      if (!colon) {
        String[] parts = s.substring(0, end).split(",", -1);
        labels = new int[parts.length];
        for (int t = 0; t < parts.length; t++) {
          labels[t] = integer(parts[t], "label", s);
          if (labels[t] < 0) {
            throw error("label " + labels[t] + " is negative", s);
          }
        }
        Arrays.sort(labels);
        i = end;
      }
    }
    String rest = s.substring(i).strip();
    String[] tokens = rest.isEmpty() ? new String[0] : fields(rest);
    int[] idx = new int[tokens.length];
    double[] val = new double[tokens.length];
    for (int t = 0; t < tokens.length; t++) {
      int c = tokens[t].indexOf(':');
      if (c <= 0) {
        throw error("expected feature:value, got '" + tokens[t] + "'", s);
      }
      idx[t] = integer(tokens[t].substring(0, c), "feature", s);
      if (idx[t] < 0 || idx[t] >= dim) {
        throw error("feature " + idx[t] + " out of range [0, " + dim + ")", s);
      }
      try {
        val[t] = Decimals.parseFloat(tokens[t].substring(c + 1));
      } catch (NumberFormatException e) {
        throw error("bad value in '" + tokens[t] + "'", s);
      }
      if (!Double.isFinite(val[t])) {
        // As the core reader: NaN, infinities and values beyond float range are refused here,
        // where the file and line are known.
        throw error("value in '" + tokens[t] + "' is not finite in float precision", s);
      }
    }
    // SparseVector needs ascending indices; the format does not promise them.
    Integer[] order = new Integer[idx.length];
    for (int t = 0; t < order.length; t++) {
      order[t] = t;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(idx[a], idx[b]));
    int[] si = new int[idx.length];
    double[] sv = new double[idx.length];
    for (int t = 0; t < order.length; t++) {
      si[t] = idx[order[t]];
      sv[t] = val[order[t]];
      if (t > 0 && si[t] == si[t - 1]) {
        throw error("feature " + si[t] + " appears twice", s);
      }
    }
    Integer[] boxed = Arrays.stream(labels).boxed().toArray(Integer[]::new);
    return RowFactory.create(boxed, Vectors.sparse(dim, si, sv));
  }

  private int integer(String t, String what, String line) {
    try {
      return Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw error("bad " + what + " '" + t + "'", line);
    }
  }

  private SdlgmException error(String what, String line) {
    String quoted = line.length() > 80 ? line.substring(0, 80) + "…" : line;
    return new SdlgmException(
        String.format(Locale.ROOT, "%s: %s in line '%s'", file, what, quoted));
  }
}
