package org.sdlgm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.TrainTest;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.Method;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.Terms;

/** Reproducibility, save/load equality, resume and the divergence guard of the trainer. */
class TrainerTest {
  static TrainTest data;

  @BeforeAll
  static void load() {
    System.setProperty("ai.djl.offline", "true");
    data = DataSpecs.parse("synthetic:n=400,test=100,seed=3,dim=48,atoms=8,lmax=3").load();
  }

  private static SdlgmConfig config() {
    return SdlgmConfig.builder()
        .inputDim(48)
        .latentDim(12)
        .maxLevel(4)
        .encoderHidden(List.of(32))
        .decoderHidden(List.of(32))
        .build();
  }

  private static TrainConfig training(int epochs, long seed) {
    return TrainConfig.builder()
        .epochs(epochs)
        .batchSize(50)
        .seed(seed)
        .validationFraction(0)
        .build();
  }

  private static float[] flatten(List<SparseCode> codes) {
    int k = 12;
    float[] out = new float[codes.size() * (k + 1)];
    for (int i = 0; i < codes.size(); i++) {
      float[] d = codes.get(i).toDense(k);
      System.arraycopy(d, 0, out, i * (k + 1), k);
      out[i * (k + 1) + k] = codes.get(i).level();
    }
    return out;
  }

  private static TrainingRun<SparseCoder> train(int epochs, long seed) {
    return new SdlgmTrainer(config(), training(epochs, seed)).fit(data.train(), data.test());
  }

  @Test
  void sameSeedGivesIdenticalInitialisationAndNoise() {
    // Everything the seed controls before the first update: initial parameters and the
    // Gumbel/Gaussian draws of the hard ELBO are bit-identical for the same seed.
    for (Method m : Method.values()) {
      SdlgmConfig c = config().toBuilder().method(m).build();
      float[][] codes = new float[3][];
      float[][] elbos = new float[3][];
      long[] seeds = {11, 11, 12};
      for (int r = 0; r < 3; r++) {
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) seeds[r]);
        try (SparseCoder coder = SparseCoder.create(c)) {
          codes[r] = flatten(coder.encode(data.test().features(), data.test().size(), 32));
          elbos[r] =
              org.sdlgm.eval.HardElbo.estimate(coder, data.test(), 50).terms().get(Terms.LOGLIK);
        }
      }
      assertArrayEquals(codes[0], codes[1], m + ": same seed must give identical initial codes");
      assertArrayEquals(elbos[0], elbos[1], m + ": same seed must give identical noise");
      assertTrue(
          !java.util.Arrays.equals(codes[0], codes[2]), m + ": different seeds should differ");
    }
  }

  @Test
  void sameSeedTrainingRunsGiveTheSameNumbers() {
    // Bit-identical since input batches are copied into libtorch-allocated memory (MKL's
    // rounding depends on alignment; docs/model.md, choice 18).
    for (Method m : new Method[] {Method.SDLGM, Method.VAE}) {
      SdlgmConfig c = config().toBuilder().method(m).build();
      double[] loss = new double[3];
      long[] seeds = {11, 11, 12};
      for (int r = 0; r < 3; r++) {
        TrainingRun<SparseCoder> run = new SdlgmTrainer(c, training(2, seeds[r])).fit(data.train());
        run.model().close();
        loss[r] = run.history().get(1).trainLoss();
      }
      assertEquals(loss[0], loss[1], m + ": same-seed epoch losses must be identical");
      assertNotEquals(loss[0], loss[2]);
    }
  }

  @Test
  void savedAndLoadedModelGivesBitIdenticalCodes(@TempDir Path dir) {
    TrainingRun<SparseCoder> run = train(1, 5);
    Path params = dir.resolve("model.params");
    try (SparseCoder coder = run.model()) {
      coder.saveParameters(params);
      float[] before = flatten(coder.encode(data.test().features(), data.test().size(), 32));
      try (SparseCoder loaded = SparseCoder.load(coder.config(), params)) {
        float[] after = flatten(loaded.encode(data.test().features(), data.test().size(), 32));
        assertArrayEquals(before, after);
      }
    }
  }

  @Test
  void resumeAtAnEpochBoundaryContinuesTheRun(@TempDir Path dir) {
    TrainingRun<SparseCoder> full = new SdlgmTrainer(config(), training(3, 9)).fit(data.train());
    List<float[]> fullParams = parameters(full.model());
    full.model().close();
    TrainingRun<SparseCoder> firstTwo =
        new SdlgmTrainer(config(), training(2, 9)).outputDir(dir).fit(data.train());
    firstTwo.model().close();
    assertTrue(
        Files.isRegularFile(dir.resolve("checkpoint/adam.state")), "Adam's state is checkpointed");
    TrainingRun<SparseCoder> resumed =
        new SdlgmTrainer(config(), training(3, 9)).outputDir(dir).resume(true).fit(data.train());
    List<float[]> resumedParams = parameters(resumed.model());
    resumed.model().close();
    assertEquals(3, resumed.history().size());
    assertEquals(3, resumed.history().get(2).epoch());
    for (int e = 0; e < 2; e++) {
      // The history before the checkpoint is restored (history.csv keeps 6 significant digits),
      // and it is the uninterrupted run's (same seed; see sameSeedSdlgmRunsAgreeClosely).
      double before = firstTwo.history().get(e).trainLoss();
      assertEquals(before, resumed.history().get(e).trainLoss(), 1e-5 * Math.abs(before));
      assertEquals(full.history().get(e).trainLoss(), before, 0.02 * Math.abs(before));
    }
    // Same shuffles, noise, parameters and Adam state: epoch 3 is the uninterrupted run's,
    // bit for bit.
    assertEquals(full.history().get(2).trainLoss(), resumed.history().get(2).trainLoss());
    for (int p = 0; p < fullParams.size(); p++) {
      assertArrayEquals(fullParams.get(p), resumedParams.get(p), "parameter " + p);
    }
  }

  @Test
  void resumeInsideAnEpochKeepsTheWholeEpochInItsHistoryRow(@TempDir Path dir) {
    // The default objective's passes are noise-free: a resume inside an epoch then continues it
    // exactly, so the epoch's row must be the uninterrupted run's — the steps before the
    // checkpoint included.
    SdlgmConfig c =
        Recipes.sparseCodes(4, 2).toBuilder()
            .inputDim(48)
            .latentDim(12)
            .encoderHidden(List.of(32))
            .decoderHidden(List.of(32))
            .build();
    TrainConfig t = training(2, 9).toBuilder().checkpointEvery(3).build();
    TrainingRun<SparseCoder> full = new SdlgmTrainer(c, t).fit(data.train());
    List<float[]> fullParams = parameters(full.model());
    full.model().close();
    // 400 rows in batches of 50: checkpoints at steps 3 and 6 of the first epoch's 8; stop at 6.
    RuntimeException stop = new RuntimeException("stopped after the checkpoint at step 6");
    TrainingListener stopAt6 =
        new TrainingListener() {
          @Override
          public void onCheckpoint(long step, Path where) {
            if (step == 6) {
              throw stop;
            }
          }
        };
    SdlgmTrainer first = new SdlgmTrainer(c, t).outputDir(dir).addListener(stopAt6);
    assertSame(stop, assertThrows(RuntimeException.class, () -> first.fit(data.train())));
    assertTrue(Files.isRegularFile(dir.resolve("checkpoint/" + SdlgmTrainer.EPOCH_MEANS)));
    TrainingRun<SparseCoder> resumed =
        new SdlgmTrainer(c, t).outputDir(dir).resume(true).fit(data.train());
    List<float[]> resumedParams = parameters(resumed.model());
    resumed.model().close();
    for (int p = 0; p < fullParams.size(); p++) {
      assertArrayEquals(fullParams.get(p), resumedParams.get(p), "parameter " + p);
    }
    assertEquals(2, resumed.history().size());
    for (int e = 0; e < 2; e++) {
      EpochRecord want = full.history().get(e);
      EpochRecord got = resumed.history().get(e);
      assertEquals(want.trainLoss(), got.trainLoss(), "epoch " + (e + 1) + " loss");
      assertEquals(want.value("train_nnz"), got.value("train_nnz"), "epoch " + (e + 1) + " nnz");
    }
  }

  @Test
  void aResumeWithFewerEpochsThanTheCheckpointTrainedIsRefused(@TempDir Path dir) {
    new SdlgmTrainer(config(), training(2, 9)).outputDir(dir).fit(data.train()).model().close();
    // Accepted before: the run returned the checkpoint's two epochs (parameters and history)
    // as a one-epoch model.
    SdlgmException e =
        assertThrows(
            SdlgmException.class,
            () ->
                new SdlgmTrainer(config(), training(1, 9))
                    .outputDir(dir)
                    .resume(true)
                    .fit(data.train()));
    assertTrue(
        e.getMessage().contains("2 epochs") && e.getMessage().contains("--epochs 1"),
        e.getMessage());
    // The same number of epochs finishes a run whose final save was interrupted.
    TrainingRun<SparseCoder> same =
        new SdlgmTrainer(config(), training(2, 9)).outputDir(dir).resume(true).fit(data.train());
    same.model().close();
    assertEquals(2, same.history().size());
  }

  private static List<float[]> parameters(SparseCoder coder) {
    List<float[]> out = new java.util.ArrayList<>();
    for (var p : coder.block().getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  @Test
  void divergenceStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint(@TempDir Path dir)
      throws Exception {
    new SdlgmTrainer(config(), training(1, 2)).outputDir(dir).fit(data.train()).model().close();
    String state = Files.readString(dir.resolve("checkpoint/manifest.json"));
    // A resume must not change the learning rate: refused, naming it, checkpoint untouched.
    TrainConfig explosive = training(4, 2).toBuilder().learningRate(1e9).build();
    SdlgmException refused =
        assertThrows(
            SdlgmException.class,
            () ->
                new SdlgmTrainer(config(), explosive)
                    .outputDir(dir)
                    .resume(true)
                    .fit(data.train()));
    assertTrue(refused.getMessage().contains("--lr"), refused.getMessage());
    assertEquals(state, Files.readString(dir.resolve("checkpoint/manifest.json")));
    // A run that explodes from its start stops with a clear message.
    Path fresh = dir.resolve("fresh");
    TrainingDivergedException e =
        assertThrows(
            TrainingDivergedException.class,
            () -> new SdlgmTrainer(config(), explosive).outputDir(fresh).fit(data.train()));
    assertTrue(e.getMessage().contains("diverged"), e.getMessage());
    assertTrue(e.getMessage().contains("checkpoint"), e.getMessage());
    // The checkpoint on disk is the last good one and still loads.
    try (SparseCoder coder = SparseCoder.load(config(), dir.resolve("checkpoint/model.params"))) {
      for (SparseCode c : coder.encode(data.test().features(), 10, 10)) {
        for (float v : c.values()) {
          assertTrue(Float.isFinite(v), "checkpoint parameters must be finite");
        }
      }
    }
  }
}
