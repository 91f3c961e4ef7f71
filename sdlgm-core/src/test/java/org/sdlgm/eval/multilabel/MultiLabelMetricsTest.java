package org.sdlgm.eval.multilabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultiLabelMetricsTest {

  private static final double EPS = 1e-12;

  private static double lg(double x) {
    return Math.log(x) / Math.log(2);
  }

  /*
   * Main fixture: C = 6 labels (0..5), lMin = 1, l0 = 3, five rows.
   *
   * Row A: Y={0,2}, Ŷ={0,1}, L̂=2, scores [.9,.8,.7,.1,.2,.3] → ranking 0,1,2,5,4,3
   *   P@1=1, P@3=2/3 ({0,1,2}), P@5=2/5
   *   DCG@1=1 → nDCG@1=1; DCG@3 = 1 + 1/log2(4); IDCG over min(3,2)=2 items = 1 + 1/log2(3);
   *   nDCG@5 same as @3 (ranks 4,5 hold 5,4 — not relevant; IDCG still 2 items)
   *   F1 = 2·1/(2+2) = 1/2; |ŶΔY| = |{1,2}| = 2; Ŷ≠Y; L̂=|Y|=2 ✓, clip(2,1,3)=2 ✓; |err|=0
   * Row B: Y={3}, Ŷ={3}, L̂=1, scores [.5,.5,.1,.5,0,0] — three-way tie at .5 broken by lower
   *   index → ranking 0,1,3,2,4,5 (higher-index-first would put 3 at rank 1 and give P@1=1)
   *   P@1=0, P@3=1/3, P@5=1/5; nDCG@1=0, nDCG@3 = nDCG@5 = (1/log2(4))/1 = 1/2
   *   F1 = 1; Δ=0; Ŷ=Y; L̂=|Y|=1 ✓, clip(1,1,3)=1 ✓; |err|=0
   * Row C: Y={1,4,5,2} (|Y|=4 > l0), Ŷ={4,1,3}, L̂=3, scores [0,.6,.2,.3,.9,.1]
   *   → ranking 4,1,3,2,5,0
   *   P@1=1, P@3=2/3, P@5=4/5
   *   nDCG@3 = (1 + 1/log2 3) / (1 + 1/log2 3 + 1/log2 4)           (IDCG over min(3,4)=3)
   *   nDCG@5 = (1 + 1/log2 3 + 1/log2 5 + 1/log2 6) / (1 + 1/log2 3 + 1/log2 4 + 1/log2 5)
   *                                                                  (IDCG over min(5,4)=4)
   *   F1 = 2·2/(3+4) = 4/7; Δ = {3} ∪ {2,5} = 3; Ŷ≠Y; L̂=3≠4 ✗, clip(4,1,3)=3 ✓; |err|=1
   * Row D: Y={}, Ŷ={}, L̂=0: excluded from P@k/nDCG; F1=1 (both empty); Δ=0; Ŷ=Y;
   *   L̂=0=|Y| ✓, clip(0,1,3)=1 ✗; |err|=0
   * Row E: Y={}, Ŷ={5}, L̂=1: excluded; F1=0; Δ=1; Ŷ≠Y; L̂=1≠0 ✗, clip(0,1,3)=1 ✓; |err|=1
   *
   * Per label (TP,FP,FN): 0:(1,0,0) F1=1; 1:(1,1,0) F1=2/3; 2:(0,0,2) F1=0; 3:(1,1,0) F1=2/3;
   *   4:(1,0,0) F1=1; 5:(0,1,1) F1=0.
   * Pooled TP=4, FP=3, FN=3 → micro-F1 = 8/14 = 4/7 ≈ .571; macro-F1 = (10/3)/6 = 5/9 ≈ .556.
   */
  static final int C = 6;
  static final int LMIN = 1;
  static final int L0 = 3;
  static final int[][] TRUTH = {{0, 2}, {3}, {1, 4, 5, 2}, {}, {}};
  static final int[][] PRED = {{0, 1}, {3}, {4, 1, 3}, {}, {5}};
  static final float[][] SCORES = {
    {.9f, .8f, .7f, .1f, .2f, .3f},
    {.5f, .5f, .1f, .5f, 0f, 0f},
    {0f, .6f, .2f, .3f, .9f, .1f},
    {0f, 0f, 0f, 0f, 0f, 0f},
    {0f, 0f, 0f, 0f, 0f, 1f},
  };
  static final int[] LEVELS = {2, 1, 3, 0, 1};

  static MultiLabelEvaluation fixture() {
    return MultiLabelMetrics.evaluate(TRUTH, PRED, SCORES, LEVELS, C, LMIN, L0);
  }

  @Test
  void precisionAndNdcgAtK() {
    MultiLabelEvaluation e = fixture();
    // Averaged over the 3 labelled rows A, B, C.
    assertEquals((1 + 0 + 1) / 3.0, e.p1(), EPS);
    assertEquals((2 / 3.0 + 1 / 3.0 + 2 / 3.0) / 3, e.p3(), EPS); // 5/9
    assertEquals((2 / 5.0 + 1 / 5.0 + 4 / 5.0) / 3, e.p5(), EPS); // 7/15
    double ndcgA = (1 + 1 / lg(4)) / (1 + 1 / lg(3));
    double ndcgB = 0.5;
    double ndcgC3 = (1 + 1 / lg(3)) / (1 + 1 / lg(3) + 1 / lg(4));
    double ndcgC5 =
        (1 + 1 / lg(3) + 1 / lg(5) + 1 / lg(6)) / (1 + 1 / lg(3) + 1 / lg(4) + 1 / lg(5));
    assertEquals((1 + 0 + 1) / 3.0, e.ndcg1(), EPS);
    assertEquals((ndcgA + ndcgB + ndcgC3) / 3, e.ndcg3(), EPS);
    assertEquals((ndcgA + ndcgB + ndcgC5) / 3, e.ndcg5(), EPS);
    assertEquals(2, e.rowsWithoutLabels());
    assertEquals(5, e.numRows());
    assertEquals(C, e.numLabels());
  }

  @Test
  void setMetrics() {
    MultiLabelEvaluation e = fixture();
    assertEquals((0.5 + 1 + 4 / 7.0 + 1 + 0) / 5, e.exampleF1(), EPS);
    assertEquals(4 / 7.0, e.microF1(), EPS);
    assertEquals(5 / 9.0, e.macroF1(), EPS);
    // All six labels occur in the truth of rows A–C, so "present" = all here.
    assertEquals(5 / 9.0, e.macroF1PresentLabels(), EPS);
    assertEquals((2 / 6.0 + 0 + 3 / 6.0 + 0 + 1 / 6.0) / 5, e.hammingLoss(), EPS); // = 1/5
    assertEquals(2 / 5.0, e.subsetAccuracy(), EPS); // rows B, D
  }

  @Test
  void countAccuracyClippedVsUnclipped() {
    MultiLabelEvaluation e = fixture();
    assertEquals(3 / 5.0, e.countAccuracy(), EPS); // A, B, D
    assertEquals(4 / 5.0, e.countAccuracyClipped(), EPS); // A, B, C, E
    assertEquals((2 + 1 + 3 + 0 + 1) / 5.0, e.meanPredictedSetSize(), EPS);
    assertEquals((0 + 0 + 1 + 0 + 1) / 5.0, e.meanAbsCountError(), EPS);
  }

  @Test
  void emptyTrueSetRows() {
    // Only empty rows: P@k/nDCG have nothing to average → NaN; both-empty row scores F1 = 1.
    MultiLabelEvaluation bothEmpty =
        MultiLabelMetrics.evaluate(
            new int[][] {{}},
            new int[][] {{}},
            new float[][] {{0f, 0f, 0f}},
            new int[] {0},
            3,
            0,
            2);
    assertEquals(1, bothEmpty.rowsWithoutLabels());
    assertTrue(Double.isNaN(bothEmpty.p1()));
    assertTrue(Double.isNaN(bothEmpty.ndcg5()));
    assertEquals(1.0, bothEmpty.exampleF1(), EPS);
    assertEquals(1.0, bothEmpty.subsetAccuracy(), EPS);
    assertEquals(0.0, bothEmpty.hammingLoss(), EPS);
    // Nothing is true or predicted anywhere: micro 0/0 → 0, macro all 0, no present label.
    assertEquals(0.0, bothEmpty.microF1(), EPS);
    assertEquals(0.0, bothEmpty.macroF1(), EPS);
    assertTrue(Double.isNaN(bothEmpty.macroF1PresentLabels()));

    MultiLabelEvaluation predictedSomething =
        MultiLabelMetrics.evaluate(
            new int[][] {{}},
            new int[][] {{2}},
            new float[][] {{0f, 0f, 1f}},
            new int[] {1},
            3,
            0,
            2);
    assertEquals(0.0, predictedSomething.exampleF1(), EPS);
    assertEquals(1 / 3.0, predictedSomething.hammingLoss(), EPS);

    // In the mixed fixture the empty rows do not change P@1 = mean over rows A–C only.
    MultiLabelEvaluation e = fixture();
    assertEquals(2, e.rowsWithoutLabels());
    assertEquals(2 / 3.0, e.p1(), EPS); // would be 2/5 if empty rows counted as 0
  }

  @Test
  void macroOverAllLabelsVsPresentLabels() {
    // C=4. Row 1: Y={0}, Ŷ={0,2}; row 2: Y={1}, Ŷ={1}.
    // Label 0 (1,0,0) F1=1; label 1 (1,0,0) F1=1; label 2 (0,1,0) F1=0, not in truth;
    // label 3 (0,0,0) F1 = 0/0 → 0, not in truth.
    // macro all = (1+1+0+0)/4 = 1/2; present {0,1} = 1; micro = 2·2/(2·2+1+0) = 4/5.
    MultiLabelEvaluation e =
        MultiLabelMetrics.evaluate(
            new int[][] {{0}, {1}},
            new int[][] {{0, 2}, {1}},
            new float[][] {{1f, 0f, .5f, 0f}, {0f, 1f, 0f, 0f}},
            new int[] {2, 1},
            4,
            1,
            2);
    assertEquals(0.5, e.macroF1(), EPS);
    assertEquals(1.0, e.macroF1PresentLabels(), EPS);
    assertEquals(0.8, e.microF1(), EPS);
  }

  @Test
  void tiesBrokenByLowerLabelIndex() {
    // All scores equal: ranking is 0,1,2,3,4,5. Y={5}: rank 6 → P@5 = 0.
    // Y={4}: rank 5 → P@5 = 1/5, nDCG@5 = 1/log2(6), P@3 = 0.
    float[] flat = new float[6];
    MultiLabelEvaluation e5 =
        MultiLabelMetrics.evaluate(
            new int[][] {{5}}, new int[][] {{}}, new float[][] {flat}, new int[] {0}, 6, 0, 3);
    assertEquals(0.0, e5.p5(), EPS);
    assertEquals(0.0, e5.ndcg5(), EPS);
    MultiLabelEvaluation e4 =
        MultiLabelMetrics.evaluate(
            new int[][] {{4}}, new int[][] {{}}, new float[][] {flat}, new int[] {0}, 6, 0, 3);
    assertEquals(0.0, e4.p3(), EPS);
    assertEquals(1 / 5.0, e4.p5(), EPS);
    assertEquals(1 / lg(6), e4.ndcg5(), EPS);
    // Y={0}: ties put label 0 first → P@1 = 1.
    MultiLabelEvaluation e0 =
        MultiLabelMetrics.evaluate(
            new int[][] {{0}}, new int[][] {{}}, new float[][] {flat}, new int[] {0}, 6, 0, 3);
    assertEquals(1.0, e0.p1(), EPS);
  }

  @Test
  void fewerLabelsThanK() {
    // C=2 < 5: top-5 holds only 2 labels, P@5 still divides by 5. Y={1}, scores [.2,.8]:
    // P@1=1, P@3=1/3, P@5=1/5, nDCG@k = 1.
    MultiLabelEvaluation e =
        MultiLabelMetrics.evaluate(
            new int[][] {{1}},
            new int[][] {{1}},
            new float[][] {{.2f, .8f}},
            new int[] {1},
            2,
            0,
            2);
    assertEquals(1.0, e.p1(), EPS);
    assertEquals(1 / 3.0, e.p3(), EPS);
    assertEquals(1 / 5.0, e.p5(), EPS);
    assertEquals(1.0, e.ndcg5(), EPS);
  }

  @Test
  void duplicatesAndBadInputRejected() {
    float[] s = new float[4];
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MultiLabelMetrics.evaluate(
                new int[][] {{0}},
                new int[][] {{1, 1}},
                new float[][] {s},
                new int[] {2},
                4,
                0,
                2));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MultiLabelMetrics.evaluate(
                new int[][] {{0, 0}},
                new int[][] {{1}},
                new float[][] {s},
                new int[] {1},
                4,
                0,
                2));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MultiLabelMetrics.evaluate(
                new int[][] {{4}}, new int[][] {{1}}, new float[][] {s}, new int[] {1}, 4, 0, 2));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MultiLabelMetrics.evaluate(
                new int[][] {{0}},
                new int[][] {{1}},
                new float[][] {new float[3]},
                new int[] {1},
                4,
                0,
                2));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MultiLabelMetrics.evaluate(
                new int[][] {{0}},
                new int[][] {{1}},
                new float[][] {{0f, Float.NaN, 0f, 0f}},
                new int[] {1},
                4,
                0,
                2));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MultiLabelMetrics.evaluate(
                new int[][] {{0}}, new int[][] {}, new float[][] {s}, new int[] {1}, 4, 0, 2));
    assertThrows(IllegalArgumentException.class, () -> new MultiLabelMetrics.Accumulator(4, 3, 2));

    // A rejected row leaves the accumulator untouched (scratch marks cleared, no counts).
    MultiLabelMetrics.Accumulator acc = new MultiLabelMetrics.Accumulator(C, LMIN, L0);
    assertThrows(
        IllegalArgumentException.class,
        () -> acc.add(new int[] {0, 2}, new int[] {1, 1}, SCORES[0], 2));
    for (int i = 0; i < TRUTH.length; i++) {
      acc.add(TRUTH[i], PRED[i], SCORES[i], LEVELS[i]);
    }
    assertEquals(fixture(), acc.result());
  }

  @Test
  void accumulatorEqualsBatchAndBruteForceRanking() {
    Random rnd = new Random(42);
    int n = 2000;
    int c = 30;
    int[][] truth = new int[n][];
    int[][] pred = new int[n][];
    float[][] scores = new float[n][c];
    int[] levels = new int[n];
    for (int i = 0; i < n; i++) {
      truth[i] = randomSet(rnd, c, rnd.nextInt(8));
      pred[i] = randomSet(rnd, c, rnd.nextInt(5));
      levels[i] = rnd.nextInt(6);
      for (int j = 0; j < c; j++) {
        scores[i][j] = rnd.nextInt(4) / 4f; // few distinct values → many ties
      }
    }
    MultiLabelEvaluation batch = MultiLabelMetrics.evaluate(truth, pred, scores, levels, c, 1, 4);
    MultiLabelMetrics.Accumulator acc = new MultiLabelMetrics.Accumulator(c, 1, 4);
    for (int i = 0; i < n; i++) {
      acc.add(truth[i], pred[i], scores[i], levels[i]);
    }
    assertEquals(batch, acc.result());
    assertEquals(acc.result(), acc.result()); // result() does not consume state

    // Independent reference for the rankings: full stable sort by (−score, index).
    double[] p = new double[6];
    int labelled = 0;
    for (int i = 0; i < n; i++) {
      if (truth[i].length == 0) {
        continue;
      }
      labelled++;
      final float[] s = scores[i];
      Integer[] order = new Integer[c];
      for (int j = 0; j < c; j++) {
        order[j] = j;
      }
      Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> -s[j]).thenComparing(j -> j));
      boolean[] rel = new boolean[c];
      for (int y : truth[i]) {
        rel[y] = true;
      }
      int[] ks = {1, 3, 5};
      for (int q = 0; q < 3; q++) {
        int k = ks[q];
        double hits = 0;
        double dcg = 0;
        double idcg = 0;
        for (int r = 1; r <= k; r++) {
          if (rel[order[r - 1]]) {
            hits++;
            dcg += 1 / lg(r + 1);
          }
          if (r <= truth[i].length) {
            idcg += 1 / lg(r + 1);
          }
        }
        p[q] += hits / k;
        p[3 + q] += dcg / idcg;
      }
    }
    assertEquals(p[0] / labelled, batch.p1(), 1e-9);
    assertEquals(p[1] / labelled, batch.p3(), 1e-9);
    assertEquals(p[2] / labelled, batch.p5(), 1e-9);
    assertEquals(p[3] / labelled, batch.ndcg1(), 1e-9);
    assertEquals(p[4] / labelled, batch.ndcg3(), 1e-9);
    assertEquals(p[5] / labelled, batch.ndcg5(), 1e-9);
    assertEquals(n - labelled, batch.rowsWithoutLabels());
  }

  private static int[] randomSet(Random rnd, int c, int size) {
    int[] perm = new int[c];
    for (int j = 0; j < c; j++) {
      perm[j] = j;
    }
    for (int j = 0; j < size; j++) {
      int k = j + rnd.nextInt(c - j);
      int t = perm[j];
      perm[j] = perm[k];
      perm[k] = t;
    }
    return Arrays.copyOf(perm, size);
  }

  @Test
  void jsonRoundTrip() throws Exception {
    ObjectMapper om = new ObjectMapper();
    MultiLabelEvaluation e = fixture();
    String json = om.writeValueAsString(e);
    assertTrue(json.contains("\"macroF1PresentLabels\""), json);
    assertEquals(e, om.readValue(json, MultiLabelEvaluation.class));
    // NaN fields (no rows) survive the round trip too (Jackson writes them as "NaN").
    MultiLabelEvaluation empty = new MultiLabelMetrics.Accumulator(3, 0, 2).result();
    assertTrue(Double.isNaN(empty.p1()));
    assertEquals(empty, om.readValue(om.writeValueAsString(empty), MultiLabelEvaluation.class));
  }

  @Test
  void toTextListsEveryMetric() {
    String t = fixture().toText();
    for (String s :
        new String[] {
          "P@1",
          "nDCG@1",
          "example-F1",
          "micro-F1",
          "macro-F1",
          "Hamming",
          "subset",
          "count acc",
          "mean predicted set size",
          "5 rows",
          "6 labels"
        }) {
      assertTrue(t.contains(s), () -> s + " missing in\n" + t);
    }
    assertTrue(t.contains("0.6667"), t); // P@1 = 2/3 with 4 decimals, ROOT locale
  }
}
