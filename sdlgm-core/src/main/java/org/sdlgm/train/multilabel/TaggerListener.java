package org.sdlgm.train.multilabel;

import org.sdlgm.io.TaggerEpoch;

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

  /** After an epoch, with its history row. */
  default void onEpoch(TaggerEpoch record) {}
}
