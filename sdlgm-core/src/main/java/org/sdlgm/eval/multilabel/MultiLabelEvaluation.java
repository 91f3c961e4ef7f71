package org.sdlgm.eval.multilabel;

import java.util.Locale;

/**
 * Supervised (multi-label) test metrics of one run, with the conventions of docs/multilabel.md: P@k
 * and nDCG@k (k = 1, 3, 5; Extreme Classification repository definitions, IDCG over min(k, |Y|)
 * relevant items) are averaged over rows whose true set is non-empty, and {@code rowsWithoutLabels}
 * says how many rows were left out of those averages; example-based F1 counts 1 for a row where
 * truth and prediction are both empty; micro-F1 pools TP/FP/FN; {@code macroF1} averages per-label
 * F1 over all {@code numLabels} labels with 0/0 counted as 0 (scikit-learn's zero_division=0),
 * while {@code macroF1PresentLabels} averages only over labels that occur in the test truth;
 * Hamming loss is the mean of |Ŷ Δ Y| / C; subset accuracy the share of rows with Ŷ = Y; {@code
 * countAccuracy} the share with L̂ = |Y| and {@code countAccuracyClipped} the share with L̂ =
 * clip(|Y|, L_min, L0), the count target the model is trained on; {@code meanAbsCountError} is the
 * mean |L̂ − |Y||. A mean over an empty set of rows or labels (no rows; no labelled rows for
 * P@k/nDCG@k; no present label) is NaN rather than a made-up number. Serialises with Jackson as a
 * plain record; {@link #toText()} renders it for the CLI.
 */
public record MultiLabelEvaluation(
    double p1,
    double p3,
    double p5,
    double ndcg1,
    double ndcg3,
    double ndcg5,
    long rowsWithoutLabels,
    double exampleF1,
    double microF1,
    double macroF1,
    double macroF1PresentLabels,
    double hammingLoss,
    double subsetAccuracy,
    double countAccuracy,
    double countAccuracyClipped,
    double meanPredictedSetSize,
    double meanAbsCountError,
    long numRows,
    int numLabels) {

  /**
   * A compact, aligned two-column summary (metric name, value with 4 decimals) for the CLI. The
   * locale is fixed to ROOT so the decimal separator does not depend on the machine.
   */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "multi-label evaluation: %d rows, %d labels, %d rows without labels%n",
            numRows,
            numLabels,
            rowsWithoutLabels));
    row(sb, "P@1 / P@3 / P@5", p1, p3, p5);
    row(sb, "nDCG@1 / @3 / @5", ndcg1, ndcg3, ndcg5);
    row(sb, "example-F1", exampleF1);
    row(sb, "micro-F1", microF1);
    row(sb, "macro-F1 (all / present)", macroF1, macroF1PresentLabels);
    row(sb, "Hamming loss", hammingLoss);
    row(sb, "subset accuracy", subsetAccuracy);
    row(sb, "count acc (exact / clipped)", countAccuracy, countAccuracyClipped);
    row(sb, "mean predicted set size", meanPredictedSetSize);
    row(
        sb,
        "mean abs count error",
        meanAbsCountError); // ASCII: L̂ has a combining mark that breaks alignment
    return sb.toString();
  }

  private static void row(StringBuilder sb, String name, double... values) {
    sb.append(String.format(Locale.ROOT, "  %-28s", name));
    for (double v : values) {
      sb.append(String.format(Locale.ROOT, " %8.4f", v));
    }
    sb.append(System.lineSeparator());
  }
}
