package org.sdlgm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.TrainTest;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.MultiLabelTrainTest;
import org.sdlgm.data.multilabel.SyntheticMultiLabel;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.eval.Evaluation;
import org.sdlgm.eval.Evaluator;
import org.sdlgm.eval.ModelEvaluator;
import org.sdlgm.eval.multilabel.MultiLabelEvaluation;
import org.sdlgm.eval.multilabel.TaggerEvaluator;
import org.sdlgm.io.Checkpoint;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.MultiLabelSchema;
import org.sdlgm.io.Provenance;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.TrainedModel;
import org.sdlgm.model.multilabel.LabelPrediction;
import org.sdlgm.model.multilabel.SetRule;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.train.multilabel.TaggerTrainer;

/**
 * Both tasks through the same contracts: a {@link Trainer} fits, its {@link TrainingRun} closes the
 * model, listeners and checkpoints work the same, a {@link ModelEvaluator} scores, and {@link
 * ModelDirectory} saves and loads either kind of {@link TrainedModel} with its preprocessing
 * inside.
 */
class ContractsTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  /** Fits with {@code trainer}, recording what the listener sees, and checks the shared parts. */
  private static <D, M extends TrainedModel<?>> TrainingRun<M> fitAndCheck(
      Trainer<D, M> trainer, D train, Path out, int epochs) {
    List<EpochRecord> epochs0 = new ArrayList<>();
    List<Long> checkpoints = new ArrayList<>();
    int[] steps = new int[1];
    trainer
        .addListener(
            new TrainingListener() {
              @Override
              public void onStep(int epoch, int batch, int batches, StepStats stats) {
                steps[0]++;
                assertTrue(Double.isFinite(stats.loss()));
                assertTrue(!stats.terms().isEmpty());
              }

              @Override
              public void onEpoch(EpochRecord r) {
                epochs0.add(r);
              }

              @Override
              public void onCheckpoint(long step, Path dir) {
                checkpoints.add(step);
              }
            })
        .outputDir(out);
    TrainingRun<M> run = trainer.fit(train);
    assertEquals(epochs, run.history().size());
    assertEquals(run.history(), epochs0);
    assertEquals(epochs, checkpoints.size());
    assertTrue(steps[0] >= epochs);
    assertTrue(Files.isRegularFile(out.resolve(Checkpoint.DIR).resolve(Checkpoint.MANIFEST)));
    return run;
  }

  @Test
  void theCoderGoesThroughTheContracts(@TempDir Path dir) {
    TrainTest data = new DataPlan("synthetic:n=100,test=20", null, 0, 1).load();
    SdlgmConfig config = Recipes.syntheticModel().withInputDim(data.train().dim());
    TrainConfig training = Recipes.syntheticTraining().toBuilder().epochs(2).build();
    Trainer<org.sdlgm.data.Dataset, SparseCoder> trainer = new SdlgmTrainer(config, training);
    List<SparseCode> flat;
    try (TrainingRun<SparseCoder> run = fitAndCheck(trainer, data.train(), dir.resolve("run"), 2)) {
      SparseCoder coder = run.model();
      ModelEvaluator<SparseCoder, TrainTest, Evaluation> evaluator =
          new Evaluator(EvalOptions.defaults().withProbe(false));
      assertEquals(20, evaluator.evaluate(coder, data).testSize());
      int n = data.test().size();
      int d = config.inputDim();
      float[][] rows = new float[n][];
      for (int i = 0; i < n; i++) {
        rows[i] = java.util.Arrays.copyOfRange(data.test().features(), i * d, (i + 1) * d);
      }
      flat = coder.encode(data.test().features(), n, 7);
      List<SparseCode> byRow = coder.encode(rows);
      for (int i = 0; i < n; i++) {
        assertArrayEquals(flat.get(i).indices(), byRow.get(i).indices());
      }
      ModelDirectory.save(dir.resolve("model"), coder, training, data.train(), run.history());
    }
    try (TrainedModel<?> loaded = ModelDirectory.load(dir.resolve("model"))) {
      SparseCoder coder = assertInstanceOf(SparseCoder.class, loaded);
      assertEquals(SparseCoder.FORMAT, loaded.format());
      assertArrayEquals(flat.get(0).indices(), coder.encode(data.test().row(0)).indices());
    }
  }

  @Test
  void theTaggerGoesThroughTheContracts(@TempDir Path dir) {
    MultiLabelTrainTest tt =
        SyntheticMultiLabel.builder()
            .n(60)
            .test(20)
            .features(30)
            .labels(8)
            .lmax(3)
            .seed(3)
            .build()
            .load();
    MultiLabelDataset train = tt.train();
    FeatureTransform transform = FeatureTransform.fit(FeatureTransform.Kind.TFIDF, train);
    TaggerConfig config =
        TaggerConfig.builder()
            .numFeatures(train.numFeatures())
            .numLabels(train.numLabels())
            .hidden(List.of(16))
            .maxLevel(3)
            .build();
    TrainConfig training =
        TrainConfig.builder().epochs(2).batchSize(20).validationFraction(0).build();
    Trainer<MultiLabelDataset, Tagger> trainer =
        new TaggerTrainer(config, training).features(transform);
    Path model = dir.resolve("model");
    Map<SetRule, MultiLabelEvaluation> before;
    List<LabelPrediction> predicted;
    try (TrainingRun<Tagger> run = fitAndCheck(trainer, train, model, 2)) {
      Tagger tagger = run.model();
      assertEquals(transform, tagger.transform(), "the model keeps its fitted preprocessing");
      ModelEvaluator<Tagger, MultiLabelDataset, Map<SetRule, MultiLabelEvaluation>> evaluator =
          new TaggerEvaluator(7);
      before = evaluator.evaluate(tagger, tt.test());
      predicted = tagger.predict(tt.test(), config.setRules().get(0), 2, 7);
      assertEquals(tt.test().size(), predicted.size());
      MultiLabelSchema schema =
          new MultiLabelSchema(
              "synthetic",
              null,
              null,
              0,
              3,
              30,
              8,
              train.labelNames(),
              train.size(),
              0,
              20,
              1.0,
              0,
              transform.kind().id());
      ModelInfo<TaggerConfig, MultiLabelSchema> info =
          ModelInfo.of(config, training, schema, Provenance.current(List.of()));
      ModelDirectory.save(model, info, tagger, run.history());
    }
    assertEquals(Tagger.FORMAT, ModelDirectory.formatOf(model));
    assertEquals(2, ModelDirectory.readTaggerInfo(model).training().epochs());
    assertThrows(
        org.sdlgm.SdlgmException.class,
        () -> ModelDirectory.readCoderInfo(model),
        "a tagger's directory is not a coder's");
    try (TrainedModel<?> loaded = ModelDirectory.load(model)) {
      Tagger tagger = assertInstanceOf(Tagger.class, loaded);
      assertEquals(transform, tagger.preprocessing());
      assertEquals(before, new TaggerEvaluator(7).evaluate(tagger, tt.test()));
      List<LabelPrediction> again = tagger.predict(tt.test(), config.setRules().get(0), 2, 3);
      for (int i = 0; i < predicted.size(); i++) {
        assertArrayEquals(predicted.get(i).labels(), again.get(i).labels());
      }
    }
  }

  @Test
  void aResumedTaggerContinuesFromTheSharedPosition(@TempDir Path dir) {
    MultiLabelDataset train =
        SyntheticMultiLabel.builder()
            .n(40)
            .test(0)
            .features(30)
            .labels(6)
            .lmax(2)
            .seed(5)
            .build()
            .load()
            .train();
    TaggerConfig config =
        TaggerConfig.builder()
            .numFeatures(train.numFeatures())
            .numLabels(train.numLabels())
            .hidden(List.of(8))
            .maxLevel(2)
            .build();
    TrainConfig three = TrainConfig.builder().epochs(3).batchSize(20).validationFraction(0).build();
    TrainConfig two = three.toBuilder().epochs(2).build();
    float[] full;
    try (TrainingRun<Tagger> run = new TaggerTrainer(config, three).fit(train)) {
      full = run.model().block().firstWeight().getArray().toFloatArray();
    }
    new TaggerTrainer(config, two).outputDir(dir).fit(train).close();
    Checkpoint c = Checkpoint.read(dir, Tagger.FORMAT);
    TrainingLoop.Position p = TrainingLoop.Position.of(c.state());
    assertEquals(TrainingLoop.Position.at(2, 0, 4), p);
    try (TrainingRun<Tagger> resumed =
        new TaggerTrainer(config, three).outputDir(dir).resume(true).fit(train)) {
      assertEquals(3, resumed.history().size());
      assertArrayEquals(full, resumed.model().block().firstWeight().getArray().toFloatArray());
    }
  }

  /**
   * Checkpoints written before the two trainers shared one position record still resume: the
   * unsupervised one recorded no best epoch, the multi-label one no batch within an epoch.
   */
  @Test
  void positionsOfEitherTrainersOlderManifestsRead() throws Exception {
    var json = ModelDirectory.json();
    assertEquals(
        TrainingLoop.Position.at(3, 5, 40),
        TrainingLoop.Position.of(json.readTree("{\"epoch\":3,\"batchInEpoch\":5,\"step\":40}")));
    assertEquals(
        new TrainingLoop.Position(2, 0, 8, 1, 0.5),
        TrainingLoop.Position.of(
            json.readTree("{\"epoch\":2,\"step\":8,\"bestEpoch\":1,\"bestScore\":0.5}")));
  }
}
