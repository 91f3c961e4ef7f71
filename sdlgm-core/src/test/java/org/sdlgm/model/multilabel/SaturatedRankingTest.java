package org.sdlgm.model.multilabel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.eval.multilabel.MultiLabelEvaluation;
import org.sdlgm.eval.multilabel.TaggerEvaluator;

/**
 * Rankings follow the logits α even where br-mlp's float32 probabilities σ(α) saturate (σ(α) is
 * exactly 1.0f from α ≈ 16.6 on and 0.0f far below zero, here at α = −110): labels with α = 17, 20,
 * 30 rank 2, 1, 0 in {@code predict}'s {@code ranked} list, in its top-k set and in P@k / nDCG@k,
 * while the written scores stay the probabilities. Genuine ties of α still go to the lower label
 * index.
 */
class SaturatedRankingTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  private static final int FEATURES = 20;

  /** α for labels 0..6: three saturate at 1.0f, two at 0.0f, and labels 5 and 6 tie exactly. */
  private static final float[] ALPHA = {17f, 20f, 30f, -110f, -120f, 0f, 0f};

  /** Labels by α, best first; the tie of labels 5 and 6 broken by the lower index. */
  private static final int[] ORDER = {2, 1, 0, 5, 6, 3, 4};

  /**
   * A br-mlp tagger (one hidden layer of 2) whose α is {@link #ALPHA} for every input: all weights
   * zero, the hidden bias 1 (so ReLU passes it on) and the label head's bias α.
   */
  private static Tagger constantTagger(TaggerMethod method, int topK) {
    TaggerConfig config =
        TaggerConfig.builder()
            .method(method)
            .numFeatures(FEATURES)
            .numLabels(ALPHA.length)
            .hidden(List.of(2))
            .maxLevel(3)
            .minLevel(1)
            .topK(topK)
            .build();
    Tagger t = Tagger.create(config);
    for (Pair<String, Parameter> p : t.block().getParameters()) {
      NDArray a = p.getValue().getArray();
      float[] v = new float[Math.toIntExact(a.size())];
      if (p.getKey().contains("labelHead") && p.getKey().endsWith("bias")) {
        v = ALPHA.clone();
      } else if (p.getKey().contains("trunk") && p.getKey().endsWith("bias")) {
        java.util.Arrays.fill(v, 1f);
      }
      a.set(FloatBuffer.wrap(v));
    }
    return t;
  }

  /** One row per truth set, each with a single non-zero feature (5% dense: read sparse). */
  private static MultiLabelDataset data(int[]... truth) {
    int n = truth.length;
    int[] rowPtr = new int[n + 1];
    int[] featIdx = new int[n];
    float[] featVal = new float[n];
    int[] labelPtr = new int[n + 1];
    int total = 0;
    for (int[] y : truth) {
      total += y.length;
    }
    int[] labelIdx = new int[total];
    int at = 0;
    for (int i = 0; i < n; i++) {
      rowPtr[i + 1] = i + 1;
      featIdx[i] = i % FEATURES;
      featVal[i] = 1f;
      System.arraycopy(truth[i], 0, labelIdx, at, truth[i].length);
      at += truth[i].length;
      labelPtr[i + 1] = at;
    }
    List<String> names = new java.util.ArrayList<>();
    for (int c = 0; c < ALPHA.length; c++) {
      names.add("l" + c);
    }
    return new MultiLabelDataset(
        "saturated", FEATURES, List.of(), names, rowPtr, featIdx, featVal, labelPtr, labelIdx);
  }

  @Test
  void brMlpRanksSaturatedProbabilitiesByTheirLogits() {
    try (Tagger t = constantTagger(TaggerMethod.BR_MLP, 2)) {
      MultiLabelDataset d = data(new int[] {2});
      FeatureTransform none = FeatureTransform.none(FEATURES);
      float[] x = new float[FEATURES];
      none.denseRows(d, new int[] {0}, 0, 1, x);
      Tagger.Scores dense = t.score(x, 1);
      Tagger.Scores sparse = t.score(none.sparseRows(d, new int[] {0}, 0, 1));
      for (Tagger.Scores s : List.of(dense, sparse)) {
        // The written scores are the probabilities, saturated as float32 makes them.
        assertArrayEquals(new float[] {1f, 1f, 1f, 0f, 0f, 0.5f, 0.5f}, s.labels(), 0f);
        LabelPrediction top = t.predict(s, SetRule.TOP_K, ALPHA.length)[0];
        assertArrayEquals(ORDER, top.ranked(), "ranked by α");
        assertArrayEquals(new int[] {2, 1}, top.labels(), "top-k set by α");
        assertArrayEquals(new float[] {1f, 1f, 1f, 0.5f, 0.5f, 0f, 0f}, top.rankedScores(), 0f);
        assertArrayEquals(new float[] {1f, 1f}, top.scores(), 0f);
        LabelPrediction th = t.predict(s, SetRule.THRESHOLD, 0)[0];
        assertEquals(3, th.level(), "σ(α) > 0.5");
        assertArrayEquals(new int[] {2, 1, 0}, th.labels());
      }
    }
  }

  @Test
  void brMlpMetricsRankSaturatedLabelsByTheirLogits() {
    try (Tagger t = constantTagger(TaggerMethod.BR_MLP, 1)) {
      // Label 2 has the largest α: it is the top-1 label of every row.
      Map<SetRule, MultiLabelEvaluation> ev =
          new TaggerEvaluator(4).evaluate(t, data(new int[] {2}, new int[] {1, 2}));
      MultiLabelEvaluation top = ev.get(SetRule.TOP_K);
      assertEquals(1.0, top.p1(), 1e-12);
      assertEquals(1.0, top.ndcg1(), 1e-12);
      assertEquals(1.0, top.ndcg3(), 1e-12);
      assertEquals((1.0 / 3 + 2.0 / 3) / 2, top.p3(), 1e-12);
      // Top-1 sets {2} and {2}: F1 1 and 2/3.
      assertEquals((1.0 + 2.0 / 3) / 2, top.exampleF1(), 1e-12);
      assertEquals(top.p1(), ev.get(SetRule.THRESHOLD).p1(), 0);
    }
  }

  @Test
  void sdlgmRanksByTheLogitsItWrites() {
    for (TaggerMethod m : List.of(TaggerMethod.SDLGM, TaggerMethod.SDLGM_FIXED)) {
      try (Tagger t = constantTagger(m, 1)) {
        float[] x = new float[FEATURES];
        Tagger.Scores s = t.score(x, 1);
        assertArrayEquals(ALPHA, s.labels(), 0f, m + ": scores are α");
        LabelPrediction p = t.predict(s, t.config().setRules().get(0), ALPHA.length)[0];
        assertArrayEquals(ORDER, p.ranked(), m.toString());
      }
    }
  }
}
