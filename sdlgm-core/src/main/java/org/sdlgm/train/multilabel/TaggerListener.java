package org.sdlgm.train.multilabel;

import org.sdlgm.io.EpochRecord;

/**
 * Observes a multi-label training run (progress display, logging, tests). Callbacks run on the
 * training thread; keep them cheap.
 */
public interface TaggerListener {
  /** After every step, with the running means of this epoch so far. */
  default void onStep(
      int epoch,
      int batchInEpoch,
      int batchesPerEpoch,
      double loss,
      double countNll,
      double setLoss,
      double examplesPerSecond) {}

  /**
   * Once before the first step: whether training reads sparse rows (the first layer's product from
   * the rows' non-zeros, its weights updated where a batch has non-zeros) or dense batches, and
   * why, in words for a log.
   */
  default void onInputPath(boolean sparse, String reason) {}

  /** After an epoch, with its history row. */
  default void onEpoch(EpochRecord record) {}
}
