package org.sdlgm.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The random draws of one mini-batch, shared by the threads that each process some of its rows. The
 * i-th draw any thread asks for is made once, for all rows of the batch, from libtorch's generator;
 * each thread gets its own rows of it. Every thread asks for the same sequence of draws (the same
 * code runs on each part), so the generator is consumed in the same order however the batch is
 * split and however the threads interleave: a run is reproducible for any number of threads, and
 * every example sees the noise it would see with one thread.
 *
 * <p>The whole-batch tensors belong to {@code owner}, which the caller closes after every thread
 * has finished with the batch.
 */
public final class BatchNoise {
  private final NDManager owner;
  private final long rows;
  private final List<Draw> draws = new ArrayList<>();

  /** A whole-batch draw and what it is: normal, or uniform on [low, high). */
  private record Draw(NDArray all, boolean normal, float low, float high) {
    boolean is(boolean normal, float low, float high) {
      return this.normal == normal && (normal || (this.low == low && this.high == high));
    }

    String kind() {
      return BatchNoise.kind(normal, low, high);
    }
  }

  /** Draws for a batch of {@code rows} rows, held by {@code owner}. */
  public BatchNoise(NDManager owner, long rows) {
    this.owner = owner;
    this.rows = rows;
  }

  /**
   * The noise of each part of a batch split at {@code bounds} (part i is rows [bounds[i],
   * bounds[i+1])): rows of shared whole-batch draws made by {@code owner}, or {@link Noise#DIRECT}
   * when the batch is not split.
   */
  public static List<Noise> split(NDManager owner, long[] bounds) {
    int parts = bounds.length - 1;
    if (parts == 1) {
      return List.of(Noise.DIRECT);
    }
    BatchNoise shared = new BatchNoise(owner, bounds[parts] - bounds[0]);
    List<Noise> noise = new ArrayList<>(parts);
    for (int i = 0; i < parts; i++) {
      noise.add(shared.rows(bounds[i] - bounds[0], bounds[i + 1] - bounds[0]));
    }
    return noise;
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
          throw new IllegalArgumentException(
              "noise for rows ["
                  + from
                  + ", "
                  + to
                  + ") must have "
                  + (to - from)
                  + " rows, asked "
                  + shape);
        }
        return shape;
      }
    };
  }

  private synchronized NDArray draw(
      int index, Shape partShape, boolean normal, float low, float high) {
    if (index < draws.size()) {
      Draw made = draws.get(index);
      Shape shape = made.all().getShape();
      if (!made.is(normal, low, high)
          || shape.dimension() != partShape.dimension()
          || !shape.slice(1).equals(partShape.slice(1))) {
        throw new IllegalStateException(
            "draw "
                + index
                + " was made as "
                + shape
                + " "
                + made.kind()
                + ", asked again as "
                + partShape
                + " "
                + kind(normal, low, high)
                + ": the parts of a batch must ask for the same draws");
      }
      return made.all();
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
    draws.add(new Draw(all, normal, low, high));
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
