package org.sdlgm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The relaxations and KLs of docs/model.md ("The model") on small inputs with known answers. */
class GumbelSoftmaxTest {
  static NDManager manager;

  @BeforeAll
  static void setUp() {
    System.setProperty("ai.djl.offline", "true");
    manager = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(7);
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  @Test
  void hardMaskHasExactlyLOnesOnTheTopKeys() {
    NDArray keys =
        manager.create(new float[] {0.1f, 3f, -2f, 2f, 1f, 0.5f, 5f, -1f}, new Shape(2, 4));
    NDArray levels = manager.create(new long[] {1, 3});
    float[] mask = GumbelSoftmax.hardMask(GumbelSoftmax.order(keys, 3), levels, 4).toFloatArray();
    assertArrayEquals(new float[] {0, 1, 0, 0}, new float[] {mask[0], mask[1], mask[2], mask[3]});
    // Row 2 keys 1, 0.5, 5, -1: top-3 are indices 2, 0, 1.
    assertArrayEquals(new float[] {1, 1, 1, 0}, new float[] {mask[4], mask[5], mask[6], mask[7]});
  }

  @Test
  void hardMaskRowSumsEqualLevelsOnRandomInputs() {
    int b = 64;
    int k = 50;
    NDArray keys = manager.randomNormal(new Shape(b, k)).mul(10);
    long[] lv = new long[b];
    for (int i = 0; i < b; i++) {
      lv[i] = 1 + (i % 20);
    }
    float[] sums =
        GumbelSoftmax.hardMask(GumbelSoftmax.order(keys, 20), manager.create(lv), k)
            .sum(new int[] {1})
            .toFloatArray();
    for (int i = 0; i < b; i++) {
      assertEquals(lv[i], sums[i], 0.0, "row " + i);
    }
  }

  @Test
  void relaxedMaskIsInUnitIntervalAndSumsToExpectedLevelAtSmallTau() {
    int b = 200;
    int k = 40;
    int l0 = 6;
    NDArray alpha = manager.randomNormal(new Shape(b, k)).mul(3);
    NDArray keys = alpha.add(GumbelSoftmax.gumbel(manager, new Shape(b, k)));
    NDArray logQ = manager.randomNormal(new Shape(b, l0)).logSoftmax(1);
    NDArray noise = GumbelSoftmax.gumbel(manager, new Shape(b, l0));
    double tau = 0.05;
    NDArray level = GumbelSoftmax.relaxedLevel(logQ, noise, tau);
    NDArray m = GumbelSoftmax.relaxedMask(level, GumbelSoftmax.successive(keys, tau, l0));
    float[] mv = m.toFloatArray();
    for (float v : mv) {
      assertTrue(v >= 0f && v <= 1f + 1e-6f, "mask entry " + v);
    }
    // At small τ the relaxed level is nearly one-hot, so the mask should hold ≈ L ones.
    float[] sums = m.sum(new int[] {1}).toFloatArray();
    float[] hardLevels = level.argMax(1).add(1).toType(DataType.FLOAT32, false).toFloatArray();
    double err = 0;
    double meanLevel = 0;
    for (int i = 0; i < b; i++) {
      err += Math.abs(sums[i] - hardLevels[i]);
      meanLevel += hardLevels[i];
    }
    // docs/model.md ("The model", relaxed mask): near-ties make the relaxed mask sum a few
    // percent short of L.
    assertTrue(err / meanLevel < 0.06, "relative |Σm − L| = " + err / meanLevel);
    // And over the Gumbel noise, E[Σ m] ≈ E_q[L].
    float[] q = logQ.exp().toFloatArray();
    double expected = 0;
    for (int i = 0; i < b; i++) {
      for (int l = 0; l < l0; l++) {
        expected += (l + 1) * q[i * l0 + l];
      }
    }
    double total = 0;
    for (float s : sums) {
      total += s;
    }
    assertEquals(expected / b, total / b, 0.35, "E[L] vs mean mask sum");
  }

  @Test
  void selectionKlIsZeroForConstantLogitsAndUniformPrior() {
    NDArray alpha = manager.full(new Shape(3, 10), 2.5f);
    NDArray keys = alpha.add(GumbelSoftmax.gumbel(manager, new Shape(3, 10)));
    float[] kl = GumbelSoftmax.stepKl(alpha, null, GumbelSoftmax.order(keys, 4), 4).toFloatArray();
    for (float v : kl) {
      assertEquals(0f, v, 1e-5f);
    }
  }

  @Test
  void selectionKlMatchesClosedFormOnATinyInput() {
    // K = 3, α = (log 2, 0, 0): p = (1/2, 1/4, 1/4). Prefix by keys = α (order 0, 1, 2).
    NDArray alpha = manager.create(new float[] {(float) Math.log(2), 0f, 0f}, new Shape(1, 3));
    NDArray order = manager.create(new long[] {0, 1}, new Shape(1, 2));
    float[] kl = GumbelSoftmax.stepKl(alpha, null, order, 2).toFloatArray();
    double step1 = 0.5 * Math.log(0.5 / (1.0 / 3)) + 2 * 0.25 * Math.log(0.25 / (1.0 / 3));
    // Step 2 excludes index 0: p = (1/2, 1/2) over {1, 2}, uniform: KL = 0.
    assertEquals(step1, kl[0], 1e-5);
    assertEquals(0.0, kl[1], 1e-5);
  }

  @Test
  void survivalWeightsAreTailSums() {
    NDArray q = manager.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new Shape(1, 4));
    assertArrayEquals(
        new float[] {1.0f, 0.9f, 0.7f, 0.4f}, GumbelSoftmax.survival(q).toFloatArray(), 1e-6f);
  }

  @Test
  void softmaxNeverProducesDenormals() {
    NDArray scores = manager.create(new float[] {0f, -70f, -87.5f, -100f, -1000f}, new Shape(1, 5));
    for (float v : GumbelSoftmax.softmax(scores, 1).toFloatArray()) {
      assertTrue(v == 0f || Math.abs(v) >= Float.MIN_NORMAL, "denormal " + v);
    }
  }

  /**
   * The multiplicative form of the successive relaxation is docs/model.md's log-domain recursion
   * w_j = w_{j−1} + log max(1 − a_{j−1}, 1e-20), a_j = softmax(w_j / τ): its mask values agree with
   * that recursion evaluated literally in float32, and its gradient with respect to α is at least
   * as close to a float64 evaluation as the literal float32 one — for τ on and off the
   * special-cased values, and for flat as well as peaked keys. (Both float32 forms can differ from
   * float64 by up to 1% on a row whose leading entry has 1 − a near float resolution.)
   */
  @Test
  void successiveRelaxationMatchesTheLogDomainRecursion() {
    int b = 50;
    int k = 60;
    int l0 = 8;
    for (double tau : new double[] {1.0, 0.5, 0.7, 0.3}) {
      for (float scale : new float[] {1f, 6f}) {
        NDArray alpha = manager.randomNormal(new Shape(b, k)).mul(scale);
        NDArray noise = GumbelSoftmax.gumbel(manager, new Shape(b, k));
        NDArray level = manager.randomUniform(0f, 1f, new Shape(b, l0)).softmax(1);
        NDArray weights = manager.randomNormal(new Shape(b, k));
        float[][] fast = maskAndGradient(alpha, noise, level, weights, tau, l0, false, false);
        float[][] literal = maskAndGradient(alpha, noise, level, weights, tau, l0, true, false);
        float[][] exact = maskAndGradient(alpha, noise, level, weights, tau, l0, true, true);
        String at = "τ = " + tau + ", scale " + scale;
        assertArrayEquals(literal[0], fast[0], 2e-5f, "mask values, " + at);
        double fastErr = relativeError(fast[1], exact[1]);
        double literalErr = relativeError(literal[1], exact[1]);
        assertTrue(
            fastErr <= 1.5 * literalErr + 1e-5,
            "gradient error " + fastErr + " vs " + literalErr + " for the literal form, " + at);
      }
    }
  }

  private static float[][] maskAndGradient(
      NDArray alpha,
      NDArray noise,
      NDArray level,
      NDArray weights,
      double tau,
      int l0,
      boolean literal,
      boolean float64) {
    DataType type = float64 ? DataType.FLOAT64 : DataType.FLOAT32;
    NDArray a0 = alpha.toType(type, true);
    a0.setRequiresGradient(true);
    float[] mask;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray w = a0.add(noise.toType(type, false));
      NDArray lv = level.toType(type, false);
      NDArray m;
      if (literal) {
        ai.djl.ndarray.NDList draws = new ai.djl.ndarray.NDList();
        for (int j = 0; j < l0; j++) {
          // Scalars as native tensors: DJL's div(Number) lets autograd keep a pointer into a
          // Java buffer that may be freed before the backward pass (docs/model.md).
          NDArray a = w.div(Scalars.of(manager, (float) tau)).softmax(1);
          draws.add(a);
          w = w.add(a.neg().add(1.0).clip(1e-20, 1.0).log());
        }
        NDArray c = ai.djl.ndarray.NDArrays.stack(draws, 1).cumSum(1).clip(0.0, 1.0);
        m = lv.expandDims(2).mul(c).sum(new int[] {1});
      } else {
        m = GumbelSoftmax.relaxedMask(lv, GumbelSoftmax.successive(w, tau, l0));
      }
      mask = m.toType(DataType.FLOAT32, false).toFloatArray();
      gc.backward(m.mul(weights.toType(type, false)).sum());
    }
    float[] grad = a0.getGradient().toType(DataType.FLOAT32, false).toFloatArray();
    for (float g : grad) {
      assertTrue(
          Float.isFinite(g),
          "non-finite gradient, literal " + literal + ", float64 " + float64 + ", τ " + tau);
    }
    return new float[][] {mask, grad};
  }

  private static double relativeError(float[] x, float[] ref) {
    double err = 0;
    double norm = 0;
    for (int i = 0; i < x.length; i++) {
      err += (x[i] - ref[i]) * (double) (x[i] - ref[i]);
      norm += ref[i] * (double) ref[i];
    }
    return Math.sqrt(err / norm);
  }

  @Test
  void gradientsFlowThroughBothRelaxations() {
    NDArray alpha = manager.randomNormal(new Shape(8, 12));
    NDArray levelLogits = manager.randomNormal(new Shape(8, 4));
    alpha.setRequiresGradient(true);
    levelLogits.setRequiresGradient(true);
    NDArray target = manager.randomNormal(new Shape(8, 12));
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray keys = alpha.add(GumbelSoftmax.gumbel(manager, new Shape(8, 12)));
      NDArray level =
          GumbelSoftmax.relaxedLevel(
              levelLogits.logSoftmax(1), GumbelSoftmax.gumbel(manager, new Shape(8, 4)), 0.7);
      NDArray m = GumbelSoftmax.relaxedMask(level, GumbelSoftmax.successive(keys, 0.7, 4));
      gc.backward(m.mul(target).sum());
    }
    assertTrue(alpha.getGradient().abs().sum().getFloat() > 0, "no gradient reached α");
    assertTrue(
        levelLogits.getGradient().abs().sum().getFloat() > 0,
        "no gradient reached the level logits");
  }
}
