package org.sdlgm.train.multilabel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.BaseNDManager;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelTrainTest;
import org.sdlgm.data.multilabel.SyntheticMultiLabel;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.multilabel.SetObjective;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.model.multilabel.TaggerMethod;
import org.sdlgm.train.TrainingRun;

/**
 * Multi-label training steps, validation passes and predictions leave no tensor behind: after one
 * epoch and after four, the model's memory scope holds the same number of arrays (parameters and
 * optimiser state only), for every method and objective.
 */
class TaggerMemoryTest {
  static MultiLabelTrainTest data;

  /** The features as stored. */
  static final FeatureTransform RAW = FeatureTransform.none(300);

  @BeforeAll
  static void load() {
    System.setProperty("ai.djl.offline", "true");
    data =
        SyntheticMultiLabel.builder()
            .n(200)
            .test(60)
            .features(300)
            .labels(15)
            .lmax(3)
            .seed(2)
            .build()
            .load();
  }

  private static int arraysAfter(int epochs, TaggerConfig c) {
    TrainConfig t =
        TrainConfig.builder().epochs(epochs).batchSize(25).validationFraction(0).build();
    TrainingRun<Tagger> run =
        new TaggerTrainer(c, t).features(RAW::denseRows).fit(data.train(), data.test());
    try (var tagger = run.model()) {
      float[] x = new float[60 * 300];
      RAW.denseRows(data.test(), 0, 60, x);
      tagger.predict(tagger.score(x, 60), c.setRules().get(0), 5);
      return ((BaseNDManager) tagger.manager()).getManagedArrays().size();
    }
  }

  @Test
  void noTensorOutlivesItsStep() {
    for (TaggerConfig.Builder b :
        List.of(
            TaggerConfig.builder(),
            TaggerConfig.builder().objective(SetObjective.PLACKETT_LUCE).minLevel(0),
            TaggerConfig.builder().straightThrough(true).dropout(0.3),
            TaggerConfig.builder().method(TaggerMethod.BR_MLP).topK(2))) {
      TaggerConfig c = b.numFeatures(300).numLabels(15).hidden(List.of(16)).maxLevel(3).build();
      assertEquals(
          arraysAfter(1, c),
          arraysAfter(4, c),
          c.method()
              + "/"
              + c.objective()
              + ": arrays attached to the model's manager grew with training");
    }
  }

  @Test
  void sameSeedGivesTheSameNumbers() {
    TaggerConfig c =
        TaggerConfig.builder()
            .numFeatures(300)
            .numLabels(15)
            .hidden(List.of(16))
            .maxLevel(3)
            .dropout(0.2)
            .build();
    double[] loss = new double[3];
    long[] seeds = {5, 5, 6};
    for (int r = 0; r < 3; r++) {
      TrainConfig t =
          TrainConfig.builder()
              .epochs(2)
              .batchSize(25)
              .seed(seeds[r])
              .validationFraction(0)
              .build();
      TrainingRun<Tagger> run = new TaggerTrainer(c, t).features(RAW::denseRows).fit(data.train());
      run.model().close();
      loss[r] = run.history().get(1).trainLoss();
    }
    assertEquals(loss[0], loss[1], "same seed, same data: the same numbers");
    org.junit.jupiter.api.Assertions.assertNotEquals(loss[0], loss[2]);
  }
}
