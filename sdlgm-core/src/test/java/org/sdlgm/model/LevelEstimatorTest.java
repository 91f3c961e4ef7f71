package org.sdlgm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    return builder(e).build();
  }

  private static SdlgmConfig.Builder builder(LevelEstimator e) {
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
        .levelEstimator(e);
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

  /**
   * {@link LevelEstimator#MARGINAL} with the selection and value KLs weighted 0: q*(l) ∝
   * π_l·exp(log p(x | z_l)), so log p − KL_L of its terms is the exact marginal log Σ_l π_l·p(x |
   * z_l), built here by hand (uniform π) from the same per-level likelihoods as above. The level
   * head's fit enters the loss with value 0, so the likelihood term is Σ_l q*_l·log p(x | z_l)
   * exactly.
   */
  @Test
  void marginalLevelIsTheLogSumOverLevels() {
    Engine.getInstance().setRandomSeed(11);
    int b = 6;
    int k = 10;
    int l0 = 4;
    SdlgmConfig c = builder(LevelEstimator.MARGINAL).betaS(0).betaV(0).build();
    try (SparseCoder coder = SparseCoder.create(c);
        NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(0f, 1f, new Shape(b, 12));
      Schedule noiseFree = new Schedule(0.5, 1, 1, 0);
      Terms t = coder.block().terms(coder.store(), x, noiseFree, false, true);
      float[] logLik = t.logLik().toFloatArray();
      float[] klL = t.value(SdlgmBlock.KL_L).toFloatArray();
      double[][] perLevel = perLevelLogLik(coder, x, m, k, l0);
      for (int r = 0; r < b; r++) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : perLevel[r]) {
          max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : perLevel[r]) {
          sum += Math.exp(v - max) / l0;
        }
        double marginal = max + Math.log(sum);
        assertEquals(marginal, logLik[r] - klL[r], 1e-3 * Math.abs(marginal), "row " + r);
        double expected = 0;
        for (int l = 0; l < l0; l++) {
          double qStar = Math.exp(perLevel[r][l] - marginal) / l0;
          expected += qStar * perLevel[r][l];
        }
        assertEquals(expected, logLik[r], 1e-3 * Math.abs(expected), "row " + r);
      }
    }
  }

  /**
   * q* maximises the objective over q(L | x) for the sampled selection and values, so with every KL
   * weighted 1 the marginal pass's ELBO is at least the exact pass's (which takes q from the level
   * head) on every row, and above it somewhere: the head of a fresh model is not optimal.
   */
  @Test
  void marginalBoundIsAtLeastTheHeadsBound() {
    int b = 6;
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      NDArray x = m.randomUniform(0f, 1f, new Shape(b, 12));
      Schedule noiseFree = new Schedule(0.5, 1, 1, 0);
      float[] exact;
      float[] marginal;
      Engine.getInstance().setRandomSeed(11);
      try (SparseCoder coder = SparseCoder.create(config(LevelEstimator.EXACT))) {
        exact = coder.block().terms(coder.store(), x, noiseFree, false, true).elbo().toFloatArray();
      }
      Engine.getInstance().setRandomSeed(11);
      try (SparseCoder coder = SparseCoder.create(config(LevelEstimator.MARGINAL))) {
        marginal =
            coder.block().terms(coder.store(), x, noiseFree, false, true).elbo().toFloatArray();
      }
      double gain = 0;
      for (int r = 0; r < b; r++) {
        assertTrue(marginal[r] >= exact[r] - 1e-3 * Math.abs(exact[r]), "row " + r);
        gain += marginal[r] - exact[r];
      }
      assertTrue(gain > 1e-3, "the optimal level posterior gains nothing: " + gain);
    }
  }

  /** log p(x | z_l) for l = 1..L0 of each row, from the heads and the decoder by hand. */
  static double[][] perLevelLogLik(SparseCoder coder, NDArray x, NDManager m, int k, int l0) {
    int b = (int) x.getShape().get(0);
    int d = (int) x.getShape().get(1);
    float[] heads =
        coder
            .block()
            .encodeHeads(coder.store(), x, coder.block().encodingWeights(coder.store(), m))
            .toFloatArray();
    float[] xs = x.toFloatArray();
    int w = 2 * k + l0;
    double[][] out = new double[b][l0];
    for (int r = 0; r < b; r++) {
      int[] order = topIndices(heads, r * w, k);
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
        out[r][l - 1] = -0.5 * sq - 0.5 * d * Math.log(2 * Math.PI);
      }
    }
    return out;
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

  static int[] topIndices(float[] v, int from, int n) {
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
