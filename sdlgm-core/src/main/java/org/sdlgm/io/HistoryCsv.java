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
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      List<EpochRecord> out = new ArrayList<>();
      if (lines.isEmpty()) {
        return out;
      }
      String[] header = lines.get(0).split(",", -1);
      for (String line : lines.subList(1, lines.size())) {
        if (!line.isBlank()) {
          out.add(parse(header, line));
        }
      }
      return out;
    } catch (IOException | IllegalArgumentException e) {
      throw new SdlgmException(file + ": unreadable history (" + e.getMessage() + ")", e);
    }
  }

  private static EpochRecord parse(String[] header, String line) {
    String[] p = line.split(",", -1);
    if (p.length != header.length) {
      throw new IllegalArgumentException(
          "expected " + header.length + " fields, got " + p.length + ": " + line);
    }
    Map<String, Double> fixed = new LinkedHashMap<>();
    Map<String, Double> values = new LinkedHashMap<>();
    for (int i = 0; i < p.length; i++) {
      String name = header[i].trim();
      double v = p[i].isEmpty() ? Double.NaN : Double.parseDouble(p[i]);
      (FIXED.contains(name) ? fixed : values).put(name, v);
    }
    double skipped = fixed.getOrDefault(SKIPPED, 0.0);
    return new EpochRecord(
        (int) (double) fixed.getOrDefault(EPOCH, Double.NaN),
        (long) (double) fixed.getOrDefault(STEP, Double.NaN),
        fixed.getOrDefault(SECONDS, Double.NaN),
        fixed.getOrDefault(EXAMPLES_PER_S, Double.NaN),
        values,
        Double.isNaN(skipped) ? 0 : (int) skipped);
  }
}
