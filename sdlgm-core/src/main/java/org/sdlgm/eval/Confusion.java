package org.sdlgm.eval;

/**
 * Confusion matrix between a predicted and a true integer quantity whose values run from 0 to a
 * known maximum on each side (for example the chosen level L̂ against the true L on synthetic
 * data). {@code counts[t][p]} is the number of examples with truth {@code t} and prediction {@code
 * p}; the two sides may have different ranges, so the matrix need not be square. Out-of-range
 * values are rejected rather than clipped, since clipping would silently misreport. {@link
 * #toText()} renders an aligned table for logs and reports.
 */
public record Confusion(int[][] counts) {

  /**
   * Tally {@code predicted} against {@code truth}; values must lie in {@code 0..maxPredicted} and
   * {@code 0..maxTruth} respectively.
   */
  public static Confusion of(int[] predicted, int[] truth, int maxPredicted, int maxTruth) {
    if (predicted.length != truth.length) {
      throw new IllegalArgumentException(
          "lengths differ: " + predicted.length + " vs " + truth.length);
    }
    if (maxPredicted < 0 || maxTruth < 0) {
      throw new IllegalArgumentException("maxima must be >= 0");
    }
    int[][] c = new int[maxTruth + 1][maxPredicted + 1];
    for (int i = 0; i < predicted.length; i++) {
      int p = predicted[i];
      int t = truth[i];
      if (p < 0 || p > maxPredicted) {
        throw new IllegalArgumentException(
            "predicted[" + i + "] = " + p + " outside 0.." + maxPredicted);
      }
      if (t < 0 || t > maxTruth) {
        throw new IllegalArgumentException("truth[" + i + "] = " + t + " outside 0.." + maxTruth);
      }
      c[t][p]++;
    }
    return new Confusion(c);
  }

  /** Total number of examples tallied. */
  public long total() {
    long s = 0;
    for (int[] row : counts) {
      for (int v : row) {
        s += v;
      }
    }
    return s;
  }

  /** Share of examples with prediction equal to truth; NaN when there are none. */
  public double exactMatchShare() {
    long diag = 0;
    for (int t = 0; t < counts.length; t++) {
      if (t < counts[t].length) {
        diag += counts[t][t];
      }
    }
    long tot = total();
    return tot == 0 ? Double.NaN : diag / (double) tot;
  }

  /**
   * Aligned text table: one row per true value (down), one column per predicted value (across),
   * headed {@code truth\pred}; every column is as wide as its widest entry.
   */
  public String toText() {
    int cols = counts.length == 0 ? 0 : counts[0].length;
    String corner = "truth\\pred";
    int w = 1;
    for (int[] row : counts) {
      for (int v : row) {
        w = Math.max(w, Integer.toString(v).length());
      }
    }
    w = Math.max(w, Integer.toString(Math.max(cols - 1, 0)).length());
    int w0 = Math.max(corner.length(), Integer.toString(Math.max(counts.length - 1, 0)).length());
    StringBuilder sb = new StringBuilder();
    sb.append(pad(corner, w0));
    for (int p = 0; p < cols; p++) {
      sb.append(' ').append(pad(Integer.toString(p), w));
    }
    sb.append('\n');
    for (int t = 0; t < counts.length; t++) {
      sb.append(pad(Integer.toString(t), w0));
      for (int p = 0; p < cols; p++) {
        sb.append(' ').append(pad(Integer.toString(counts[t][p]), w));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String pad(String s, int width) {
    return " ".repeat(Math.max(0, width - s.length())) + s;
  }
}
