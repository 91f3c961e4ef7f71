package org.sdlgm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.model.Schedule;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.Terms;

/**
 * Splitting a batch among threads changes no number an example sees: each part gets its rows of the
 * draws one whole-batch pass would make, and the parts' loss shares add up to the batch's loss.
 */
class BatchNoiseTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void partsSeeTheirRowsOfTheWholeBatchDraws() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(11);
      float[] u = Noise.DIRECT.uniform(m, 0f, 1f, new Shape(6, 3)).toFloatArray();
      float[] g = Noise.DIRECT.normal(m, new Shape(6, 2)).toFloatArray();

      Engine.getInstance().setRandomSeed(11);
      BatchNoise shared = new BatchNoise(m, 6);
      Noise late = shared.rows(4, 6);
      Noise early = shared.rows(0, 4);
      // The later rows ask first: the draws are still made in the same order.
      float[] uLate = late.uniform(m, 0f, 1f, new Shape(2, 3)).toFloatArray();
      float[] uEarly = early.uniform(m, 0f, 1f, new Shape(4, 3)).toFloatArray();
      float[] gEarly = early.normal(m, new Shape(4, 2)).toFloatArray();
      float[] gLate = late.normal(m, new Shape(2, 2)).toFloatArray();

      assertArrayEquals(java.util.Arrays.copyOfRange(u, 0, 12), uEarly);
      assertArrayEquals(java.util.Arrays.copyOfRange(u, 12, 18), uLate);
      assertArrayEquals(java.util.Arrays.copyOfRange(g, 0, 8), gEarly);
      assertArrayEquals(java.util.Arrays.copyOfRange(g, 8, 12), gLate);
    }
  }

  @Test
  void partsThatAskForDifferentDrawsAreRefused() {
    try (NDManager m = NDManager.newBaseManager()) {
      BatchNoise shared = new BatchNoise(m, 6);
      Noise a = shared.rows(0, 3);
      Noise b = shared.rows(3, 6);
      a.uniform(m, 0f, 1f, new Shape(3, 4));
      assertThrows(IllegalStateException.class, () -> b.normal(m, new Shape(3, 4)));
      assertThrows(IllegalArgumentException.class, () -> b.uniform(m, 0f, 1f, new Shape(2, 4)));
    }
  }

  @Test
  void splitBatchGivesEveryExampleTheSameTermsAndTheSameLoss() {
    SdlgmConfig c = GradientFixtures.smallConfig();
    int b = 7;
    float[] x = new float[b * 12];
    Random r = new Random(3);
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    Schedule s = new Schedule(0.7, 1.0, 1.0);
    try (SparseCoder coder = SparseCoder.create(c);
        NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      Terms whole =
          coder
              .block()
              .terms(
                  coder.store(),
                  SparseCoder.tensor(m, x, new Shape(b, 12)),
                  s,
                  false,
                  false,
                  Noise.DIRECT);
      float[] elbo = whole.elbo().toFloatArray();
      float loss = whole.loss(s).getFloat();

      Engine.getInstance().setRandomSeed(5);
      BatchNoise shared = new BatchNoise(m, b);
      long[] bounds = Workers.bounds(b, 2);
      float[] splitElbo = new float[b];
      float splitLoss = 0;
      for (int p = 1; p >= 0; p--) {
        int from = (int) bounds[p];
        int to = (int) bounds[p + 1];
        Terms t =
            coder
                .block()
                .terms(
                    coder.store(),
                    SparseCoder.tensor(m, x, from * 12, new Shape(to - from, 12)),
                    s,
                    false,
                    false,
                    shared.rows(from, to));
        System.arraycopy(t.elbo().toFloatArray(), 0, splitElbo, from, to - from);
        splitLoss += t.loss(s, b).getFloat();
      }
      for (int i = 0; i < b; i++) {
        assertEquals(elbo[i], splitElbo[i], 1e-4 * Math.max(1, Math.abs(elbo[i])), "example " + i);
      }
      assertEquals(loss, splitLoss, 1e-4 * Math.max(1, Math.abs(loss)));
    }
  }
}
