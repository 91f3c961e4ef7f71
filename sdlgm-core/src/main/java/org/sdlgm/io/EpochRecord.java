package org.sdlgm.io;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of {@code history.csv}, for either task: the epoch, the global step, the epoch's wall
 * time and throughput, how many of its steps were skipped because a gradient was not finite, and
 * its named values in column order — the schedule ({@code tau}, …), the mean of every training term
 * over the epoch's batches ({@code train_loss}, then {@code train_<term>} for each term the method
 * declares, e.g. {@code train_kl_l}), and the validation values ({@code val_…}; NaN without
 * validation data). The names are the CSV's column names, so a method with other terms writes other
 * columns without any change here.
 */
public record EpochRecord(
    int epoch,
    long step,
    double seconds,
    double examplesPerSecond,
    Map<String, Double> values,
    int skippedSteps) {

  /** Prefix of the columns of training means ({@code train_loss}, {@code train_<term>}). */
  public static final String TRAIN = "train_";

  /** Prefix of the columns of validation values ({@code val_<term>}). */
  public static final String VALIDATION = "val_";

  /** The column of the epoch's mean training loss, which every method has. */
  public static final String TRAIN_LOSS = "train_loss";

  public EpochRecord {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** The value of column {@code name}, or NaN when this row has no such column. */
  public double value(String name) {
    Double v = values.get(name);
    return v == null ? Double.NaN : v;
  }

  /** The epoch's mean training loss ({@link #TRAIN_LOSS}). */
  public double trainLoss() {
    return value(TRAIN_LOSS);
  }

  /** A row's values, in column order, for {@link EpochRecord}'s constructor. */
  public static final class Values {
    private final Map<String, Double> map = new LinkedHashMap<>();

    /** Adds column {@code name}; returns this. */
    public Values put(String name, double value) {
      if (map.put(name, value) != null) {
        throw new IllegalArgumentException("column " + name + " given twice");
      }
      return this;
    }

    /** Adds {@code prefix + name} for each of {@code named}, in its order; returns this. */
    public Values putAll(String prefix, Map<String, Double> named) {
      named.forEach((name, v) -> put(prefix + name, v));
      return this;
    }

    /** The columns so far. */
    public Map<String, Double> map() {
      return map;
    }
  }

  /** Writes {@code history.csv} (header, then one line per epoch) atomically. */
  public static void writeCsv(Path file, List<EpochRecord> history) {
    HistoryCsv.write(file, history);
  }

  /**
   * Reads a {@code history.csv} written by {@link #writeCsv} (by either task, and by earlier
   * versions, whose columns have the same names).
   */
  public static List<EpochRecord> readCsv(Path file) {
    return HistoryCsv.read(file);
  }

  /**
   * The columns of a {@code history.csv} by name, in file order (every column, {@code epoch} and
   * {@code step} included), for readers that plot them; empty fields are NaN.
   */
  public static Map<String, double[]> readColumns(Path file) {
    return HistoryCsv.columns(file);
  }
}
