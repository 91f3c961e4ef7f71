package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands as 0-dimensional tensors made by libtorch itself. DJL's {@code add(Number)},
 * {@code mul(Number)}, {@code clip(Number, Number)} and friends copy every scalar through a freshly
 * allocated direct Java buffer (two for {@code clip}); in a training step with a few hundred small
 * operations that bookkeeping cost more than the arithmetic (measured with libtorch's profiler and
 * Java Flight Recorder). A 0-dimensional operand broadcasts exactly like a scalar, and libtorch
 * treats it as one.
 */
public final class Scalars {
  private Scalars() {}

  /** The value {@code v} as a float32 0-dimensional tensor on {@code manager}. */
  public static NDArray of(NDManager manager, float v) {
    return manager.full(new Shape(), v);
  }
}
