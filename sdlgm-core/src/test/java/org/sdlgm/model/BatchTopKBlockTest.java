package org.sdlgm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.TrainTest;
import org.sdlgm.eval.Evaluator;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.train.SdlgmTrainer;
import org.sdlgm.train.TrainingRun;

/** The batch rule's budget, the cap, the threshold's estimate and its persistence. */
class BatchTopKBlockTest {
  private static final int D = 12;

  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  private static SdlgmConfig config(int k, int l0, double target) {
    return SdlgmConfig.builder()
        .method(Method.BATCHTOPK_AE)
        .inputDim(D)
        .latentDim(k)
        .maxLevel(l0)
        .encoderHidden(List.of(16))
        .decoderHidden(List.of(16))
        .targetNnz(target)
        .build();
  }

  private static float[] gaussian(Random rnd, int n) {
    float[] x = new float[n * D];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }

  private static List<float[]> adversarial(Random rnd, int n) {
    float[] huge = new float[n * D];
    float[] constant = new float[n * D];
    for (int i = 0; i < n * D; i++) {
      huge[i] = (rnd.nextBoolean() ? 1 : -1) * 1e6f;
      constant[i] = 0.5f;
    }
    return List.of(gaussian(rnd, n), huge, constant, new float[n * D]);
  }

  private static BatchTopKBlock block(SparseCoder coder) {
    return (BatchTopKBlock) coder.block();
  }

  private static void setThreshold(SparseCoder coder, float theta) {
    coder.block().getParameters().get("threshold").getArray().set(new float[] {theta});
  }

  @Test
  void budgetIsTheTargetElseHalfTheCap() {
    assertEquals(2.5, new BatchTopKBlock(config(16, 8, 2.5)).budget());
    assertEquals(4.0, new BatchTopKBlock(config(16, 8, 0)).budget());
    assertEquals(1.0, new BatchTopKBlock(config(16, 1, 0)).budget());
  }

  @Test
  void batchRuleKeepsExactlyRoundBkWhenNoRowHitsTheCap() {
    // L0 = K: the cap cannot clip, so the part's count is exactly round(B'·k).
    Engine.getInstance().setRandomSeed(5);
    try (SparseCoder coder = SparseCoder.create(config(10, 10, 3));
        NDManager m = NDManager.newBaseManager()) {
      for (int b : new int[] {1, 7, 8}) {
        NDArray x = SparseCoder.tensor(m, gaussian(new Random(b), b), new Shape(b, D));
        Terms t = coder.block().terms(coder.store(), x, new Schedule(1, 1, 1), false, true);
        float total = t.nnz().sum().getFloat();
        assertEquals(Math.round(b * 3.0), total, 0f, "B' = " + b);
      }
    }
  }

  @Test
  void batchRuleIsCappedPerRow() {
    try (NDManager m = NDManager.newBaseManager()) {
      BatchTopKBlock b = new BatchTopKBlock(config(6, 2, 2));
      // Row 0 holds the 4 largest magnitudes of the pool of round(3·2) = 6: the batch rule
      // gives it 4, the cap 2; rows 1 and 2 share the remaining 2.
      float[] mags = {9, 8, 7, 6, 0, 0, 1, 0.5f, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0};
      NDArray magnitudes = m.create(mags, new Shape(3, 6));
      float[] selected = b.batchSelection(magnitudes).sum(new int[] {1}).toFloatArray();
      assertArrayEquals(new float[] {4, 1, 1}, selected);
    }
    Engine.getInstance().setRandomSeed(6);
    try (SparseCoder coder = SparseCoder.create(config(20, 3, 3));
        NDManager m = NDManager.newBaseManager()) {
      Random rnd = new Random(6);
      for (float[] rows : adversarial(rnd, 9)) {
        Terms t =
            coder
                .block()
                .terms(
                    coder.store(),
                    SparseCoder.tensor(m, rows, new Shape(9, D)),
                    new Schedule(1, 1, 1),
                    false,
                    true);
        for (float v : t.nnz().toFloatArray()) {
          assertTrue(v <= 3, "training nnz " + v + " > L0 3");
        }
      }
    }
  }

  @Test
  void everyCodeRespectsTheCapBeforeAndAfterTheThreshold() {
    Random rnd = new Random(7);
    for (int seed = 0; seed < 4; seed++) {
      int k = 4 + rnd.nextInt(20);
      int l0 = 1 + rnd.nextInt(k);
      Engine.getInstance().setRandomSeed(seed);
      try (SparseCoder coder = SparseCoder.create(config(k, l0, 0))) {
        // Unset (batch rule), a threshold every entry passes, and a typical one.
        for (float theta : new float[] {-1f, 0f, 0.1f}) {
          setThreshold(coder, theta);
          for (float[] rows : adversarial(rnd, 15)) {
            for (SparseCode code : coder.encode(rows, 15, 7)) {
              assertTrue(code.nnz() <= l0, "θ " + theta + ": nnz " + code.nnz() + " > L0 " + l0);
              assertTrue(code.level() == code.nnz());
            }
          }
        }
      }
    }
  }

  @Test
  void thresholdGivesMeanKOnTheTrainingRowsAndSurvivesSaveLoad(@TempDir Path dir) {
    Engine.getInstance().setRandomSeed(8);
    int n = 1500;
    float[] rows = gaussian(new Random(8), n);
    Path file = dir.resolve("model.params");
    SdlgmConfig c = config(16, 4, 3);
    float theta;
    List<SparseCode> codes;
    try (SparseCoder coder = SparseCoder.create(c);
        NDManager m = NDManager.newBaseManager()) {
      assertTrue(block(coder).threshold(coder.store(), m) < 0, "θ starts unset");
      coder.block().afterTraining(coder.store(), coder.manager(), rows, n);
      theta = block(coder).threshold(coder.store(), m);
      assertTrue(theta > 0);
      double uncapped = 0;
      for (int from = 0; from < n; from += 500) {
        uncapped +=
            block(coder)
                .uncappedCounts(
                    coder.store(), SparseCoder.tensor(m, rows, from * D, new Shape(500, D)))
                .sum()
                .getFloat();
      }
      assertEquals(3.0, uncapped / n, 0.01, "mean count above θ before the cap");
      codes = coder.encode(rows, n, 100);
      double capped = codes.stream().mapToInt(SparseCode::nnz).average().orElseThrow();
      assertTrue(capped <= 3.01 && codes.stream().allMatch(s -> s.nnz() <= 4));
      coder.saveParameters(file);
    }
    try (SparseCoder loaded = SparseCoder.load(c, file);
        NDManager m = NDManager.newBaseManager()) {
      assertEquals(theta, block(loaded).threshold(loaded.store(), m));
      List<SparseCode> again = loaded.encode(rows, n, 100);
      assertArrayEquals(Evaluator.dense(codes, 16), Evaluator.dense(again, 16));
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
    try (SparseCoder coder = run.model();
        NDManager m = NDManager.newBaseManager()) {
      assertTrue(
          run.history().get(2).trainLoss() < run.history().get(0).trainLoss(),
          "loss " + run.history().get(0).trainLoss() + " → " + run.history().get(2).trainLoss());
      assertTrue(block(coder).threshold(coder.store(), m) >= 0, "θ estimated after training");
      for (SparseCode code : coder.encode(data.test().features(), data.test().size(), 32)) {
        assertTrue(code.nnz() <= 4);
      }
    }
  }
}
