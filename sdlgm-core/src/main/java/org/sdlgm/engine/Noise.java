package org.sdlgm.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Where a forward pass draws its random numbers: every Gumbel and Gaussian draw of the models goes
 * through one of these. {@link #DIRECT} draws from libtorch's generator as it is asked; {@link
 * BatchNoise} lets several threads share one batch's draws so that splitting a batch across threads
 * changes no number an example sees.
 */
public interface Noise {
  /** Uniform draws in [low, high) of the given shape, created by {@code manager}. */
  NDArray uniform(NDManager manager, float low, float high, Shape shape);

  /** Standard normal draws of the given shape, created by {@code manager}. */
  NDArray normal(NDManager manager, Shape shape);

  /** Draws from libtorch's (seeded) global generator in the order asked. */
  Noise DIRECT =
      new Noise() {
        @Override
        public NDArray uniform(NDManager manager, float low, float high, Shape shape) {
          return manager.randomUniform(low, high, shape);
        }

        @Override
        public NDArray normal(NDManager manager, Shape shape) {
          return manager.randomNormal(shape);
        }
      };
}
