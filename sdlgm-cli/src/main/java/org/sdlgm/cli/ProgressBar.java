package org.sdlgm.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.train.TrainingListener;

/**
 * Shows training progress on stderr: on a terminal a bar redrawn in place with the running loss
 * terms, τ and examples per second; otherwise (logs, CI) one line per epoch.
 */
final class ProgressBar implements TrainingListener {
  private final ProgressLine line;
  private final int epochs;

  ProgressBar(PrintStream out, int epochs) {
    this.line = new ProgressLine(out);
    this.epochs = epochs;
  }

  @Override
  public void onStep(int epoch, int batch, int batches, StepStats s) {
    line.redraw(
        batch,
        batches,
        () -> {
          int width = 24;
          int filled = (int) Math.round(width * batch / (double) batches);
          String bar = "#".repeat(filled) + "-".repeat(width - filled);
          return String.format(
              Locale.ROOT,
              "epoch %d/%d [%s] %3d%% loss %.2f %s nnz %.2f τ %.3f %,.0f ex/s ",
              epoch + 1,
              epochs,
              bar,
              100 * batch / batches,
              s.loss(),
              terms(s.terms()),
              s.nnz(),
              s.tau(),
              s.examplesPerSecond());
        });
  }

  @Override
  public void onEpoch(EpochRecord r) {
    double valElbo = r.value(EpochRecord.VALIDATION + "elbo");
    String val =
        Double.isNaN(valElbo)
            ? ""
            : String.format(
                Locale.ROOT,
                " | val ELBO %.2f nnz %.2f",
                valElbo,
                r.value(EpochRecord.VALIDATION + "nnz"));
    String skipped =
        r.skippedSteps() > 0
            ? " (" + r.skippedSteps() + " steps skipped: non-finite gradient)"
            : "";
    line.line(
        String.format(
            Locale.ROOT,
            "epoch %d/%d loss %.2f %s nnz %.2f τ %.3f %,.0f ex/s %.1fs%s%s",
            r.epoch(),
            epochs,
            r.trainLoss(),
            terms(trainTerms(r)),
            r.value(EpochRecord.TRAIN + "nnz"),
            r.value("tau"),
            r.examplesPerSecond(),
            r.seconds(),
            val,
            skipped));
  }

  /** The record's training terms: its {@code train_…} columns but the loss and nnz, by name. */
  private static Map<String, Double> trainTerms(EpochRecord r) {
    Map<String, Double> t = new LinkedHashMap<>();
    r.values()
        .forEach(
            (column, v) -> {
              if (column.startsWith(EpochRecord.TRAIN)
                  && !column.equals(EpochRecord.TRAIN_LOSS)
                  && !column.equals(EpochRecord.TRAIN + "nnz")) {
                t.put(column.substring(EpochRecord.TRAIN.length()), v);
              }
            });
    return t;
  }

  /** Each term as {@code name value}. */
  private static String terms(Map<String, Double> terms) {
    StringJoiner j = new StringJoiner(" ");
    terms.forEach((name, v) -> j.add(String.format(Locale.ROOT, "%s %.3f", name, v)));
    return j.toString();
  }

  @Override
  public void onNote(String note) {
    line.line("note: " + note);
  }
}
