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

/** The relaxations and KLs of SPEC.md on small inputs with known answers. */
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
    NDArray keys = manager.create(new float[] {0.1f, 3f, -2f, 2f, 1f, 0.5f, 5f, -1f}, new Shape(2, 4));
    NDArray levels = manager.create(new long[] {1, 3});
    float[] mask = GumbelSoftmax.hardMask(GumbelSoftmax.ranks(keys), levels).toFloatArray();
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
    float[] sums = GumbelSoftmax.hardMask(GumbelSoftmax.ranks(keys), manager.create(lv))
        .sum(new int[] {1}).toFloatArray();
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
    // SPEC.md: near-ties make the relaxed mask sum a few percent short of L.
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
    float[] kl = GumbelSoftmax.stepKl(alpha, null, GumbelSoftmax.ranks(keys), 4).toFloatArray();
    for (float v : kl) {
      assertEquals(0f, v, 1e-5f);
    }
  }

  @Test
  void selectionKlMatchesClosedFormOnATinyInput() {
    // K = 3, α = (log 2, 0, 0): p = (1/2, 1/4, 1/4). Prefix by keys = α (rank order 0, 1, 2).
    NDArray alpha = manager.create(new float[] {(float) Math.log(2), 0f, 0f}, new Shape(1, 3));
    NDArray ranks = manager.create(new long[] {0, 1, 2}, new Shape(1, 3));
    float[] kl = GumbelSoftmax.stepKl(alpha, null, ranks, 2).toFloatArray();
    double step1 = 0.5 * Math.log(0.5 / (1.0 / 3)) + 2 * 0.25 * Math.log(0.25 / (1.0 / 3));
    // Step 2 excludes index 0: p = (1/2, 1/2) over {1, 2}, uniform: KL = 0.
    assertEquals(step1, kl[0], 1e-5);
    assertEquals(0.0, kl[1], 1e-5);
  }

  @Test
  void survivalWeightsAreTailSums() {
    NDArray q = manager.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new Shape(1, 4));
    assertArrayEquals(new float[] {1.0f, 0.9f, 0.7f, 0.4f}, GumbelSoftmax.survival(q).toFloatArray(), 1e-6f);
  }

  @Test
  void softmaxNeverProducesDenormals() {
    NDArray scores = manager.create(new float[] {0f, -70f, -87.5f, -100f, -1000f}, new Shape(1, 5));
    for (float v : GumbelSoftmax.softmax(scores, 1).toFloatArray()) {
      assertTrue(v == 0f || Math.abs(v) >= Float.MIN_NORMAL, "denormal " + v);
    }
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
      NDArray level = GumbelSoftmax.relaxedLevel(levelLogits.logSoftmax(1),
          GumbelSoftmax.gumbel(manager, new Shape(8, 4)), 0.7);
      NDArray m = GumbelSoftmax.relaxedMask(level, GumbelSoftmax.successive(keys, 0.7, 4));
      gc.backward(m.mul(target).sum());
    }
    assertTrue(alpha.getGradient().abs().sum().getFloat() > 0, "no gradient reached α");
    assertTrue(levelLogits.getGradient().abs().sum().getFloat() > 0, "no gradient reached the level logits");
  }
}
