package org.sdlgm.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sdlgm.SdlgmException;

/**
 * {@code history.csv} read by column name (see {@code EpochRecord}), so that the report keeps
 * working when columns are added: one row per epoch, empty fields are NaN, a missing file is an
 * empty history.
 */
public final class History {
  private final Map<String, double[]> columns;
  private final int rows;

  private History(Map<String, double[]> columns, int rows) {
    this.columns = columns;
    this.rows = rows;
  }

  /** An empty history (no epochs). */
  public static History empty() {
    return new History(Map.of(), 0);
  }

  /** Reads {@code file}; a missing file gives an empty history. */
  public static History read(Path file) {
    if (!Files.isRegularFile(file)) {
      return empty();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    lines = lines.stream().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty()) {
      return empty();
    }
    String[] header = lines.get(0).split(",", -1);
    int n = lines.size() - 1;
    double[][] data = new double[header.length][n];
    for (int r = 0; r < n; r++) {
      String[] p = lines.get(r + 1).split(",", -1);
      for (int c = 0; c < header.length; c++) {
        String v = c < p.length ? p[c].trim() : "";
        try {
          data[c][r] = v.isEmpty() ? Double.NaN : Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw new SdlgmException(
              file
                  + ": line "
                  + (r + 2)
                  + ", column '"
                  + header[c]
                  + "': not a number: '"
                  + v
                  + "'");
        }
      }
    }
    Map<String, double[]> cols = new LinkedHashMap<>();
    for (int c = 0; c < header.length; c++) {
      cols.put(header[c].trim(), data[c]);
    }
    return new History(cols, n);
  }

  /** Number of epochs recorded. */
  public int size() {
    return rows;
  }

  public boolean isEmpty() {
    return rows == 0;
  }

  /** The column names, in file order. */
  public List<String> names() {
    return new ArrayList<>(columns.keySet());
  }

  /** A copy of a column, or null when the file has no such column. */
  public double[] column(String name) {
    double[] c = columns.get(name);
    return c == null ? null : c.clone();
  }

  /** Whether the column exists and has at least one finite value. */
  public boolean hasValues(String name) {
    double[] c = columns.get(name);
    return c != null && Arrays.stream(c).anyMatch(Double::isFinite);
  }

  /** Whether the column exists and has a finite value other than 0 (a term the run has). */
  public boolean hasNonZero(String name) {
    double[] c = columns.get(name);
    return c != null && Arrays.stream(c).anyMatch(v -> Double.isFinite(v) && v != 0);
  }

  /** The epoch numbers (column {@code epoch}, else 1..n). */
  public double[] epochs() {
    double[] e = columns.get("epoch");
    if (e != null) {
      return e.clone();
    }
    double[] d = new double[rows];
    Arrays.setAll(d, i -> i + 1);
    return d;
  }

  /** Sum of a column's finite values (0 when absent). */
  public double sum(String name) {
    double[] c = columns.get(name);
    return c == null ? 0 : Arrays.stream(c).filter(Double::isFinite).sum();
  }
}
