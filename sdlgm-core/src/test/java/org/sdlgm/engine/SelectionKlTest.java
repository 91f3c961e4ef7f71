package org.sdlgm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.model.GumbelSoftmax;

/**
 * The Java per-step selection KL gives the values and gradients (with respect to α and β) of {@link
 * GumbelSoftmax#stepKl}, libtorch's evaluation of the same closed form differentiated by autograd,
 * with the uniform and a learned prior and logits from flat to peaked; and {@link
 * SelectionKl#order} is libtorch's top-k of the keys.
 */
class SelectionKlTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void matchesLibtorchValuesAndGradients() {
    int rows = 5;
    int k = 31;
    int steps = 6;
    Random rnd = new Random(8);
    for (double scale : new double[] {0.1, 2.0, 15.0}) {
      for (boolean withBeta : new boolean[] {false, true}) {
        float[] alpha = gaussian(rnd, rows * k, scale);
        float[] beta = withBeta ? gaussian(rnd, k, 1.5) : null;
        float[] keys = gaussian(rnd, rows * k, 3.0);
        float[] upstream = gaussian(rnd, rows * steps, 1.0);
        compare(
            alpha,
            beta,
            keys,
            upstream,
            rows,
            k,
            steps,
            "scale " + scale + (withBeta ? ", β" : ""));
      }
    }
  }

  private static float[] gaussian(Random rnd, int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (scale * rnd.nextGaussian());
    }
    return x;
  }

  private static void compare(
      float[] alpha,
      float[] beta,
      float[] keys,
      float[] upstream,
      int rows,
      int k,
      int steps,
      String where) {
    try (NDManager m = NDManager.newBaseManager()) {
      boolean gradMode = JniUtils.isGradMode();
      JniUtils.setGradMode(true);
      try {
        int[] order = SelectionKl.order(keys, rows, k, steps);
        NDArray torchOrder = GumbelSoftmax.order(m.create(keys, new Shape(rows, k)), steps);
        assertArrayEquals(
            torchOrder.toType(DataType.INT32, false).toIntArray(), order, "order, " + where);

        NDArray at = m.create(alpha, new Shape(rows, k));
        at.setRequiresGradient(true);
        NDArray bt = beta == null ? null : m.create(beta, new Shape(k));
        if (bt != null) {
          bt.setRequiresGradient(true);
        }
        NDArray kl = GumbelSoftmax.stepKl(at, bt, torchOrder, steps);
        NDArray loss = kl.mul(m.create(upstream, new Shape(rows, steps))).sum();
        JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);

        SelectionKl kernel = new SelectionKl(alpha, beta, order, rows, k, steps);
        float[] gradAlpha = new float[rows * k];
        float[] gradBeta = beta == null ? null : new float[k];
        kernel.backward(upstream, gradAlpha, gradBeta);
        assertClose(kl.toFloatArray(), kernel.kl(), "kl, " + where);
        assertClose(at.getGradient().toFloatArray(), gradAlpha, "∂/∂α, " + where);
        if (beta != null) {
          assertClose(bt.getGradient().toFloatArray(), gradBeta, "∂/∂β, " + where);
        }
      } finally {
        JniUtils.setGradMode(gradMode);
      }
    }
  }

  /** Within 2·10⁻⁵ of the largest magnitude of {@code want} (at least 1). */
  private static void assertClose(float[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what);
    double scale = 1;
    for (float v : want) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 2e-5 * scale, what + "[" + i + "]");
    }
  }
}
