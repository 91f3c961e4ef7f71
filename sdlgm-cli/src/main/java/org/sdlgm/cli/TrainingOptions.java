package org.sdlgm.cli;

import org.sdlgm.SdlgmException;
import org.sdlgm.data.InputScaling;
import org.sdlgm.io.TrainConfig;
import picocli.CommandLine.Option;

/** Training-loop options as a picocli mixin; defaults are {@link TrainConfig}'s. */
public final class TrainingOptions {
  @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (default 20).")
  Integer epochs;

  @Option(names = "--batch", paramLabel = "B", description = "Mini-batch size (default 100).")
  Integer batch;

  @Option(names = "--lr", paramLabel = "LR", description = "Adam learning rate (default 1e-3).")
  Double lr;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed for initialisation, shuffling, noise and splits (default 1).")
  Long seed;

  @Option(
      names = "--validation",
      paramLabel = "F",
      description =
          "Share of training rows held out for validation curves (default 0.05; 0 = none).")
  Double validation;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "STEPS",
      description = "Also checkpoint every this many steps (default 0: at epoch ends only).")
  Integer checkpointEvery;

  @Option(
      names = "--grad-clip",
      paramLabel = "C",
      description = "Clip gradient entries to [−C, C] (default 0: off).")
  Double gradClip;

  @Option(
      names = "--input-scaling",
      paramLabel = "none|minmax|standardize",
      description =
          "Unsupervised task: per-column scaling fitted on the training rows, stored in the model directory (scaling.json) and reapplied by encode and eval (default none). With the Bernoulli likelihood, training values must lie in [0,1] after it, and minmax or standardize clip later rows to [0,1].")
  String inputScaling;

  @Option(
      names = "--adam-impl",
      paramLabel = "IMPL",
      description =
          "Adam's implementation: fused (default; one pass per parameter, several times faster) or djl (DJL's native update). Same formula.")
  String adamImpl;

  TrainConfig apply(TrainConfig base) {
    // TrainConfig accepts an infinite learning rate and a NaN clip (which turns clipping off).
    if (lr != null && !(lr > 0 && lr < Double.POSITIVE_INFINITY)) {
      throw new SdlgmException("--lr: the learning rate must be a finite number > 0, got " + lr);
    }
    if (gradClip != null && !(gradClip >= 0)) {
      throw new SdlgmException("--grad-clip must be ≥ 0 (0: off), got " + gradClip);
    }
    TrainConfig.Builder b = base.toBuilder();
    if (epochs != null) {
      b.epochs(epochs);
    }
    if (batch != null) {
      b.batchSize(batch);
    }
    if (lr != null) {
      b.learningRate(lr);
    }
    if (seed != null) {
      b.seed(seed);
    }
    if (validation != null) {
      b.validationFraction(validation);
    }
    if (checkpointEvery != null) {
      b.checkpointEvery(checkpointEvery);
    }
    if (gradClip != null) {
      b.gradClip(gradClip);
    }
    if (adamImpl != null) {
      b.adam(adamImpl(adamImpl));
    }
    return b.build();
  }

  static TrainConfig.AdamImpl adamImpl(String name) {
    return switch (name) {
      case "fused" -> TrainConfig.AdamImpl.FUSED;
      case "djl" -> TrainConfig.AdamImpl.DJL;
      default -> throw new SdlgmException("--adam-impl must be fused or djl, got '" + name + "'");
    };
  }

  /** The requested input scaling (none when not given). */
  InputScaling.Kind inputScaling() {
    return inputScaling == null ? InputScaling.Kind.NONE : InputScaling.Kind.of(inputScaling);
  }

  long seedOr(long dflt) {
    return seed != null ? seed : dflt;
  }
}
