package org.sdlgm.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.sdlgm.SdlgmException;
import org.sdlgm.util.AtomicFiles;

/**
 * The CSV form of {@code history.csv} ({@link EpochRecord}): a header of {@code
 * epoch,step,seconds,examples_per_s}, the rows' named columns (every name any row has, in the order
 * they first appear) and {@code skipped_steps}; then one line per epoch, values as {@code %.6g},
 * empty for NaN or a column the row lacks. Read back by column name, so that columns may be added,
 * dropped or reordered between versions.
 */
final class HistoryCsv {
  private static final String EPOCH = "epoch";
  private static final String STEP = "step";
  private static final String SECONDS = "seconds";
  private static final String EXAMPLES_PER_S = "examples_per_s";
  private static final String SKIPPED = "skipped_steps";
  private static final Set<String> FIXED = Set.of(EPOCH, STEP, SECONDS, EXAMPLES_PER_S, SKIPPED);

  private HistoryCsv() {}

  /** Writes {@code history} to {@code file} atomically. */
  static void write(Path file, List<EpochRecord> history) {
    Set<String> names = new LinkedHashSet<>();
    for (EpochRecord r : history) {
      names.addAll(r.values().keySet());
    }
    StringBuilder csv = new StringBuilder(String.join(",", EPOCH, STEP, SECONDS, EXAMPLES_PER_S));
    for (String n : names) {
      csv.append(',').append(n);
    }
    csv.append(',').append(SKIPPED).append('\n');
    for (EpochRecord r : history) {
      csv.append(r.epoch()).append(',').append(r.step());
      number(csv, r.seconds());
      number(csv, r.examplesPerSecond());
      for (String n : names) {
        number(csv, r.value(n));
      }
      csv.append(',').append(r.skippedSteps()).append('\n');
    }
    AtomicFiles.writeString(file, csv.toString());
  }

  private static void number(StringBuilder s, double v) {
    s.append(',');
    if (!Double.isNaN(v)) {
      s.append(String.format(Locale.ROOT, "%.6g", v));
    }
  }

  /** Reads the rows of {@code file} (blank lines skipped; no {@code skipped_steps} column is 0). */
  static List<EpochRecord> read(Path file) {
    Map<String, double[]> columns = columns(file);
    int rows = columns.isEmpty() ? 0 : columns.values().iterator().next().length;
    List<EpochRecord> out = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      Map<String, Double> values = new LinkedHashMap<>();
      for (Map.Entry<String, double[]> c : columns.entrySet()) {
        if (!FIXED.contains(c.getKey())) {
          values.put(c.getKey(), c.getValue()[r]);
        }
      }
      double skipped = at(columns, SKIPPED, r);
      out.add(
          new EpochRecord(
              (int) at(columns, EPOCH, r),
              (long) at(columns, STEP, r),
              at(columns, SECONDS, r),
              at(columns, EXAMPLES_PER_S, r),
              values,
              Double.isNaN(skipped) ? 0 : (int) skipped));
    }
    return out;
  }

  private static double at(Map<String, double[]> columns, String name, int row) {
    double[] c = columns.get(name);
    return c == null ? Double.NaN : c[row];
  }

  /**
   * The columns of {@code file} by header name, in file order, one value per non-blank line after
   * the header; an empty field, or a line shorter than the header, is NaN.
   */
  static Map<String, double[]> columns(Path file) {
    try {
      List<String> lines =
          Files.readAllLines(file, StandardCharsets.UTF_8).stream()
              .filter(l -> !l.isBlank())
              .toList();
      Map<String, double[]> columns = new LinkedHashMap<>();
      if (lines.isEmpty()) {
        return columns;
      }
      String[] header = lines.get(0).split(",", -1);
      int n = lines.size() - 1;
      double[][] data = new double[header.length][n];
      for (int r = 0; r < n; r++) {
        String[] p = lines.get(r + 1).split(",", -1);
        if (p.length > header.length) {
          throw new IllegalArgumentException(
              "line " + (r + 2) + ": " + p.length + " fields, the header has " + header.length);
        }
        for (int c = 0; c < header.length; c++) {
          String v = c < p.length ? p[c].trim() : "";
          try {
            data[c][r] = v.isEmpty() ? Double.NaN : Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "line "
                    + (r + 2)
                    + ", column '"
                    + header[c].trim()
                    + "': not a number: '"
                    + v
                    + "'",
                e);
          }
        }
      }
      for (int c = 0; c < header.length; c++) {
        columns.put(header[c].trim(), data[c]);
      }
      return columns;
    } catch (IOException | IllegalArgumentException e) {
      throw new SdlgmException(file + ": unreadable history (" + e.getMessage() + ")", e);
    }
  }
}
