package org.sdlgm.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.sdlgm.io.EpochRecord;

/**
 * {@code history.csv} read by column name ({@link EpochRecord#readColumns}), so that the report
 * keeps working when columns are added: one row per epoch, empty fields are NaN, a missing file is
 * an empty history.
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

  /**
   * Reads {@code file} ({@link EpochRecord#readColumns}); a missing file gives an empty history.
   */
  public static History read(Path file) {
    if (!Files.isRegularFile(file)) {
      return empty();
    }
    Map<String, double[]> cols = EpochRecord.readColumns(file);
    int n = cols.isEmpty() ? 0 : cols.values().iterator().next().length;
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
