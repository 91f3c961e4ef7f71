package org.sdlgm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.SdlgmException;
import org.sdlgm.io.ModelDirectory;

/**
 * {@link LevelInference#EXACT}: an encoded code's level is the mode of q*(l | x) ∝ π_l·exp(log p(x
 * | z_l)) (selection and value KLs weighted 0 here), with z_l the top l of α times μ, built by hand
 * from the heads and the decoder; and {@link SdlgmConfig#clipMean} keeps the Gaussian mean in [0,
 * 1].
 */
class LevelInferenceTest {
  private static final int B = 24;
  private static final int D = 12;
  private static final int K = 10;
  private static final int L0 = 4;
  private static final double RHO = 0.3;

  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  private static SdlgmConfig.Builder builder(LevelInference inference) {
    return SdlgmConfig.builder()
        .inputDim(D)
        .latentDim(K)
        .maxLevel(L0)
        .encoderHidden(List.of(16))
        .decoder(Decoder.LINEAR)
        .likelihood(Likelihood.GAUSSIAN)
        .learnSigmaX(false)
        .sigmaXInit(1.0)
        .levelPrior(LevelPrior.GEOMETRIC)
        .rho(RHO)
        .betaS(0)
        .betaV(0)
        .levelInference(inference);
  }

  @Test
  void exactLevelIsTheModeOfTheOptimalLevelPosterior() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      NDArray x = m.randomUniform(0f, 1f, new Shape(B, D));
      float[] rows = x.toFloatArray();
      Engine.getInstance().setRandomSeed(11);
      List<SparseCode> byHead;
      try (SparseCoder head = SparseCoder.create(builder(LevelInference.HEAD).build())) {
        byHead = head.encode(rows, B, B);
      }
      Engine.getInstance().setRandomSeed(11);
      try (SparseCoder coder = SparseCoder.create(builder(LevelInference.EXACT).build())) {
        List<SparseCode> codes = coder.encode(rows, B, B);
        double[][] perLevel = LevelEstimatorTest.perLevelLogLik(coder, x, m, K, L0);
        int differ = 0;
        for (int r = 0; r < B; r++) {
          double[] logPost = new double[L0];
          double max = Double.NEGATIVE_INFINITY;
          for (int l = 0; l < L0; l++) {
            logPost[l] = perLevel[r][l] + (l + 1) * Math.log(RHO);
            max = Math.max(max, logPost[l]);
          }
          double total = 0;
          int best = 0;
          for (int l = 0; l < L0; l++) {
            total += Math.exp(logPost[l] - max);
            best = logPost[l] > logPost[best] ? l : best;
          }
          SparseCode code = codes.get(r);
          assertEquals(best + 1, code.level(), "row " + r);
          for (int l = 0; l < L0; l++) {
            assertEquals(
                Math.exp(logPost[l] - max) / total, code.levelProbs()[l], 1e-3, "row " + r);
          }
          // The code keeps the same selection rule: the top L̂ of α, values μ.
          assertTrue(code.indices().length <= code.level());
          differ += code.level() != byHead.get(r).level() ? 1 : 0;
        }
        // A fresh level head is not the optimal posterior, so the two rules part somewhere.
        assertTrue(differ > 0, "exact inference chose the head's level on every row");
      }
    }
  }

  /**
   * {@link LevelInference#SEARCH} stops at a local maximum of the exact level posterior (a level
   * whose neighbours are no more probable under q*), reached by climbing from the head's mode, and
   * its probabilities are q*'s renormalised over the levels it scored, a contiguous range around
   * that mode.
   */
  @Test
  void searchStopsAtALocalModeOfTheExactPosterior() {
    int n = 64;
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      float[] rows = m.randomUniform(0f, 1f, new Shape(n, D)).toFloatArray();
      List<List<SparseCode>> byMode = new java.util.ArrayList<>();
      for (LevelInference mode : LevelInference.values()) {
        Engine.getInstance().setRandomSeed(11);
        try (SparseCoder coder = SparseCoder.create(builder(mode).maxLevel(8).build())) {
          byMode.add(coder.encode(rows, n, 16));
        }
      }
      List<SparseCode> head = byMode.get(LevelInference.HEAD.ordinal());
      List<SparseCode> exact = byMode.get(LevelInference.EXACT.ordinal());
      List<SparseCode> search = byMode.get(LevelInference.SEARCH.ordinal());
      int agree = 0;
      for (int r = 0; r < n; r++) {
        float[] q = exact.get(r).levelProbs();
        float[] p = search.get(r).levelProbs();
        int l = search.get(r).level() - 1;
        assertTrue(l == 0 || q[l - 1] <= q[l], "row " + r + ": the level below is more probable");
        assertTrue(l == 7 || q[l + 1] <= q[l], "row " + r + ": the level above is more probable");
        int start = head.get(r).level() - 1;
        double scoredMass = 0;
        int first = -1;
        int last = -1;
        for (int j = 0; j < 8; j++) {
          if (p[j] > 0) {
            first = first < 0 ? j : first;
            last = j;
            scoredMass += q[j];
          }
        }
        assertTrue(first <= Math.max(0, start - 1) && last >= Math.min(7, start + 1), "row " + r);
        assertTrue(first <= l && l <= last, "row " + r);
        for (int j = first; j <= last; j++) {
          assertEquals(q[j] / scoredMass, p[j], 1e-3, "row " + r + ", level " + (j + 1));
        }
        agree += l + 1 == exact.get(r).level() ? 1 : 0;
      }
      assertTrue(agree > n / 2, "search found the exact mode on only " + agree + " of " + n);
    }
  }

  /**
   * With a budget, the level cost is set after training so that the codes' mean level over the
   * training rows meets it; the head's inference leaves the cost as training left it.
   */
  @Test
  void budgetIsMetByTheCodesAfterCalibration() {
    int n = 400;
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      float[] rows = m.randomUniform(0f, 1f, new Shape(n, D)).toFloatArray();
      // β_L = 0.001 scales the level scores F / β_L by 1,000: meeting the budget then needs a
      // level cost far beyond the ±10 nats per level that training allows itself.
      for (double[] targetAndBetaL : new double[][] {{1.5, 1}, {2.5, 1}, {1.5, 0.001}}) {
        double target = targetAndBetaL[0];
        Engine.getInstance().setRandomSeed(11);
        SdlgmConfig c =
            builder(LevelInference.EXACT).targetNnz(target).betaL(targetAndBetaL[1]).build();
        try (SparseCoder coder = SparseCoder.create(c)) {
          SdlgmBlock block = (SdlgmBlock) coder.block();
          double before = block.levelCost(coder.store(), coder.manager());
          block.afterTraining(coder.store(), coder.manager(), rows, n);
          double after = block.levelCost(coder.store(), coder.manager());
          double mean = 0;
          for (SparseCode code : coder.encode(rows, n, 100)) {
            mean += code.level();
          }
          mean /= n;
          assertEquals(target, mean, 0.1, "mean level after calibration");
          assertTrue(after != before, "the cost did not move");
        }
      }
      Engine.getInstance().setRandomSeed(11);
      SdlgmConfig c = builder(LevelInference.HEAD).targetNnz(2.5).build();
      try (SparseCoder coder = SparseCoder.create(c)) {
        SdlgmBlock block = (SdlgmBlock) coder.block();
        double before = block.levelCost(coder.store(), coder.manager());
        block.afterTraining(coder.store(), coder.manager(), rows, n);
        assertEquals(before, block.levelCost(coder.store(), coder.manager()));
      }
    }
  }

  @Test
  void clippedMeanStaysInTheUnitInterval() {
    Engine.getInstance().setRandomSeed(11);
    SdlgmConfig c = builder(LevelInference.HEAD).clipMean(true).build();
    try (SparseCoder coder = SparseCoder.create(c)) {
      float[] z = new float[K];
      for (int j = 0; j < K; j++) {
        z[j] = (j % 2 == 0 ? 30f : -30f);
      }
      float[] xHat = coder.decodeMean(z, 1, 1);
      boolean clippedAbove = false;
      boolean clippedBelow = false;
      for (float v : xHat) {
        assertTrue(v >= 0f && v <= 1f, "mean " + v + " outside [0, 1]");
        clippedAbove |= v == 1f;
        clippedBelow |= v == 0f;
      }
      assertTrue(clippedAbove && clippedBelow, "the large code did not reach either bound");
    }
  }

  @Test
  void optionsAreCheckedAndOldConfigsReadWithTheirDefaults() throws Exception {
    assertThrows(
        SdlgmException.class,
        () -> builder(LevelInference.HEAD).likelihood(Likelihood.BERNOULLI).clipMean(true).build());
    assertThrows(
        SdlgmException.class, () -> builder(LevelInference.EXACT).method(Method.TOPK_AE).build());
    SdlgmConfig c = builder(LevelInference.EXACT).clipMean(true).build();
    String json = ModelDirectory.toJson(c);
    assertEquals(c, ModelDirectory.json().readValue(json, SdlgmConfig.class));
    String old =
        json.replaceAll(",\\s*\"clipMean\" : true", "")
            .replaceAll(",\\s*\"levelInference\" : \"exact\"", "");
    assertFalse(old.contains("levelInference") || old.contains("clipMean"), old);
    SdlgmConfig read = ModelDirectory.json().readValue(old, SdlgmConfig.class);
    assertEquals(LevelInference.HEAD, read.levelInference());
    assertFalse(read.clipMean());
  }

  /**
   * The default objective trains at the cap when it has a budget; such a config can be read with
   * the level head (with a note saying its codes sit near the cap) but not trained with it, since
   * the head does not read the level cost that meets the budget.
   */
  @Test
  void atCapModelsAreReadByTheHeadButNotTrainedWithIt() {
    SdlgmConfig atCap = org.sdlgm.train.Recipes.sparseCodes(6, 3);
    assertTrue(atCap.trainAtCap());
    assertFalse(org.sdlgm.train.Recipes.sparseCodes(6, 0).trainAtCap());
    atCap.checkTrainable();
    assertTrue(atCap.headAtCapNote().isEmpty());
    SdlgmConfig byHead = atCap.withLevelInference(LevelInference.HEAD);
    String note = byHead.headAtCapNote().orElseThrow();
    assertTrue(note.contains("near L0 = 6") && note.contains("budget of 3.0"), note);
    SdlgmException e = assertThrows(SdlgmException.class, byHead::checkTrainable);
    assertTrue(e.getMessage().contains("--no-train-at-cap"), e.getMessage());
    SdlgmConfig steered = byHead.toBuilder().trainAtCap(false).build();
    steered.checkTrainable();
    assertTrue(steered.headAtCapNote().isEmpty());
  }
}
