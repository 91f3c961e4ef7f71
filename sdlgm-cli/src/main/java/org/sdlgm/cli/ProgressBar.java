package org.sdlgm.cli;

import java.io.PrintStream;
import java.util.Locale;
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
              "epoch %d/%d [%s] %3d%% loss %.2f logp %.2f KL_L %.3f KL_S %.3f KL_v %.2f nnz %.2f τ %.3f %,.0f ex/s ",
              epoch + 1,
              epochs,
              bar,
              100 * batch / batches,
              s.loss(),
              s.logLik(),
              s.klL(),
              s.klS(),
              s.klV(),
              s.nnz(),
              s.tau(),
              s.examplesPerSecond());
        });
  }

  @Override
  public void onEpoch(EpochRecord r) {
    String val =
        Double.isNaN(r.valElbo())
            ? ""
            : String.format(Locale.ROOT, " | val ELBO %.2f nnz %.2f", r.valElbo(), r.valNnz());
    String skipped =
        r.skippedSteps() > 0
            ? " (" + r.skippedSteps() + " steps skipped: non-finite gradient)"
            : "";
    line.line(
        String.format(
            Locale.ROOT,
            "epoch %d/%d loss %.2f logp %.2f KL_L %.3f KL_S %.3f KL_v %.2f nnz %.2f τ %.3f %,.0f ex/s %.1fs%s%s",
            r.epoch(),
            epochs,
            r.trainLoss(),
            r.trainLogLik(),
            r.trainKlL(),
            r.trainKlS(),
            r.trainKlV(),
            r.trainNnz(),
            r.tau(),
            r.examplesPerSecond(),
            r.seconds(),
            val,
            skipped));
  }

  @Override
  public void onNote(String note) {
    line.line("note: " + note);
  }
}
