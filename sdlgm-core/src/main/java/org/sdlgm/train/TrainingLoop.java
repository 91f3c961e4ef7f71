package org.sdlgm.train;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.Splits;
import org.sdlgm.engine.AdamUpdates;
import org.sdlgm.io.Checkpoint;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.io.RunOptions;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.TrainedModel;

/**
 * The plumbing every training loop shares, whichever task it trains: the seeds (libtorch's
 * generator for initialisation and for each epoch, and the epoch's row order), the divergence guard
 * (a non-finite loss stops the run; a non-finite gradient drops its step, and too many in a row
 * stop it) with one message saying where the last good checkpoint is, the checkpoints — read and
 * verified for a resume, written with the model's parameters, the Adam moments and the history
 * under one {@link Position} format — and the listeners. A {@link Trainer} creates one per fit;
 * what it trains and reports is its own.
 *
 * <p>Reproducible on CPU: epoch e shuffles with {@code Random(seed·31 + e)} and reseeds libtorch
 * with {@link TrainConfig#seedFor}(e), so the same seed and data give the same numbers, and a run
 * resumed at an epoch boundary draws the same noise as an uninterrupted one.
 */
public final class TrainingLoop {
  /** The model's parameters in a checkpoint. */
  public static final String PARAMS = "model.params";

  /** The history so far in a checkpoint. */
  public static final String HISTORY = "history.csv";

  private final TrainConfig training;
  private final String kind;
  private final Path outputDir;
  private final List<TrainingListener> listeners;
  private String lastCheckpoint;
  private int skippedInARow;

  /**
   * The plumbing of one fit of a model of {@code kind} (its {@link TrainedModel#format()}),
   * checkpointing into {@code outputDir} (null: no checkpoints) and telling {@code listeners}.
   */
  public TrainingLoop(
      TrainConfig training, String kind, Path outputDir, List<TrainingListener> listeners) {
    this.training = training;
    this.kind = kind;
    this.outputDir = outputDir;
    this.listeners = List.copyOf(listeners);
  }

  /**
   * Where a run is, as each checkpoint's manifest records it ({@code state}), in the one format of
   * both trainers: the next epoch (0-based) and batch within it, the global step, and the epoch
   * kept as best by validation with its score (0 and −1 when none is kept).
   */
  public record Position(int epoch, int batchInEpoch, long step, int bestEpoch, double bestScore) {
    /** The position of a run that keeps no best epoch. */
    public static Position at(int epoch, int batchInEpoch, long step) {
      return new Position(epoch, batchInEpoch, step, 0, -1);
    }

    /**
     * Reads a manifest's position. A field a trainer does not use may be absent (the unsupervised
     * trainer keeps no best epoch; the multi-label one checkpoints at epoch ends only): it takes
     * the value that means "none".
     */
    public static Position of(JsonNode state) {
      return new Position(
          state.path("epoch").asInt(),
          state.path("batchInEpoch").asInt(0),
          state.path("step").asLong(),
          state.path("bestEpoch").asInt(0),
          state.path("bestScore").asDouble(-1));
    }
  }

  /**
   * Where a resumed run starts: the verified checkpoint (its files: {@link #params()}, {@link
   * #adamState()}, and any a trainer added), its position and the history so far.
   */
  public record Start(Checkpoint checkpoint, Position position, List<EpochRecord> history) {
    /** The model's parameters. */
    public Path params() {
      return checkpoint.file(PARAMS);
    }

    /** The Adam moments. */
    public Path adamState() {
      return checkpoint.file(AdamUpdates.STATE_FILE);
    }
  }

  /**
   * The checkpoint to continue from, with its position and history: {@code verified} when the
   * caller already read and verified it, else the output folder's. Its options must be {@code
   * options}.
   */
  public Start resume(Checkpoint verified, RunOptions options) {
    if (verified == null && outputDir == null) {
      throw new SdlgmException("resuming needs the output folder that holds the checkpoint");
    }
    Checkpoint c = verified != null ? verified : Checkpoint.read(outputDir, kind);
    c.requireSameOptions(options);
    Position p = Position.of(c.state());
    // Fewer epochs than the checkpoint already trained cannot be honoured: the run would return
    // the checkpoint's later parameters and history under a configuration that says otherwise.
    int trained = p.epoch() + (p.batchInEpoch() > 0 ? 1 : 0);
    if (trained > training.epochs()) {
      throw new SdlgmException(
          c.dir().resolve(Checkpoint.MANIFEST)
              + ": the run to resume has already trained "
              + (p.batchInEpoch() > 0 ? "into epoch " + trained : trained + " epochs")
              + ", more than --epochs "
              + training.epochs()
              + "; resume it with --epochs "
              + trained
              + " or more, or start anew with --overwrite");
    }
    lastCheckpoint = "step " + p.step();
    return new Start(c, p, EpochRecord.readCsv(c.file(HISTORY)));
  }

  /** Seeds libtorch's generator for the model's initialisation. */
  public void seedInitialisation() {
    Engine.getInstance().setRandomSeed(training.seedFor(-1));
  }

  /** Reseeds libtorch for epoch {@code epoch} and returns the order of its {@code n} rows. */
  public int[] beginEpoch(int epoch, int n) {
    Engine.getInstance().setRandomSeed(training.seedFor(epoch));
    return Splits.shuffled(n, new Random(training.seed() * 31 + epoch));
  }

  /**
   * Whether the step whose gradients sum to {@code gradientSum} may update the model: false drops
   * it (a rare non-finite gradient must not poison the parameters), and more than {@link
   * TrainConfig#MAX_SKIPPED_IN_A_ROW} such steps in a row stop the run.
   */
  public boolean gradientsFinite(float gradientSum, int epoch, long step) {
    if (Float.isFinite(gradientSum)) {
      skippedInARow = 0;
      return true;
    }
    if (++skippedInARow > TrainConfig.MAX_SKIPPED_IN_A_ROW) {
      throw diverged(
          epoch, step, "gradients were not finite for " + skippedInARow + " steps in a row");
    }
    return false;
  }

  /**
   * The error that stops a diverged run at {@code epoch} (0-based) before step {@code step}: what
   * happened, where the last good checkpoint is, and what to change.
   */
  public TrainingDivergedException diverged(int epoch, long step, String what) {
    return new TrainingDivergedException(
        "training diverged at epoch "
            + (epoch + 1)
            + ", step "
            + (step + 1)
            + ": "
            + what
            + ". "
            + (lastCheckpoint == null
                ? "No checkpoint was written yet."
                : "The last good checkpoint ("
                    + lastCheckpoint
                    + ") is in "
                    + outputDir.resolve(Checkpoint.DIR)
                    + " (--resume continues it with the same "
                    + "options only).")
            + " Start again with a lower --lr or a --grad-clip (and --overwrite).");
  }

  /** Whether this fit writes checkpoints. */
  public boolean checkpoints() {
    return outputDir != null;
  }

  /**
   * Publishes a checkpoint: the model's parameters, the Adam moments, the trainer's own {@code
   * extra} files (name → writer), the history and the position; then tells the listeners.
   */
  public void checkpoint(
      TrainedModel<?> model,
      AdamUpdates adam,
      List<Extra> extra,
      List<EpochRecord> history,
      Position position,
      RunOptions options) {
    Checkpoint.Draft d =
        Checkpoint.begin(outputDir, kind)
            .put(PARAMS, model::saveParameters)
            .put(AdamUpdates.STATE_FILE, adam::save);
    for (Extra e : extra) {
      d.put(e.name(), e.writer());
    }
    d.put(HISTORY, f -> EpochRecord.writeCsv(f, history)).publish(position, options);
    lastCheckpoint = "step " + position.step();
    for (TrainingListener l : listeners) {
      l.onCheckpoint(position.step(), outputDir.resolve(Checkpoint.DIR));
    }
  }

  /** A file a trainer adds to its checkpoints: its name, and what writes it to a given path. */
  public record Extra(String name, Consumer<Path> writer) {}

  /** Tells the listeners how training reads its rows. */
  public void inputPath(boolean sparse, String reason) {
    for (TrainingListener l : listeners) {
      l.onInputPath(sparse, reason);
    }
  }

  /** Tells the listeners about a finished step. */
  public void step(int epoch, int batchInEpoch, int batches, TrainingListener.StepStats stats) {
    for (TrainingListener l : listeners) {
      l.onStep(epoch, batchInEpoch, batches, stats);
    }
  }

  /** Tells the listeners the phase times of an epoch. */
  public void phases(int epoch, int steps, double forward, double backward, double update) {
    for (TrainingListener l : listeners) {
      l.onPhases(epoch, steps, forward, backward, update);
    }
  }

  /** Tells the listeners about a finished epoch. */
  public void epoch(EpochRecord record) {
    for (TrainingListener l : listeners) {
      l.onEpoch(record);
    }
  }

  /** A new, empty history, or the one a resumed run continues. */
  public static List<EpochRecord> history(Start start) {
    return new ArrayList<>(start != null ? start.history() : List.of());
  }
}
