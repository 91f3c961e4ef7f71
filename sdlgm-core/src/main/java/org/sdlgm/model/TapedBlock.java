package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import org.sdlgm.engine.Noise;
import org.sdlgm.engine.Tape;

/**
 * A block whose relaxed training pass can leave libtorch's graph in places, computing parts of it
 * in Java with their own vector-Jacobian products; the trainer then runs the pass's backward
 * through a {@link Tape} ({@link Tape#backward}). Only the trainer calls this; evaluation and the
 * blocks that keep every pass in libtorch use {@link LatentBlock#terms(ParameterStore, NDArray,
 * Schedule, boolean, boolean, Noise)}.
 */
public interface TapedBlock {
  /**
   * As {@link LatentBlock#terms(ParameterStore, NDArray, Schedule, boolean, boolean, Noise)}, for a
   * pass whose backward goes through {@code tape}; null keeps the whole pass in libtorch's graph.
   * The values and gradients are the same as that path's to float rounding.
   */
  Terms terms(
      ParameterStore ps,
      NDArray x,
      Schedule s,
      boolean hard,
      boolean training,
      Noise noise,
      Tape tape);
}
