package org.sdlgm.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The backward pass of one training forward pass whose graph leaves libtorch's autograd in places:
 * a part computed in Java with its own vector-Jacobian product ({@link RelaxedLatent}, the latent
 * layer), and a cut that lets its inputs be reached without running the shared layers below them
 * backward more than once.
 *
 * <p>A Java part reads its tensor inputs through {@link #input} (their values as a Java array, and
 * a gradient the part adds to) and hands its results downstream as {@link #outputs} leaves. {@link
 * #backward} first runs libtorch's backward pass from the loss, which leaves a gradient on every
 * leaf; then, latest first, the outputs' gradients go through their part's vector-Jacobian product
 * into the inputs, each input's summed gradient into its tensor's graph, and each cut's gradient
 * into the layers below it. A gradient is thus always whole before it is passed further up, and
 * every tensor's graph is entered once.
 *
 * <p>A forward pass without a tape stays entirely in libtorch's graph; that path is the reference
 * the tape's gradients are tested against. A tape serves one pass on one thread.
 */
public final class Tape {
  private final List<Runnable> routes = new ArrayList<>();

  /**
   * A leaf that stands for {@code x} downstream: a detached view of it that collects a gradient,
   * passed on to {@code x}'s graph by {@link #backward} after everything registered later.
   */
  public NDArray cut(NDArray x) {
    NDArray leaf = x.stopGradient();
    leaf.setRequiresGradient(true);
    routes.add(
        () -> {
          PtNDArray g = JniUtils.getGradient((PtNDArray) leaf);
          if (g != null) {
            JniUtils.backward((PtNDArray) x, g, true, false);
          }
        });
    return leaf;
  }

  /** {@code x} as the input of Java parts registered after this call. */
  public Input input(NDArray x) {
    Input in = new Input(x);
    routes.add(in::propagate);
    return in;
  }

  /**
   * Leaves holding {@code values[i]} (shape {@code shapes[i]}), computed together by one Java part;
   * after the loss's backward pass their gradients are handed to {@code vjp} at once, null for a
   * leaf that received none.
   */
  public NDArray[] outputs(
      NDManager manager, float[][] values, Shape[] shapes, Consumer<float[][]> vjp) {
    NDArray[] leaves = new NDArray[values.length];
    for (int i = 0; i < leaves.length; i++) {
      leaves[i] = Tensors.tensor(manager, values[i], shapes[i]);
      leaves[i].setRequiresGradient(true);
    }
    routes.add(
        () -> {
          float[][] g = new float[leaves.length][];
          boolean any = false;
          for (int i = 0; i < leaves.length; i++) {
            PtNDArray gi = JniUtils.getGradient((PtNDArray) leaves[i]);
            if (gi != null) {
              g[i] = gi.toFloatArray();
              any = true;
            }
          }
          if (any) {
            vjp.accept(g);
          }
        });
    return leaves;
  }

  /**
   * The backward pass from {@code loss} (a tensor of any shape, differentiated as its sum) through
   * libtorch's graph and every place on this tape. Gradients accumulate on the leaves the forward
   * pass read its parameters from.
   */
  public void backward(NDArray loss) {
    // The graph is kept, so that a tensor may feed both a Java part and the loss: its input's
    // backward pass then goes through operations the loss's pass already went through. It is
    // freed with the pass's tensors.
    JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), true, false);
    for (int i = routes.size() - 1; i >= 0; i--) {
      routes.get(i).run();
    }
  }

  /**
   * A tensor read by Java parts: its values, row-major, and the gradient the parts add to, routed
   * into the tensor's graph once all of them have.
   */
  public static final class Input {
    private final NDArray x;
    private final float[] values;
    private float[] gradient;

    private Input(NDArray x) {
      this.x = x;
      this.values = x.toFloatArray();
    }

    /** The tensor's values; not to be modified. */
    public float[] values() {
      return values;
    }

    /** The gradient to add to (allocated on first use, zero until then). */
    public float[] gradient() {
      if (gradient == null) {
        gradient = new float[values.length];
      }
      return gradient;
    }

    private void propagate() {
      if (gradient != null) {
        JniUtils.backward(
            (PtNDArray) x,
            (PtNDArray) Tensors.tensor(x.getManager(), gradient, x.getShape()),
            true,
            false);
      }
    }
  }
}
