package org.sdlgm.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.sdlgm.train.EpochRecord;
import org.sdlgm.train.TrainingListener;

/**
 * Shows training progress on stderr: on a terminal a bar redrawn in place with the running
 * loss terms, τ and examples per second; otherwise (logs, CI) one line per epoch.
 */
final class ProgressBar implements TrainingListener {
  private final PrintStream out;
  private final int epochs;
  private final boolean interactive;
  private long lastDraw;

  ProgressBar(PrintStream out, int epochs) {
    this.out = out;
    this.epochs = epochs;
    this.interactive = System.console() != null;
  }

  @Override
  public void onStep(int epoch, int batch, int batches, StepStats s) {
    if (!interactive) {
      return;
    }
    long now = System.nanoTime();
    if (batch < batches && now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    int width = 24;
    int filled = (int) Math.round(width * batch / (double) batches);
    String bar = "#".repeat(filled) + "-".repeat(width - filled);
    out.print(String.format(Locale.ROOT,
        "\repoch %d/%d [%s] %3d%% loss %.2f logp %.2f KL_L %.3f KL_S %.3f KL_v %.2f nnz %.2f τ %.3f %,.0f ex/s ",
        epoch + 1, epochs, bar, 100 * batch / batches, s.loss(), s.logLik(), s.klL(), s.klS(),
        s.klV(), s.nnz(), s.tau(), s.examplesPerSecond()));
    out.flush();
  }

  @Override
  public void onEpoch(EpochRecord r) {
    if (interactive) {
      out.print("\r");
    }
    String val = Double.isNaN(r.valElbo()) ? ""
        : String.format(Locale.ROOT, " | val ELBO %.2f nnz %.2f", r.valElbo(), r.valNnz());
    String skipped = r.skippedSteps() > 0 ? " (" + r.skippedSteps() + " steps skipped: non-finite gradient)" : "";
    out.println(String.format(Locale.ROOT,
        "epoch %d/%d loss %.2f logp %.2f KL_L %.3f KL_S %.3f KL_v %.2f nnz %.2f τ %.3f %,.0f ex/s %.1fs%s%s",
        r.epoch(), epochs, r.trainLoss(), r.trainLogLik(), r.trainKlL(), r.trainKlS(), r.trainKlV(),
        r.trainNnz(), r.tau(), r.examplesPerSecond(), r.seconds(), val, skipped));
    out.flush();
  }
}
