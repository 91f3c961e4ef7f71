package org.sdlgm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.TrainTest;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.train.SdlgmTrainer;
import org.sdlgm.train.TrainingRun;

/** The spike-and-slab KL against a hand computation, the samples, the cap and a short training. */
class VscBlockTest {
  private static final int D = 12;

  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  private static SdlgmConfig config(int k, int l0, double target) {
    return SdlgmConfig.builder()
        .method(Method.VSC)
        .inputDim(D)
        .latentDim(k)
        .maxLevel(l0)
        .encoderHidden(List.of(16))
        .decoderHidden(List.of(16))
        .targetNnz(target)
        .build();
  }

  /** KL of the spike Bernoulli(γ) against Bernoulli(α), in double precision. */
  private static double spikeKl(double logit, double alpha) {
    double g = 1 / (1 + Math.exp(-logit));
    return g * Math.log(g / alpha) + (1 - g) * Math.log((1 - g) / (1 - alpha));
  }

  @Test
  void priorSpikeIsTargetOverKElseHalfTheCapOverK() {
    assertEquals(2.0 / 20, new VscBlock(config(20, 8, 2)).priorSpike(), 1e-12);
    assertEquals(4.0 / 20, new VscBlock(config(20, 8, 0)).priorSpike(), 1e-12);
  }

  @Test
  void spikeKlMatchesHandComputation() {
    VscBlock b = new VscBlock(config(20, 8, 2));
    double[] logits = {-5, -1.3, 0, 0.7, 4, 13};
    float[] f = new float[logits.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) logits[i];
    }
    try (NDManager m = NDManager.newBaseManager()) {
      float[] kl = b.spikeKl(m.create(f, new Shape(1, f.length))).toFloatArray();
      for (int i = 0; i < f.length; i++) {
        double want = spikeKl(logits[i], 0.1);
        assertEquals(want, kl[i], 1e-5 * Math.max(1, Math.abs(want)), "logit " + logits[i]);
      }
    }
  }

  @Test
  void termsKlIsSpikePlusGammaWeightedSlab() {
    Engine.getInstance().setRandomSeed(3);
    try (SparseCoder coder = SparseCoder.create(config(6, 3, 1));
        NDManager m = NDManager.newBaseManager()) {
      VscBlock b = (VscBlock) coder.block();
      NDArray x = SparseCoder.tensor(m, gaussianRows(new Random(3), 4), new Shape(4, D));
      Terms t = b.terms(coder.store(), x, new Schedule(0.5, 1, 1), true, false);
      // The heads' raw outputs, recomputed, and the KLs by hand in double precision.
      NDArray h = b.hidden(coder.store(), x, false);
      float[] mu = LatentBlock.apply(child(b, "muHead"), coder.store(), h, false).toFloatArray();
      float[] ls =
          LatentBlock.apply(child(b, "logSigmaHead"), coder.store(), h, false).toFloatArray();
      float[] lg = LatentBlock.apply(child(b, "spikeHead"), coder.store(), h, false).toFloatArray();
      float[] klS = t.value(VscBlock.KL_SPIKE).toFloatArray();
      float[] klV = t.value(VscBlock.KL_SLAB).toFloatArray();
      float[] nnz = t.nnz().toFloatArray();
      // VSC has no level: its terms are its own, with no KL_L.
      assertEquals(List.of(Terms.LOGLIK, VscBlock.KL_SPIKE, VscBlock.KL_SLAB), t.names());
      for (int r = 0; r < 4; r++) {
        double s = 0;
        double v = 0;
        for (int j = r * 6; j < r * 6 + 6; j++) {
          double logSigma = Math.max(-8, Math.min(4, ls[j]));
          double g = 1 / (1 + Math.exp(-lg[j]));
          s += spikeKl(lg[j], 1.0 / 6);
          v += g * 0.5 * (mu[j] * mu[j] + Math.exp(2 * logSigma) - 1 - 2 * logSigma);
        }
        assertEquals(s, klS[r], 1e-4, "KL_S row " + r);
        assertEquals(v, klV[r], 1e-4, "KL_v row " + r);
        assertTrue(nnz[r] >= 0 && nnz[r] <= 6 && nnz[r] == Math.rint(nnz[r]));
      }
    }
  }

  @Test
  void hardSamplesAreExactBernoulliAndCountTheSpikes() {
    // With exact spikes, z has exactly nnz non-zeros (a Gaussian value is never exactly 0),
    // and over many rows the share of spikes on is the mean γ.
    Engine.getInstance().setRandomSeed(4);
    try (SparseCoder coder = SparseCoder.create(config(8, 4, 0));
        NDManager m = NDManager.newBaseManager()) {
      VscBlock b = (VscBlock) coder.block();
      int n = 2000;
      NDArray x = SparseCoder.tensor(m, gaussianRows(new Random(4), n), new Shape(n, D));
      Terms t = b.terms(coder.store(), x, new Schedule(0.5, 1, 1), true, false);
      NDArray h = b.hidden(coder.store(), x, false);
      double meanGamma =
          ai.djl.nn.Activation.sigmoid(
                  LatentBlock.apply(child(b, "spikeHead"), coder.store(), h, false))
              .mean()
              .getFloat();
      double share = t.nnz().sum().getFloat() / (n * 8.0);
      assertEquals(meanGamma, share, 0.02);
    }
  }

  @Test
  void everyCodeRespectsTheCap() {
    Random rnd = new Random(9);
    for (int seed = 0; seed < 4; seed++) {
      int k = 4 + rnd.nextInt(20);
      int l0 = 1 + rnd.nextInt(k);
      Engine.getInstance().setRandomSeed(seed);
      try (SparseCoder coder = SparseCoder.create(config(k, l0, 0))) {
        // A large bias on the spike head switches every dimension on: the cap must clip.
        child(coder.block(), "spikeHead")
            .getParameters()
            .get("bias")
            .getArray()
            .set(filled(k, seed % 2 == 0 ? 50f : 0f));
        int n = 15;
        float[] huge = new float[n * D];
        float[] constant = new float[n * D];
        for (int i = 0; i < n * D; i++) {
          huge[i] = (rnd.nextBoolean() ? 1 : -1) * 1e6f;
          constant[i] = 0.5f;
        }
        float[] zero = new float[n * D];
        for (float[] rows : List.of(gaussianRows(rnd, n), huge, constant, zero)) {
          for (SparseCode code : coder.encode(rows, n, 7)) {
            assertTrue(code.nnz() <= l0, "nnz " + code.nnz() + " > L0 " + l0);
            // (A zero row has μ = 0 at initialisation: its values are all exactly 0.)
            if (seed % 2 == 0 && rows != huge && rows != zero) {
              assertEquals(l0, code.nnz(), "every spike on: clipped to L0");
            }
          }
        }
      }
    }
  }

  @Test
  void shortTrainingLowersTheLossAndEncodesWithinTheCap() {
    TrainTest data = DataSpecs.parse("synthetic:n=300,test=60,seed=3,dim=48,atoms=8,lmax=3").load();
    SdlgmConfig c =
        config(12, 4, 2).toBuilder()
            .inputDim(48)
            .encoderHidden(List.of(32))
            .decoderHidden(List.of(32))
            .build();
    TrainConfig tc =
        TrainConfig.builder().epochs(3).batchSize(50).seed(2).validationFraction(0).build();
    TrainingRun<SparseCoder> run = new SdlgmTrainer(c, tc).fit(data.train());
    try (SparseCoder coder = run.model()) {
      assertTrue(
          run.history().get(2).trainLoss() < run.history().get(0).trainLoss(),
          "loss " + run.history().get(0).trainLoss() + " → " + run.history().get(2).trainLoss());
      for (SparseCode code : coder.encode(data.test().features(), data.test().size(), 32)) {
        assertTrue(code.nnz() <= 4);
      }
    }
  }

  /** A child block by name (DJL prefixes each child's name with its position). */
  private static ai.djl.nn.Block child(LatentBlock b, String name) {
    return b.getChildren().stream()
        .filter(p -> p.getKey().endsWith(name))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  private static float[] gaussianRows(Random rnd, int n) {
    float[] x = new float[n * D];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }
}
