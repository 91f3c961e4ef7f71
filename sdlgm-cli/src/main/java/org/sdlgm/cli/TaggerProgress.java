package org.sdlgm.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.train.TrainingListener;

/**
 * Progress of a multi-label training run on stderr: a line redrawn in place on a terminal, and one
 * line per epoch (loss terms, validation P@1 / example-F1 / count accuracy).
 */
final class TaggerProgress implements TrainingListener {
  private final ProgressLine line;
  private final int epochs;

  TaggerProgress(PrintStream out, int epochs) {
    this.line = new ProgressLine(out);
    this.epochs = epochs;
  }

  @Override
  public void onInputPath(boolean sparse, String reason) {
    line.line("input: " + (sparse ? "sparse rows" : "dense batches") + " (" + reason + ")");
  }

  @Override
  public void onStep(int epoch, int batch, int batches, StepStats s) {
    line.redraw(
        batch,
        batches,
        () ->
            String.format(
                Locale.ROOT,
                "epoch %d/%d %3d%% loss %.3f count-NLL %.3f set %.3f %,.0f ex/s ",
                epoch + 1,
                epochs,
                100 * batch / batches,
                s.loss(),
                s.terms().get("count_nll"),
                s.terms().get("set_loss"),
                s.examplesPerSecond()));
  }

  @Override
  public void onEpoch(EpochRecord r) {
    String val =
        Double.isNaN(r.value("val_p1"))
            ? ""
            : String.format(
                Locale.ROOT,
                " | val P@1 %.4f ex-F1 %.4f count-acc %.4f |Ŷ| %.2f",
                r.value("val_p1"),
                r.value("val_example_f1"),
                r.value("val_count_accuracy"),
                r.value("val_mean_set_size"));
    line.line(
        String.format(
            Locale.ROOT,
            "epoch %d/%d loss %.3f count-NLL %.3f set %.3f level %.2f τ %.3f %,.0f ex/s %.1fs%s",
            r.epoch(),
            epochs,
            r.trainLoss(),
            r.value("train_count_nll"),
            r.value("train_set_loss"),
            r.value("train_level"),
            r.value("tau"),
            r.examplesPerSecond(),
            r.seconds(),
            val));
  }
}
