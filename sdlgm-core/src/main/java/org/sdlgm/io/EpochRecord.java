package org.sdlgm.io;

/**
 * One row of {@code history.csv}: the schedule and the mean of every objective term over an epoch's
 * training batches (relaxed sampler) and over the validation set (hard samples of the discrete
 * model; NaN without validation data), and how many steps of the epoch were skipped because a
 * gradient was not finite.
 */
public record EpochRecord(
    int epoch,
    long step,
    double seconds,
    double examplesPerSecond,
    double tau,
    double klScale,
    double priorWeight,
    double trainLoss,
    double trainLogLik,
    double trainKlL,
    double trainKlS,
    double trainKlV,
    double trainNnz,
    double valElbo,
    double valLogLik,
    double valKlL,
    double valKlS,
    double valKlV,
    double valNnz,
    double sigmaX,
    int skippedSteps) {

  /** CSV header matching {@link #toCsv}. */
  public static String csvHeader() {
    return "epoch,step,seconds,examples_per_s,tau,kl_scale,prior_weight,train_loss,train_loglik,"
        + "train_kl_l,train_kl_s,train_kl_v,train_nnz,val_elbo,val_loglik,val_kl_l,val_kl_s,"
        + "val_kl_v,val_nnz,sigma_x,skipped_steps";
  }

  public String toCsv() {
    return HistoryCsv.line(
        epoch,
        step,
        skippedSteps,
        seconds,
        examplesPerSecond,
        tau,
        klScale,
        priorWeight,
        trainLoss,
        trainLogLik,
        trainKlL,
        trainKlS,
        trainKlV,
        trainNnz,
        valElbo,
        valLogLik,
        valKlL,
        valKlS,
        valKlV,
        valNnz,
        sigmaX);
  }

  /** Writes {@code history.csv} (header, then one line per epoch) atomically. */
  public static void writeCsv(java.nio.file.Path file, java.util.List<EpochRecord> history) {
    HistoryCsv.write(file, csvHeader(), history, EpochRecord::toCsv);
  }

  /** Reads a {@code history.csv} written by {@link #writeCsv}. */
  public static java.util.List<EpochRecord> readCsv(java.nio.file.Path file) {
    return HistoryCsv.read(file, EpochRecord::parseCsv);
  }

  /** Parses a line written by {@link #toCsv} (empty fields are NaN). */
  public static EpochRecord parseCsv(String line) {
    String[] p = line.split(",", -1);
    double[] d = HistoryCsv.fields(p);
    return new EpochRecord(
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
        d[14],
        d[15],
        d[16],
        d[17],
        d[18],
        d[19],
        p.length > 20 ? (int) d[20] : 0);
  }
}
