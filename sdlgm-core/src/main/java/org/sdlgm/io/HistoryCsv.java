package org.sdlgm.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.sdlgm.SdlgmException;
import org.sdlgm.util.AtomicFiles;

/**
 * The CSV layout shared by both kinds of {@code history.csv} ({@link EpochRecord}, {@link
 * TaggerEpoch}): a header, then one line per epoch of the epoch, the step, the epoch's values
 * ({@code %.6g}, empty for NaN) and the number of skipped steps.
 */
final class HistoryCsv {
  private HistoryCsv() {}

  /** One line: {@code epoch,step,values…,skippedSteps}. */
  static String line(int epoch, long step, int skippedSteps, double... values) {
    StringBuilder s = new StringBuilder().append(epoch).append(',').append(step);
    for (double v : values) {
      s.append(',');
      if (!Double.isNaN(v)) {
        s.append(String.format(Locale.ROOT, "%.6g", v));
      }
    }
    return s.append(',').append(skippedSteps).toString();
  }

  /** The fields of a line as numbers (empty fields are NaN). */
  static double[] fields(String[] p) {
    double[] d = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      d[i] = p[i].isEmpty() ? Double.NaN : Double.parseDouble(p[i]);
    }
    return d;
  }

  /** Writes {@code header}, then one line per row, to {@code file} atomically. */
  static <R> void write(Path file, String header, List<R> rows, Function<R, String> line) {
    StringBuilder csv = new StringBuilder(header).append('\n');
    for (R r : rows) {
      csv.append(line.apply(r)).append('\n');
    }
    AtomicFiles.writeString(file, csv.toString());
  }

  /** Reads the rows of {@code file} after its header (blank lines skipped). */
  static <R> List<R> read(Path file, Function<String, R> parse) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      List<R> out = new ArrayList<>();
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        if (!line.isBlank()) {
          out.add(parse.apply(line));
        }
      }
      return out;
    } catch (IOException | IllegalArgumentException e) {
      throw new SdlgmException(file + ": unreadable history (" + e.getMessage() + ")", e);
    }
  }
}
