package org.sdlgm.io;

/**
 * One row of a multi-label run's {@code history.csv}: the epoch's mean training terms (total loss,
 * count NLL, set loss, mean relaxed level), τ, throughput, and the validation metrics of the
 * model's own set rule (NaN without validation data).
 */
public record TaggerEpoch(
    int epoch,
    long step,
    double seconds,
    double examplesPerSecond,
    double tau,
    double trainLoss,
    double trainCountNll,
    double trainSetLoss,
    double trainLevel,
    double valP1,
    double valP3,
    double valExampleF1,
    double valCountAccuracy,
    double valMeanSetSize,
    int skippedSteps) {

  public static String csvHeader() {
    return "epoch,step,seconds,examples_per_s,tau,train_loss,train_count_nll,train_set_loss,"
        + "train_level,val_p1,val_p3,val_example_f1,val_count_accuracy,val_mean_set_size,skipped_steps";
  }

  public String toCsv() {
    return HistoryCsv.line(
        epoch,
        step,
        skippedSteps,
        seconds,
        examplesPerSecond,
        tau,
        trainLoss,
        trainCountNll,
        trainSetLoss,
        trainLevel,
        valP1,
        valP3,
        valExampleF1,
        valCountAccuracy,
        valMeanSetSize);
  }

  /** Writes {@code history.csv} (header, then one line per epoch) atomically. */
  public static void writeCsv(java.nio.file.Path file, java.util.List<TaggerEpoch> history) {
    HistoryCsv.write(file, csvHeader(), history, TaggerEpoch::toCsv);
  }

  /** Reads a {@code history.csv} written by {@link #writeCsv}. */
  public static java.util.List<TaggerEpoch> readCsv(java.nio.file.Path file) {
    return HistoryCsv.read(file, TaggerEpoch::parseCsv);
  }

  /** Parses a line written by {@link #toCsv} (empty fields are NaN). */
  public static TaggerEpoch parseCsv(String line) {
    String[] p = line.split(",", -1);
    if (p.length != 15) {
      throw new IllegalArgumentException("expected 15 fields, got " + p.length + ": " + line);
    }
    double[] d = HistoryCsv.fields(p);
    return new TaggerEpoch(
        (int) d[0],
        (long) d[1],
        d[2],
        d[3],
        d[4],
        d[5],
        d[6],
        d[7],
        d[8],
        d[9],
        d[10],
        d[11],
        d[12],
        d[13],
        (int) d[14]);
  }
}
