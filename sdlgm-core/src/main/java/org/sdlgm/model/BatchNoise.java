package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The random draws of one mini-batch, shared by the threads that each process some of its
 * rows. The i-th draw any thread asks for is made once, for all rows of the batch, from
 * libtorch's generator; each thread gets its own rows of it. Every thread asks for the same
 * sequence of draws (the same code runs on each part), so the generator is consumed in the
 * same order however the batch is split and however the threads interleave: a run is
 * reproducible for any number of threads, and every example sees the noise it would see with
 * one thread.
 *
 * <p>The whole-batch tensors belong to {@code owner}, which the caller closes after every
 * thread has finished with the batch.
 */
public final class BatchNoise {
  private final NDManager owner;
  private final long rows;
  private final List<NDArray> draws = new ArrayList<>();
  /** What each draw is: "normal" or "uniform[low, high)". */
  private final List<String> kinds = new ArrayList<>();

  /** Draws for a batch of {@code rows} rows, held by {@code owner}. */
  public BatchNoise(NDManager owner, long rows) {
    this.owner = owner;
    this.rows = rows;
  }

  /** The noise seen by rows [from, to) of the batch. */
  public Noise rows(long from, long to) {
    return new Noise() {
      private int next;

      @Override
      public NDArray uniform(NDManager manager, float low, float high, Shape shape) {
        return slice(manager, draw(next++, rowsOf(shape), false, low, high), from, to);
      }

      @Override
      public NDArray normal(NDManager manager, Shape shape) {
        return slice(manager, draw(next++, rowsOf(shape), true, 0, 0), from, to);
      }

      private Shape rowsOf(Shape shape) {
        if (shape.dimension() == 0 || shape.get(0) != to - from) {
          throw new IllegalArgumentException("noise for rows [" + from + ", " + to
              + ") must have " + (to - from) + " rows, asked " + shape);
        }
        return shape;
      }
    };
  }

  private synchronized NDArray draw(int index, Shape partShape, boolean normal, float low,
      float high) {
    if (index < draws.size()) {
      NDArray made = draws.get(index);
      Shape shape = made.getShape();
      String asked = kind(normal, low, high);
      if (!asked.equals(kinds.get(index)) || shape.dimension() != partShape.dimension()
          || !shape.slice(1).equals(partShape.slice(1))) {
        throw new IllegalStateException("draw " + index + " was made as " + shape + " "
            + kinds.get(index) + ", asked again as " + partShape + " " + asked
            + ": the parts of a batch must ask for the same draws");
      }
      return made;
    }
    if (index != draws.size()) {
      throw new IllegalStateException("draw " + index + " asked before draw " + draws.size());
    }
    long[] dims = partShape.getShape().clone();
    dims[0] = rows;
    Shape full = new Shape(dims);
    NDArray all = normal ? owner.randomNormal(full) : owner.randomUniform(low, high, full);
    // Made on whichever thread asked first; it must outlive that thread's scope.
    NDScope.unregister(all);
    draws.add(all);
    kinds.add(kind(normal, low, high));
    return all;
  }

  private static String kind(boolean normal, float low, float high) {
    return normal ? "normal" : "uniform[" + low + ", " + high + ")";
  }

  private static NDArray slice(NDManager manager, NDArray all, long from, long to) {
    NDArray part = all.get(from + ":" + to);
    part.attach(manager);
    return part;
  }
}
