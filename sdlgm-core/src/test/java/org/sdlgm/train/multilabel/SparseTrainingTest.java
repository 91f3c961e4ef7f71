package org.sdlgm.train.multilabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.SyntheticMultiLabel;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.train.TrainingListener;
import org.sdlgm.train.TrainingRun;

/**
 * Training on sparse rows: where every batch uses every feature, the lazy column updates are Adam's
 * dense updates, so the two paths train the same model (to float rounding); the path is chosen by
 * the rule and reported to the listeners.
 */
class SparseTrainingTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void sparseStepsEqualDenseStepsWhenEveryColumnIsUsed() {
    MultiLabelDataset data =
        SyntheticMultiLabel.builder()
            .n(40)
            .test(0)
            .features(30)
            .labels(8)
            .lmax(3)
            .seed(3)
            .build()
            .load()
            .train();
    boolean[] used = new boolean[data.numFeatures()];
    for (int k = 0; k < data.rowEnd(data.size() - 1); k++) {
      used[data.featureIndexAt(k)] = true;
    }
    for (boolean u : used) {
      assertTrue(u, "the test needs every feature in the one batch");
    }
    FeatureTransform t = FeatureTransform.fit(FeatureTransform.Kind.TFIDF, data);
    TaggerConfig config =
        TaggerConfig.builder()
            .numFeatures(data.numFeatures())
            .numLabels(data.numLabels())
            .hidden(List.of(16))
            .maxLevel(3)
            .build();
    TrainConfig tc =
        TrainConfig.builder().epochs(4).batchSize(data.size()).validationFraction(0).build();
    List<Boolean> paths = new ArrayList<>();
    TrainingListener path =
        new TrainingListener() {
          @Override
          public void onInputPath(boolean sparse, String reason) {
            paths.add(sparse);
          }
        };
    TrainingRun<Tagger> dense =
        new TaggerTrainer(config, tc).addListener(path).features(t).fit(data);
    TrainingRun<Tagger> sparse =
        new TaggerTrainer(config, tc).addListener(path).sparseRows(true).features(t).fit(data);
    assertEquals(List.of(false, true), paths); // 30 features: dense unless asked
    try (Tagger a = dense.model();
        Tagger b = sparse.model()) {
      List<Parameter> pa = a.block().getParameters().values();
      List<Parameter> pb = b.block().getParameters().values();
      double maxDiff = 0;
      for (int i = 0; i < pa.size(); i++) {
        float[] u = pa.get(i).getArray().toFloatArray();
        float[] v = pb.get(i).getArray().toFloatArray();
        for (int j = 0; j < u.length; j++) {
          maxDiff = Math.max(maxDiff, Math.abs(u[j] - v[j]));
        }
      }
      // Four Adam steps of lr 1e-3 move a weight by up to 4e-3; the paths agree far closer.
      assertTrue(maxDiff < 2e-5, "largest parameter difference " + maxDiff);
      float[] first = a.block().firstWeight().getArray().toFloatArray();
      float[] start;
      try (Tagger init = Tagger.create(config)) {
        start = init.block().firstWeight().getArray().toFloatArray();
      }
      assertFalse(java.util.Arrays.equals(first, start), "training moved the first layer");
      assertEquals(dense.history().get(3).trainLoss(), sparse.history().get(3).trainLoss(), 1e-3);
    }
  }
}
