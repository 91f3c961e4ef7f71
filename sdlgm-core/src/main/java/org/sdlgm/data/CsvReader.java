package org.sdlgm.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A dense numeric CSV file as a data source, for any tabular data that is not in a dedicated
 * format: one example per row, one feature per column, optionally a header row and one integer
 * class-label column. Parsing is done by commons-csv; this class adds what a model needs from the
 * contents — every value a finite number, every row the same width — and reports violations as
 * {@code file:line: problem} with the 1-based physical line. Class labels are mapped to 0..C-1 in
 * sorted order of their distinct values (unchanged when they already are 0..C-1); {@link
 * #classValues()} gives the original value of each class after loading.
 *
 * <p>A configured reader is a {@link DataSource} without a test part; set options with the {@code
 * with...} methods, each returning a new reader.
 */
public final class CsvReader implements DataSource {
  /** Whether the first row holds column names. */
  public enum Header {
    TRUE,
    FALSE,
    /** The first row is a header if any of its fields is not a number. */
    AUTO
  }

  private static final Pattern NAN = Pattern.compile("[+-]?nan", Pattern.CASE_INSENSITIVE);
  private static final Pattern INF =
      Pattern.compile("([+-]?)inf(inity)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

  private final Path file;
  private final String spec;
  private final Header header;
  private final String label;
  private final char delimiter;
  private final int limit;
  private volatile long[] classValues;
  private volatile List<String> columnNames;
  private volatile int[] featureColumns;

  /** A reader with defaults: header auto-detected, no label column, comma-separated, all rows. */
  public CsvReader(Path file) {
    this(file, null);
  }

  /**
   * As {@link #CsvReader(Path)}, remembering the {@code --data} spec it came from (may be null).
   */
  public CsvReader(Path file, String spec) {
    this(file, spec, Header.AUTO, "none", ',', -1);
  }

  private CsvReader(
      Path file, String spec, Header header, String label, char delimiter, int limit) {
    this.file = file;
    this.spec = spec == null ? "csv:" + file : spec;
    this.header = header;
    this.label = label;
    this.delimiter = delimiter;
    this.limit = limit;
  }

  public CsvReader withHeader(Header h) {
    return new CsvReader(file, spec, h, label, delimiter, limit);
  }

  /**
   * Which column holds integer class labels: {@code none}, {@code first}, {@code last}, a 0-based
   * column index, or a header name.
   */
  public CsvReader withLabel(String column) {
    return new CsvReader(file, spec, header, column, delimiter, limit);
  }

  public CsvReader withDelimiter(char d) {
    return new CsvReader(file, spec, header, label, d, limit);
  }

  /** Keeps only the first {@code n} data rows (negative: all). */
  public CsvReader withLimit(int n) {
    return new CsvReader(file, spec, header, label, delimiter, n);
  }

  @Override
  public String spec() {
    return spec;
  }

  @Override
  public TrainTest load() {
    return new TrainTest(read(), null);
  }

  /**
   * Original label value of each class index (class {@code c} was {@code classValues()[c]} in the
   * file), or null before {@link #read()} or without a label column.
   */
  public long[] classValues() {
    return classValues;
  }

  /** Column names from the header row (including the label column), or null without one. */
  public List<String> columnNames() {
    return columnNames;
  }

  /**
   * The 0-based file column of each feature (the label column skipped), or null before {@link
   * #read()}: lets messages about a feature name the column a user sees in the file.
   */
  public int[] featureColumns() {
    int[] f = featureColumns;
    return f == null ? null : f.clone();
  }

  /** Parses the file. Throws {@link DataException} naming file and line for bad content. */
  public Dataset read() {
    String name = file.toString();
    CSVFormat format =
        CSVFormat.DEFAULT
            .builder()
            .setDelimiter(delimiter)
            .setTrim(true)
            // Blank lines are kept as records so that the parser's line count stays in step with
            // the physical lines we report; they are skipped below.
            .setIgnoreEmptyLines(false)
            .get();
    List<float[]> rows = new ArrayList<>();
    List<Long> rawLabels = new ArrayList<>();
    List<String> names = null;
    int width = -1;
    int labelCol = -2; // -2: not resolved yet, -1: no label column
    long endOfPrevious = 0; // the physical line the last record read ended on
    try (InputStream in = Inputs.open(file);
        Reader reader = Inputs.utf8(in);
        CSVParser parser = CSVParser.parse(reader, format)) {
      boolean first = true;
      for (CSVRecord rec : parser) {
        long line = endOfPrevious + 1;
        endOfPrevious = parser.getCurrentLineNumber();
        if (rec.size() == 1 && rec.get(0).isEmpty()) {
          continue;
        }
        if (first) {
          first = false;
          width = rec.size();
          if (isHeader(rec)) {
            names = rec.toList();
            labelCol = resolveLabel(names, width, line);
            continue;
          }
          labelCol = resolveLabel(null, width, line);
        }
        if (limit >= 0 && rows.size() >= limit) {
          break;
        }
        if (rec.size() != width) {
          throw DataException.at(name, line, "expected " + width + " values, found " + rec.size());
        }
        float[] row = new float[labelCol >= 0 ? width - 1 : width];
        int k = 0;
        for (int c = 0; c < width; c++) {
          String field = rec.get(c);
          if (c == labelCol) {
            rawLabels.add(parseLabel(field, c, name, line));
          } else {
            row[k++] = (float) parseValue(field, c, name, line);
          }
        }
        rows.add(row);
      }
    } catch (java.io.UncheckedIOException e) {
      // commons-csv reports a malformed record (an unterminated or stray quote) this way, with
      // its exception class in the message: name the line the record starts on instead.
      IOException cause = e.getCause();
      throw new DataException(
          name
              + ":"
              + (endOfPrevious + 1)
              + ": cannot parse as CSV: "
              + (cause != null ? cause.getMessage() : e.getMessage()),
          e);
    } catch (IOException e) {
      throw new DataException(
          name + ":" + (endOfPrevious + 1) + ": cannot parse as CSV: " + e.getMessage(), e);
    }
    if (width < 0) {
      throw DataException.at(name, 1, "empty file: no rows");
    }
    if (rows.isEmpty()) {
      throw DataException.at(name, 1, "no data rows after the header");
    }
    int dim = rows.get(0).length;
    if (dim == 0) {
      throw DataException.at(name, 1, "no feature columns besides the label column");
    }
    float[] features = new float[rows.size() * dim];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, features, i * dim, dim);
    }
    Dataset.Builder b = Dataset.builder(file.getFileName().toString(), dim, features);
    if (labelCol >= 0) {
      b.labels(mapLabels(rawLabels));
    }
    columnNames = names == null ? null : List.copyOf(names);
    int[] cols = new int[dim];
    for (int c = 0, k = 0; c < width; c++) {
      if (c != labelCol) {
        cols[k++] = c;
      }
    }
    featureColumns = cols;
    return b.build();
  }

  private boolean isHeader(CSVRecord rec) {
    switch (header) {
      case TRUE:
        return true;
      case FALSE:
        return false;
      default:
        for (String f : rec) {
          if (!looksNumeric(f)) {
            return true;
          }
        }
        return false;
    }
  }

  private static boolean looksNumeric(String f) {
    if (NAN.matcher(f).matches() || INF.matcher(f).matches()) {
      return true;
    }
    try {
      Decimals.parseDouble(f);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private int resolveLabel(List<String> names, int width, long line) {
    String l = label.trim();
    String lower = l.toLowerCase(Locale.ROOT);
    int col;
    if (lower.equals("none")) {
      return -1;
    } else if (lower.equals("first")) {
      col = 0;
    } else if (lower.equals("last")) {
      col = width - 1;
    } else if (INTEGER.matcher(l).matches()) {
      col = Integer.parseInt(l);
      if (col < 0 || col >= width) {
        throw DataException.at(
            file.toString(),
            line,
            "label column "
                + col
                + " is out of range: the file has "
                + width
                + " columns (0-based indices 0.."
                + (width - 1)
                + ")");
      }
    } else if (names == null) {
      throw DataException.at(
          file.toString(),
          line,
          "label column '"
              + l
              + "' is a name but the file has no header row (use a 0-based index, first or last)");
    } else {
      col = names.indexOf(l);
      if (col < 0) {
        throw DataException.at(
            file.toString(), line, "no column named '" + l + "' in the header " + names);
      }
    }
    if (width < 2) {
      throw DataException.at(
          file.toString(), line, "a label column needs at least one other column");
    }
    return col;
  }

  private static double parseValue(String f, int col, String file, long line) {
    if (NAN.matcher(f).matches()) {
      throw DataException.at(file, line, "column " + col + ": NaN is not allowed");
    }
    if (INF.matcher(f).matches()) {
      String sign = f.startsWith("-") ? "-" : "";
      throw DataException.at(file, line, "column " + col + ": " + sign + "Infinity is not allowed");
    }
    double v;
    try {
      v = Decimals.parseDouble(f);
    } catch (NumberFormatException e) {
      throw DataException.at(file, line, "column " + col + ": '" + f + "' is not a number");
    }
    // Finite doubles beyond float range would silently become Infinity.
    String bad = Inputs.nonFinite((float) v);
    if (bad != null) {
      throw DataException.at(
          file,
          line,
          "column " + col + ": " + f + " overflows a float (" + bad + " is not allowed)");
    }
    return v;
  }

  private static long parseLabel(String f, int col, String file, long line) {
    long v;
    try {
      if (INTEGER.matcher(f).matches()) {
        v = Long.parseLong(f);
      } else {
        double d = Decimals.parseDouble(f);
        if (!Double.isFinite(d) || d != Math.rint(d) || Math.abs(d) > 1e15) {
          throw new NumberFormatException();
        }
        v = (long) d;
      }
    } catch (NumberFormatException e) {
      throw DataException.at(
          file, line, "column " + col + " (label): '" + f + "' is not an integer class label");
    }
    if (v < 0) {
      throw DataException.at(
          file,
          line,
          "column "
              + col
              + " (label): "
              + v
              + " is negative; class labels must be non-negative integers");
    }
    return v;
  }

  private int[] mapLabels(List<Long> raw) {
    long[] distinct = new TreeSet<>(raw).stream().mapToLong(Long::longValue).toArray();
    int[] out = new int[raw.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Arrays.binarySearch(distinct, raw.get(i));
    }
    classValues = distinct;
    return out;
  }
}
