package org.sdlgm.model.multilabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.SparseBatch;
import org.sdlgm.data.multilabel.SyntheticMultiLabel;

/**
 * Prediction from sparse rows equals prediction from the same rows densified: the same label scores
 * and level probabilities for each feature transform that keeps zeros (padding included: rows of
 * different lengths share a batch); the transform that fills zeros in gives no sparse rows, and a
 * network without a hidden layer reads them densified.
 */
class SparseInputTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  private static final MultiLabelDataset DATA =
      SyntheticMultiLabel.builder()
          .n(40)
          .test(0)
          .features(300)
          .labels(12)
          .lmax(3)
          .seed(5)
          .build()
          .load()
          .train();

  @Test
  void sparseAndDenseScoresAgree() {
    for (List<Integer> hidden : List.of(List.of(16, 8), List.<Integer>of())) {
      for (FeatureTransform.Kind kind :
          List.of(
              FeatureTransform.Kind.NONE,
              FeatureTransform.Kind.BINARY,
              FeatureTransform.Kind.TFIDF)) {
        FeatureTransform t = FeatureTransform.fit(kind, DATA);
        TaggerConfig config =
            TaggerConfig.builder()
                .numFeatures(DATA.numFeatures())
                .numLabels(DATA.numLabels())
                .hidden(hidden)
                .maxLevel(3)
                .build();
        int b = 17;
        int[] rows = new int[b];
        for (int i = 0; i < b; i++) {
          rows[i] = (i * 7) % DATA.size();
        }
        float[] x = new float[b * DATA.numFeatures()];
        t.denseRows(DATA, rows, 0, b, x);
        SparseBatch sparse = t.sparseRows(DATA, rows, 0, b);
        assertNotNull(sparse);
        try (Tagger tagger = Tagger.create(config)) {
          Tagger.Scores dense = tagger.score(x, b);
          Tagger.Scores viaSparse = tagger.score(sparse);
          String what = kind + ", hidden " + hidden;
          assertEquals(dense.labels().length, viaSparse.labels().length, what);
          for (int j = 0; j < dense.labels().length; j++) {
            assertEquals(dense.labels()[j], viaSparse.labels()[j], 1e-4, what + ": score " + j);
          }
          for (int j = 0; j < dense.levels().length; j++) {
            assertEquals(dense.levels()[j], viaSparse.levels()[j], 1e-5, what + ": q(L) " + j);
          }
        }
      }
    }
    FeatureTransform standardize = FeatureTransform.fit(FeatureTransform.Kind.STANDARDIZE, DATA);
    assertNull(standardize.sparseRows(DATA, new int[] {0, 1}, 0, 2));
  }
}
