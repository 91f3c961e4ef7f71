package org.sdlgm.train;

import java.nio.file.Path;
import java.util.Map;
import org.sdlgm.io.EpochRecord;

/**
 * Observes a training run of either task without being part of it: progress bars, logging and tests
 * attach listeners to a {@link Trainer} rather than the trainer growing flags. All callbacks run on
 * the training thread; keep them cheap.
 */
public interface TrainingListener {
  /**
   * Once before the first step: whether training reads sparse rows or dense batches, and why, in
   * words for a log (only trainers that can read either report it).
   */
  default void onInputPath(boolean sparse, String reason) {}

  /**
   * After every optimisation step.
   *
   * @param epoch 0-based epoch
   * @param batchInEpoch 1-based index of the batch just done
   * @param batchesPerEpoch number of batches in an epoch
   * @param stats running means of this epoch's terms so far
   */
  default void onStep(int epoch, int batchInEpoch, int batchesPerEpoch, StepStats stats) {}

  /** After an epoch, with its history row. */
  default void onEpoch(EpochRecord record) {}

  /**
   * After an epoch, with the wall time its steps spent in each phase: building the graph and the
   * loss (forward), {@code backward}, and the Adam update. For benchmarks and profiling (reported
   * by the trainers that time them).
   */
  default void onPhases(
      int epoch, int steps, double forwardSeconds, double backwardSeconds, double updateSeconds) {}

  /** A remark the user should see (a skipped step of the job and why), one line. */
  default void onNote(String note) {}

  /** After a checkpoint was written. */
  default void onCheckpoint(long step, Path dir) {}

  /**
   * Running means within an epoch, for progress display.
   *
   * @param step global step count
   * @param loss the running mean of the loss
   * @param terms the running mean of each of the model's terms, by name in the block's order
   * @param nnz the running mean of the sampled code's non-zeros (NaN for a model without codes)
   * @param tau the temperature of the step
   * @param examplesPerSecond training rows per second so far in this epoch
   */
  record StepStats(
      long step,
      double loss,
      Map<String, Double> terms,
      double nnz,
      double tau,
      double examplesPerSecond) {}
}
