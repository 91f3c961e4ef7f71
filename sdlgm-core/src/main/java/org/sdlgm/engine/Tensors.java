package org.sdlgm.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Float tensors to and from Java arrays without a copy through the Java heap where DJL allows it:
 * for a contiguous CPU tensor DJL hands out libtorch's own memory as a buffer, so a Java loop can
 * read and write a tensor in place.
 */
public final class Tensors {
  private Tensors() {}

  /**
   * A float32 tensor of {@code shape} holding a copy of {@code data} (row-major), in memory
   * allocated by libtorch. DJL's {@code create} wraps a Java direct buffer whose alignment varies
   * from call to call, and MKL's matrix products round differently depending on the alignment of
   * their inputs: without a copy into libtorch's memory, the same seed gave slightly different
   * numbers within one JVM (measured).
   *
   * <p>The tensor is made uninitialised by libtorch and filled through a view of its own memory:
   * one copy. (Staging the values in a direct buffer and duplicating it took two, and 1.4 ms of the
   * 16 ms a 1,000-row encoding pass took on one thread, measured.)
   */
  public static NDArray tensor(NDManager manager, float[] data, Shape shape) {
    return tensor(manager, data, 0, shape);
  }

  /**
   * {@link #tensor(NDManager, float[], Shape)} of the {@code shape.size()} values of {@code data}
   * that start at {@code offset}, so that a batch inside a larger buffer needs no Java copy.
   */
  public static NDArray tensor(NDManager manager, float[] data, int offset, Shape shape) {
    int size = Math.toIntExact(shape.size());
    if (offset < 0 || offset > data.length - size) {
      throw new IllegalArgumentException(
          "need " + size + " floats at " + offset + ", array has " + data.length);
    }
    NDArray t = manager.create(shape, DataType.FLOAT32);
    if (size > 0) {
      // A fresh tensor is contiguous, so this is a view of its memory, not a copy of it.
      view(t).put(data, offset, size);
    }
    return t;
  }

  /**
   * The values of a float tensor as a buffer: for a contiguous CPU tensor DJL hands out libtorch's
   * own memory (reads and writes go straight to the tensor), otherwise a copy.
   */
  public static FloatBuffer view(NDArray a) {
    return a.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
