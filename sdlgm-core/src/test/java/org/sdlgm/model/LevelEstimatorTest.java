package org.sdlgm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link LevelEstimator#EXACT}: the training pass's likelihood term is Σ_l q(l | x)·log p(x | z_l)
 * over all levels, checked against the same sum built by hand from the encoder's heads and the
 * decoder, in a noise-free pass (so z_l is the top-l of α times μ).
 */
class LevelEstimatorTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  private static SdlgmConfig config(LevelEstimator e) {
    return SdlgmConfig.builder()
        .inputDim(12)
        .latentDim(10)
        .maxLevel(4)
        .encoderHidden(List.of(16))
        .decoder(Decoder.LINEAR)
        .likelihood(Likelihood.GAUSSIAN)
        .learnSigmaX(false)
        .sigmaXInit(1.0)
        .straightThrough(true)
        .levelEstimator(e)
        .build();
  }

  @Test
  void likelihoodIsSummedOverEveryLevel() {
    Engine.getInstance().setRandomSeed(11);
    int b = 6;
    int d = 12;
    int k = 10;
    int l0 = 4;
    try (SparseCoder coder = SparseCoder.create(config(LevelEstimator.EXACT));
        NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(0f, 1f, new Shape(b, d));
      Schedule noiseFree = new Schedule(0.5, 1, 1, 0);
      float[] exact =
          coder.block().terms(coder.store(), x, noiseFree, false, true).logLik().toFloatArray();

      float[] heads =
          coder
              .block()
              .encodeHeads(coder.store(), x, coder.block().encodingWeights(coder.store(), m))
              .toFloatArray();
      float[] xs = x.toFloatArray();
      int w = 2 * k + l0;
      for (int r = 0; r < b; r++) {
        double[] q = softmax(heads, r * w + 2 * k, l0);
        int[] order = topIndices(heads, r * w, k);
        double expected = 0;
        for (int l = 1; l <= l0; l++) {
          float[] z = new float[k];
          for (int j = 0; j < l; j++) {
            z[order[j]] = heads[r * w + k + order[j]];
          }
          float[] xHat = coder.decodeMean(z, 1, 1);
          double sq = 0;
          for (int f = 0; f < d; f++) {
            double e = xs[r * d + f] - xHat[f];
            sq += e * e;
          }
          expected += q[l - 1] * (-0.5 * sq - 0.5 * d * Math.log(2 * Math.PI));
        }
        assertEquals(expected, exact[r], 1e-3 * Math.abs(expected), "row " + r);
      }

      // The relaxed estimator takes the likelihood at one level instead: a different number.
      try (SparseCoder relaxed = SparseCoder.create(config(LevelEstimator.RELAXED))) {
        float[] one =
            relaxed
                .block()
                .terms(relaxed.store(), x, noiseFree, false, true)
                .logLik()
                .toFloatArray();
        assertNotEquals(exact[0], one[0]);
      }
    }
  }

  private static double[] softmax(float[] v, int from, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, v[from + i]);
    }
    double[] p = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      p[i] = Math.exp(v[from + i] - max);
      total += p[i];
    }
    for (int i = 0; i < n; i++) {
      p[i] /= total;
    }
    return p;
  }

  private static int[] topIndices(float[] v, int from, int n) {
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (a, c) -> Float.compare(v[from + c], v[from + a]));
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = idx[i];
    }
    return out;
  }
}
