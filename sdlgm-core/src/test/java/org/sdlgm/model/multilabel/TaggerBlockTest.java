package org.sdlgm.model.multilabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The supervised objectives of docs/multilabel.md ("The model") on inputs with known answers, and
 * the cap on predicted sets.
 */
class TaggerBlockTest {
  static NDManager manager;

  @BeforeAll
  static void setUp() {
    System.setProperty("ai.djl.offline", "true");
    manager = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(11);
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  private static double lse(double... a) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : a) {
      m = Math.max(m, v);
    }
    double s = 0;
    for (double v : a) {
      s += Math.exp(v - m);
    }
    return m + Math.log(s);
  }

  @Test
  void plackettLuceOfOneLabelIsItsSoftmaxNll() {
    float[] a = {0.5f, -1f, 2f, 0.1f};
    NDArray alpha = manager.create(a, new Shape(1, 4));
    NDArray y = manager.create(new float[] {0, 0, 1, 0}, new Shape(1, 4));
    float got = TaggerBlock.plackettLuce(alpha, y, 3).toFloatArray()[0];
    assertEquals(lse(0.5, -1, 2, 0.1) - 2, got, 1e-5);
  }

  @Test
  void plackettLuceOfTwoLabelsIsOneOfTheTwoOrders() {
    double[] a = {0.5, -1, 2, 0.1, 1.5};
    NDArray alpha = manager.create(new float[] {0.5f, -1f, 2f, 0.1f, 1.5f}, new Shape(1, 5));
    NDArray y = manager.create(new float[] {1, 0, 0, 1, 0}, new Shape(1, 5));
    // order (0, 3): LSE(all) − a0 + LSE(all \ {0}) − a3; order (3, 0) symmetric.
    double first = lse(a) - a[0] + lse(a[1], a[2], a[3], a[4]) - a[3];
    double second = lse(a) - a[3] + lse(a[0], a[1], a[2], a[4]) - a[0];
    boolean sawFirst = false;
    boolean sawSecond = false;
    for (int i = 0; i < 40; i++) {
      double got = TaggerBlock.plackettLuce(alpha, y, 4).toFloatArray()[0];
      boolean f = Math.abs(got - first) < 1e-4;
      boolean s = Math.abs(got - second) < 1e-4;
      assertTrue(f || s, "value " + got + " is neither order (" + first + ", " + second + ")");
      sawFirst |= f;
      sawSecond |= s;
    }
    assertTrue(
        sawFirst && sawSecond, "the order must be random: both orders should occur in 40 draws");
  }

  @Test
  void plackettLuceKeepsTheTopRankedLabelsWhenTheSetExceedsTheCap() {
    // Y = {0, 1, 3}, L0 = 1: Y′ is the label of Y with the largest α, i.e. label 3.
    double[] a = {0.2, -0.5, 3, 1.0};
    NDArray alpha = manager.create(new float[] {0.2f, -0.5f, 3f, 1.0f}, new Shape(1, 4));
    NDArray y = manager.create(new float[] {1, 1, 0, 1}, new Shape(1, 4));
    assertEquals(lse(a) - 1.0, TaggerBlock.plackettLuce(alpha, y, 1).toFloatArray()[0], 1e-5);
  }

  @Test
  void plackettLuceOfAnEmptySetIsZero() {
    NDArray alpha = manager.create(new float[] {0.2f, -0.5f, 3f}, new Shape(1, 3));
    NDArray y = manager.zeros(new Shape(1, 3));
    assertEquals(0f, TaggerBlock.plackettLuce(alpha, y, 2).toFloatArray()[0], 1e-7);
  }

  private static TaggerConfig config(TaggerMethod method, SetObjective objective, int minLevel) {
    return TaggerConfig.builder()
        .method(method)
        .objective(objective)
        .numFeatures(6)
        .numLabels(8)
        .hidden(List.of(5))
        .maxLevel(3)
        .minLevel(minLevel)
        .topK(2)
        .build();
  }

  @Test
  void gradientsReachTrunkAndBothHeadsThroughBothRelaxations() {
    for (SetObjective objective : SetObjective.values()) {
      for (int minLevel : new int[] {0, 1}) {
        try (Tagger t = Tagger.create(config(TaggerMethod.SDLGM, objective, minLevel));
            NDManager sub = t.manager().newSubManager()) {
          NDArray x = sub.randomNormal(new Shape(4, 6));
          NDArray y =
              sub.create(
                  new float[] {
                    1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                    1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0
                  },
                  new Shape(4, 8));
          int nl = t.config().numLevels();
          float[] oneHot = new float[4 * nl];
          int[] sizes = {2, 1, 4, 1};
          for (int i = 0; i < 4; i++) {
            oneHot[i * nl + t.config().countTarget(sizes[i]) - minLevel] = 1;
          }
          NDArray count = sub.create(oneHot, new Shape(4, nl));
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDList terms = t.block().loss(t.store(), x, y, count, 0.5, true);
            NDArray loss = terms.get(0).mean();
            assertTrue(Float.isFinite(loss.toFloatArray()[0]));
            gc.backward(loss);
            for (Pair<String, Parameter> p : t.block().getParameters()) {
              if (p.getKey().endsWith("weight")) {
                float g = p.getValue().getArray().getGradient().abs().sum().toFloatArray()[0];
                assertTrue(
                    g > 0 && Float.isFinite(g),
                    objective + " L_min=" + minLevel + ": no gradient at " + p.getKey());
              }
            }
          }
        }
      }
    }
  }

  @Test
  void countTermIsTheNllOfTheClippedSetSize() {
    try (Tagger t = Tagger.create(config(TaggerMethod.SDLGM, SetObjective.RELAXED_BCE, 1));
        NDManager sub = t.manager().newSubManager()) {
      float[] xs = new float[2 * 6];
      new Random(3)
          .ints(12, -3, 3)
          .forEach(
              new java.util.function.IntConsumer() {
                int i;

                @Override
                public void accept(int v) {
                  xs[i++] = v;
                }
              });
      NDArray x = sub.create(xs, new Shape(2, 6));
      NDArray y = sub.zeros(new Shape(2, 8));
      NDArray count = sub.create(new float[] {0, 1, 0, 0, 0, 1}, new Shape(2, 3));
      NDList terms = t.block().loss(t.store(), x, y, count, 0.5, false);
      float[] q = t.score(xs, 2).levels();
      float[] nll = terms.get(1).toFloatArray();
      assertEquals(-Math.log(q[1]), nll[0], 1e-4);
      assertEquals(-Math.log(q[5]), nll[1], 1e-4);
      assertEquals(2, t.config().countTarget(2));
      assertEquals(3, t.config().countTarget(7));
      assertEquals(1, t.config().countTarget(0));
    }
  }

  @Test
  void predictedSetsNeverExceedTheCapOnRandomAndAdversarialInputs() {
    Random rnd = new Random(5);
    for (int minLevel : new int[] {0, 1}) {
      for (int seed = 0; seed < 5; seed++) {
        Engine.getInstance().setRandomSeed(seed);
        try (Tagger t =
            Tagger.create(config(TaggerMethod.SDLGM, SetObjective.RELAXED_BCE, minLevel))) {
          float[][] inputs = {new float[6], new float[6], new float[6], new float[6]};
          java.util.Arrays.fill(inputs[1], 1e30f);
          java.util.Arrays.fill(inputs[2], -1e30f);
          for (int j = 0; j < 6; j++) {
            inputs[3][j] = (float) (rnd.nextGaussian() * 100);
          }
          for (float[] in : inputs) {
            Tagger.Scores s = t.score(in, 1);
            for (LabelPrediction p : t.predict(s, SetRule.COUNT, 6)) {
              assertTrue(p.level() >= minLevel && p.level() <= 3, "L̂ = " + p.level());
              assertTrue(p.labels().length == p.level() && p.labels().length <= 3);
              assertEquals(6, p.ranked().length);
              assertEquals(3 - minLevel + 1, p.levelProbs().length);
            }
          }
        }
      }
    }
  }

  @Test
  void predictionRulesFollowScoresAndLevels() {
    try (Tagger t = Tagger.create(config(TaggerMethod.BR_MLP, SetObjective.RELAXED_BCE, 1))) {
      float[] probs = {0.9f, 0.2f, 0.6f, 0.55f, 0.1f, 0.3f, 0.49f, 0.0f};
      Tagger.Scores s = new Tagger.Scores(1, probs, null);
      LabelPrediction th = t.predict(s, SetRule.THRESHOLD, 0)[0];
      assertEquals(3, th.level());
      org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 2, 3}, th.labels());
      LabelPrediction top = t.predict(s, SetRule.TOP_K, 4)[0];
      org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 2}, top.labels());
      org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 2, 3, 6}, top.ranked());
    }
    try (Tagger t = Tagger.create(config(TaggerMethod.SDLGM, SetObjective.RELAXED_BCE, 0))) {
      float[] alpha = {3f, 1f, 2f, 0f, -1f, 5f, 0.5f, 0.1f};
      Tagger.Scores s = new Tagger.Scores(1, alpha, new float[] {0.1f, 0.2f, 0.6f, 0.1f});
      LabelPrediction p = t.predict(s, SetRule.COUNT, 0)[0];
      assertEquals(2, p.level());
      org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {5, 0}, p.labels());
      Tagger.Scores empty = new Tagger.Scores(1, alpha, new float[] {0.7f, 0.2f, 0.05f, 0.05f});
      assertEquals(0, t.predict(empty, SetRule.COUNT, 0)[0].labels().length);
    }
  }
}
