package org.sdlgm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The Java kernel of the successive relaxation gives, to float precision, the values and the
 * vector-Jacobian product of the same relaxation evaluated in float64 by libtorch's operations and
 * differentiated by autograd, across temperatures (the identity, square, series and exact power
 * paths), key scales from flat to peaked (where 1 − a rounds to 0 and the first softmax is
 * clamped), and with and without a level.
 */
class SuccessiveRelaxationTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void usesTheClampsOfTheModelsLibtorchPath() throws ReflectiveOperationException {
    // The engine may not depend on the model package, so the kernels keep their own copies.
    for (String name : new String[] {"CUT", "FLOOR"}) {
      java.lang.reflect.Field f = GumbelSoftmax.class.getDeclaredField(name);
      f.setAccessible(true);
      assertEquals(
          f.getFloat(null), SuccessiveRelaxation.class.getDeclaredField(name).getFloat(null), name);
    }
  }

  @Test
  void matchesLibtorchValuesAndGradients() {
    int rows = 6;
    int k = 37;
    int steps = 5;
    Random rnd = new Random(11);
    for (double tau : new double[] {1.0, 0.5, 0.83, 0.3, 1.7}) {
      for (double scale : new double[] {0.05, 1.0, 4.0, 12.0, 80.0}) {
        for (boolean withLevel : new boolean[] {true, false}) {
          float[] keys = new float[rows * k];
          for (int i = 0; i < keys.length; i++) {
            keys[i] = (float) (scale * rnd.nextGaussian());
          }
          float[] level = new float[rows * steps];
          for (int i = 0; i < level.length; i++) {
            level[i] = (float) rnd.nextDouble();
          }
          float[] upstream = new float[rows * k];
          for (int i = 0; i < upstream.length; i++) {
            upstream[i] = (float) rnd.nextGaussian();
          }
          String where = "tau " + tau + ", scale " + scale + (withLevel ? "" : ", no level");
          compare(keys, withLevel ? level : null, upstream, rows, k, steps, tau, where);
        }
      }
    }
  }

  private static void compare(
      float[] keys,
      float[] level,
      float[] upstream,
      int rows,
      int k,
      int steps,
      double tau,
      String where) {
    try (NDManager m = NDManager.newBaseManager()) {
      boolean gradMode = JniUtils.isGradMode();
      JniUtils.setGradMode(true);
      try {
        NDArray kt = m.create(keys, new Shape(rows, k)).toType(DataType.FLOAT64, false);
        kt.setRequiresGradient(true);
        NDArray lt =
            level == null
                ? null
                : m.create(level, new Shape(rows, steps)).toType(DataType.FLOAT64, false);
        if (lt != null) {
          lt.setRequiresGradient(true);
        }
        NDArray mask = reference(kt, lt, tau, steps);
        NDArray loss =
            mask.mul(m.create(upstream, new Shape(rows, k)).toType(DataType.FLOAT64, false)).sum();
        JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
        double[] wantMask = mask.toDoubleArray();
        double[] wantKeys = kt.getGradient().toDoubleArray();
        double[] wantLevel = lt == null ? null : lt.getGradient().toDoubleArray();

        // libtorch's float32 operations on the same inputs: the path the kernel replaces.
        NDArray k32 = m.create(keys, new Shape(rows, k));
        k32.setRequiresGradient(true);
        NDArray l32 = level == null ? null : m.create(level, new Shape(rows, steps));
        if (l32 != null) {
          l32.setRequiresGradient(true);
        }
        NDArray mask32 = GumbelSoftmax.relaxedMask(k32, l32, tau, steps);
        NDArray loss32 = mask32.mul(m.create(upstream, new Shape(rows, k))).sum();
        JniUtils.backward((PtNDArray) loss32, (PtNDArray) loss32.onesLike(), false, false);
        float[] torchKeys = k32.getGradient().toFloatArray();
        float[] torchLevel = l32 == null ? null : l32.getGradient().toFloatArray();

        SuccessiveRelaxation kernel = new SuccessiveRelaxation(keys, level, rows, k, steps, tau);
        float[] gotKeys = new float[rows * k];
        float[] gotLevel = level == null ? null : new float[rows * steps];
        kernel.backward(upstream, gotKeys, gotLevel);
        assertClose(wantMask, kernel.mask(), 1e-5, "mask, " + where);
        // The gradient is as close to float64 as libtorch's float32 operations get, within a
        // small factor: in moderate regimes both are at float rounding; where keys lie tens of
        // nats apart, normalisers of 10⁻²⁰ and below amplify rounding in any float evaluation
        // (libtorch's path is then off by up to 10¹³, the kernel's 1 − a of the dominant entry
        // is not).
        assertAsAccurate(wantKeys, gotKeys, torchKeys, "∂/∂keys, " + where);
        if (level != null) {
          assertAsAccurate(wantLevel, gotLevel, torchLevel, "∂/∂level, " + where);
        }
      } finally {
        JniUtils.setGradMode(gradMode);
      }
    }
  }

  /**
   * The relaxation of docs/model.md ("The model") in float64 by plain libtorch operations, with
   * GumbelSoftmax's clamp of the first softmax and floor: a_1 = softmax(max(r/τ, max r/τ − 60)),
   * a_j ∝ a_{j−1}(1 − a_{j−1} + 10⁻³⁰)^{1/τ} + 10⁻³⁵, m = Σ_j ℓ_j min(1, Σ_{t≤j} a_t), where 1 −
   * a_i is computed as Σ_{l≠i} p_l / Σ_l p_l (a product with ones minus the identity), so that it
   * keeps its digits however close a_i is to 1.
   */
  private static NDArray reference(NDArray keys, NDArray level, double tau, int steps) {
    NDManager m = keys.getManager();
    long k = keys.getShape().get(1);
    NDArray others =
        m.ones(new Shape(k, k), DataType.FLOAT64)
            .sub(m.eye((int) k).toType(DataType.FLOAT64, false));
    NDArray u = keys.mul(f64(m, 1.0 / tau));
    NDArray max = u.max(new int[] {1}, true).stopGradient();
    NDArray p = u.maximum(max.sub(f64(m, 60))).sub(max).exp();
    NDArray prefix = null;
    NDArray mask = null;
    for (int j = 0; j < steps; j++) {
      NDArray total = p.sum(new int[] {1}, true);
      NDArray a = p.div(total);
      prefix = prefix == null ? a : prefix.add(a);
      NDArray c = prefix.minimum(f64(m, 1));
      NDArray term =
          level == null ? (j == steps - 1 ? c : null) : c.mul(level.get(":, " + j + ":" + (j + 1)));
      if (term != null) {
        mask = mask == null ? term : mask.add(term);
      }
      NDArray rest = p.matMul(others).div(total);
      p = a.mul(rest.add(f64(m, 1e-30)).log().mul(f64(m, 1.0 / tau)).exp()).add(f64(m, 1e-35));
    }
    return mask;
  }

  /**
   * A float64 0-d tensor made by libtorch: DJL's {@code add(Number)} and friends hand autograd a
   * scalar tensor on Java memory that is freed on return (docs/model.md, choice 22).
   */
  private static NDArray f64(NDManager m, double v) {
    return m.full(new Shape(), (float) v).toType(DataType.FLOAT64, false);
  }

  /** max |want − got| over max(1, max |want|). */
  private static double error(double[] want, float[] got) {
    double scale = 1;
    double e = 0;
    for (double v : want) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < want.length; i++) {
      e = Math.max(e, Math.abs(want[i] - got[i]));
    }
    return e / scale;
  }

  private static void assertAsAccurate(double[] want, float[] got, float[] torch, String what) {
    for (int i = 0; i < got.length; i++) {
      assertTrue(Float.isFinite(got[i]), what + "[" + i + "] is finite");
    }
    double kernelError = error(want, got);
    double torchError = error(want, torch);
    assertTrue(
        kernelError <= 4 * (Double.isNaN(torchError) ? 0 : torchError) + 1e-5,
        what + ": relative error " + kernelError + " against libtorch float32's " + torchError);
  }

  /** Within {@code tol} relative to the largest magnitude of {@code want} (at least 1). */
  private static void assertClose(double[] want, float[] got, double tol, String what) {
    assertEquals(want.length, got.length, what);
    double scale = 1;
    for (double v : want) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < want.length; i++) {
      assertTrue(Float.isFinite(got[i]), what + "[" + i + "] is finite");
      assertEquals(want[i], got[i], tol * scale, what + "[" + i + "]");
    }
  }
}
