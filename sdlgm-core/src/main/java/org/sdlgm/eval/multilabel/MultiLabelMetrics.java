package org.sdlgm.eval.multilabel;

import java.util.Objects;

/**
 * Computes {@link MultiLabelEvaluation} from per-row truth sets, predicted sets, per-label scores
 * and predicted levels L̂, with the definitions of docs/multilabel.md ("The model", Metrics).
 * Labels are 0-based indices in [0, numLabels); a set may be given in any order but must not repeat
 * a label (IllegalArgumentException — a duplicate would silently inflate |Ŷ| and TP). The ranking
 * for P@k and nDCG@k sorts labels by descending score and breaks ties by the lower label index
 * first, so results are deterministic when a model emits equal scores; pass scores that tie only
 * where the model's preference does (logits, not float32 probabilities: σ(α) rounds to exactly 1
 * for every α above ≈ 16.6, which would order those labels by index — {@link TaggerEvaluator}
 * passes α). NaN scores are rejected because they have no place in a ranking. {@link #evaluate} is
 * a thin loop over the streaming {@link Accumulator}, which holds only O(numLabels) state, so
 * millions of rows can be evaluated without materialising arrays.
 */
public final class MultiLabelMetrics {

  /** The cut-offs of P@k and nDCG@k, fixed by docs/multilabel.md. */
  private static final int[] KS = {1, 3, 5};

  private static final int MAX_K = 5;

  private MultiLabelMetrics() {}

  /**
   * Evaluates all rows at once. {@code truth[i]}, {@code predictedSets[i]} are label sets, {@code
   * scores[i]} has exactly {@code numLabels} entries, {@code predictedLevels[i]} is the L̂ used for
   * count accuracy; {@code lMin} and {@code l0} give the clip for the clipped count accuracy. All
   * arrays must have the same number of rows.
   */
  public static MultiLabelEvaluation evaluate(
      int[][] truth,
      int[][] predictedSets,
      float[][] scores,
      int[] predictedLevels,
      int numLabels,
      int lMin,
      int l0) {
    Objects.requireNonNull(truth, "truth");
    Objects.requireNonNull(predictedSets, "predictedSets");
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(predictedLevels, "predictedLevels");
    int n = truth.length;
    if (predictedSets.length != n || scores.length != n || predictedLevels.length != n) {
      throw new IllegalArgumentException(
          String.format(
              "row counts differ: truth %d, predictedSets %d, scores %d, predictedLevels %d",
              n, predictedSets.length, scores.length, predictedLevels.length));
    }
    Accumulator acc = new Accumulator(numLabels, lMin, l0);
    for (int i = 0; i < n; i++) {
      acc.add(truth[i], predictedSets[i], scores[i], predictedLevels[i]);
    }
    return acc.result();
  }

  /**
   * Streaming form of {@link MultiLabelMetrics#evaluate}: add one row at a time, then call {@link
   * #result()} (which may be called any number of times; it does not reset the state). State is a
   * few running sums plus per-label TP/FP/FN counters, so memory is O(numLabels) regardless of the
   * number of rows. Not thread-safe: use one accumulator per thread.
   */
  public static final class Accumulator {
    private final int numLabels;
    private final int lMin;
    private final int l0;

    // Per-label pooled counts; long because rows × labels can exceed int on large test sets.
    private final long[] tp;
    private final long[] fp;
    private final long[] fn;
    // Scratch membership marks for the current row's truth / prediction, reset after each row
    // so add() costs O(|Y| + |Ŷ| + numLabels·k) instead of allocating per row.
    private final boolean[] inTruth;
    private final boolean[] inPred;
    private final int[] topK = new int[MAX_K];
    // 1 / log2(r + 1) for rank r = 1..MAX_K, and the running IDCG for min(k, |Y|) items.
    private final double[] discount = new double[MAX_K + 1];
    private final double[] idealPrefix = new double[MAX_K + 1];

    private long numRows;
    private long labelledRows;
    private final double[] sumP = new double[KS.length];
    private final double[] sumNdcg = new double[KS.length];
    private double sumExampleF1;
    private double sumHamming;
    private long subsetHits;
    private long countHits;
    private long countHitsClipped;
    private long sumPredSize;
    private long sumAbsCountError;

    /** A fresh accumulator for {@code numLabels} (≥ 1) labels and clip bounds 0 ≤ lMin ≤ l0. */
    public Accumulator(int numLabels, int lMin, int l0) {
      if (numLabels < 1) {
        throw new IllegalArgumentException("numLabels must be >= 1: " + numLabels);
      }
      if (lMin < 0 || lMin > l0) {
        throw new IllegalArgumentException("need 0 <= lMin <= l0: lMin=" + lMin + ", l0=" + l0);
      }
      this.numLabels = numLabels;
      this.lMin = lMin;
      this.l0 = l0;
      tp = new long[numLabels];
      fp = new long[numLabels];
      fn = new long[numLabels];
      inTruth = new boolean[numLabels];
      inPred = new boolean[numLabels];
      for (int r = 1; r <= MAX_K; r++) {
        discount[r] = 1.0 / log2(r + 1);
        idealPrefix[r] = idealPrefix[r - 1] + discount[r];
      }
    }

    /**
     * Adds one row: true set {@code truth}, predicted set {@code predicted}, one score per label in
     * {@code scores} (length numLabels) and the predicted level {@code level} (L̂ ≥ 0). Validation
     * happens before any state changes, so a rejected row leaves the totals intact.
     */
    public void add(int[] truth, int[] predicted, float[] scores, int level) {
      Objects.requireNonNull(truth, "truth");
      Objects.requireNonNull(predicted, "predicted");
      Objects.requireNonNull(scores, "scores");
      if (scores.length != numLabels) {
        throw new IllegalArgumentException(
            "scores has " + scores.length + " entries, expected numLabels=" + numLabels);
      }
      if (level < 0) {
        throw new IllegalArgumentException("negative predicted level: " + level);
      }
      for (float s : scores) {
        if (Float.isNaN(s)) {
          throw new IllegalArgumentException("NaN score: rankings are undefined");
        }
      }
      try {
        mark(truth, inTruth, "truth");
        mark(predicted, inPred, "predicted");
        accumulate(truth, predicted, scores, level);
      } finally {
        // Always clear the scratch marks, also after a rejected row.
        for (int c : truth) {
          if (c >= 0 && c < numLabels) {
            inTruth[c] = false;
          }
        }
        for (int c : predicted) {
          if (c >= 0 && c < numLabels) {
            inPred[c] = false;
          }
        }
      }
    }

    private void mark(int[] set, boolean[] marks, String what) {
      for (int c : set) {
        if (c < 0 || c >= numLabels) {
          throw new IllegalArgumentException(
              what + " label " + c + " outside [0, " + numLabels + ")");
        }
        if (marks[c]) {
          throw new IllegalArgumentException("duplicate " + what + " label " + c);
        }
        marks[c] = true;
      }
    }

    private void accumulate(int[] truth, int[] predicted, float[] scores, int level) {
      int ySize = truth.length;
      int pSize = predicted.length;
      int inter = 0;
      for (int c : predicted) {
        if (inTruth[c]) {
          inter++;
          tp[c]++;
        } else {
          fp[c]++;
        }
      }
      for (int c : truth) {
        if (!inPred[c]) {
          fn[c]++;
        }
      }
      numRows++;
      // Both empty is a perfect prediction, per the convention of docs/multilabel.md.
      sumExampleF1 += (ySize + pSize == 0) ? 1.0 : 2.0 * inter / (ySize + pSize);
      sumHamming += (double) (ySize + pSize - 2 * inter) / numLabels;
      if (inter == ySize && inter == pSize) {
        subsetHits++;
      }
      sumPredSize += pSize;
      if (level == ySize) {
        countHits++;
      }
      if (level == Math.max(lMin, Math.min(ySize, l0))) {
        countHitsClipped++;
      }
      sumAbsCountError += Math.abs((long) level - ySize);

      if (ySize == 0) {
        return; // P@k/nDCG@k are undefined without relevant items; counted in rowsWithoutLabels.
      }
      labelledRows++;
      int m = selectTopK(scores);
      double hits = 0;
      double dcg = 0;
      int ki = 0;
      for (int r = 1; r <= MAX_K; r++) {
        if (r <= m && inTruth[topK[r - 1]]) {
          hits++;
          dcg += discount[r];
        }
        if (r == KS[ki]) {
          sumP[ki] += hits / r;
          sumNdcg[ki] += dcg / idealPrefix[Math.min(r, ySize)];
          ki++;
          if (ki == KS.length) {
            break;
          }
        }
      }
    }

    /**
     * Fills {@code topK} with the best min(MAX_K, numLabels) labels, best first: higher score wins,
     * equal scores go to the lower index. Scanning indices in increasing order and only displacing
     * an entry on a strictly greater score gives exactly that tie-break, at O(C·k) cost without
     * sorting all C labels.
     */
    private int selectTopK(float[] scores) {
      int m = 0;
      for (int c = 0; c < numLabels; c++) {
        float s = scores[c];
        if (m == MAX_K && !(s > scores[topK[MAX_K - 1]])) {
          continue;
        }
        int pos = (m < MAX_K) ? m++ : MAX_K - 1;
        while (pos > 0 && s > scores[topK[pos - 1]]) {
          topK[pos] = topK[pos - 1];
          pos--;
        }
        topK[pos] = c;
      }
      return m;
    }

    /** The metrics over all rows added so far. */
    public MultiLabelEvaluation result() {
      double rows = numRows;
      double lab = labelledRows;
      long tpAll = 0;
      long fpAll = 0;
      long fnAll = 0;
      double sumF1 = 0;
      double sumF1Present = 0;
      int present = 0;
      for (int c = 0; c < numLabels; c++) {
        tpAll += tp[c];
        fpAll += fp[c];
        fnAll += fn[c];
        double f1 = f1(tp[c], fp[c], fn[c]);
        sumF1 += f1;
        if (tp[c] + fn[c] > 0) { // the label occurs in the test truth
          sumF1Present += f1;
          present++;
        }
      }
      return new MultiLabelEvaluation(
          sumP[0] / lab,
          sumP[1] / lab,
          sumP[2] / lab,
          sumNdcg[0] / lab,
          sumNdcg[1] / lab,
          sumNdcg[2] / lab,
          numRows - labelledRows,
          sumExampleF1 / rows,
          numRows == 0 ? Double.NaN : f1(tpAll, fpAll, fnAll),
          numRows == 0 ? Double.NaN : sumF1 / numLabels,
          present == 0 ? Double.NaN : sumF1Present / present,
          sumHamming / rows,
          subsetHits / rows,
          countHits / rows,
          countHitsClipped / rows,
          sumPredSize / rows,
          sumAbsCountError / rows,
          numRows,
          numLabels);
    }
  }

  /** F1 = 2TP / (2TP + FP + FN), with 0/0 counted as 0 (scikit-learn zero_division=0). */
  private static double f1(long tp, long fp, long fn) {
    long den = 2 * tp + fp + fn;
    return den == 0 ? 0.0 : 2.0 * tp / den;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
