package org.sdlgm.eval;

/**
 * Summary of a distribution of non-negative integer counts that the model keeps at or below a cap —
 * the number of non-zeros per example (cap L0) or the chosen level L̂ per example. Holds mean,
 * population standard deviation, median (mean of the two middle values when n is even), min, max,
 * the share of examples exactly at the cap and a histogram indexed by count ({@code
 * histogram.length == cap + 1}). Counts above the cap are not clipped: they still set {@code max}
 * and are tallied in {@code overflow}, so a caller can assert {@code max <= cap} instead of having
 * a violation hidden. With n = 0 the moments are NaN and min = max = 0. Serialises with Jackson as
 * a plain record.
 */
public record CountStats(
    int n,
    int cap,
    double mean,
    double std,
    double median,
    int min,
    int max,
    double shareAtCap,
    int[] histogram,
    int overflow) {

  /** Summarise {@code counts} (each ≥ 0) against {@code cap} (≥ 0). */
  public static CountStats of(int[] counts, int cap) {
    if (cap < 0) {
      throw new IllegalArgumentException("cap must be >= 0: " + cap);
    }
    int n = counts.length;
    int[] hist = new int[cap + 1];
    int overflow = 0;
    int atCap = 0;
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    double sum = 0;
    for (int c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("negative count: " + c);
      }
      if (c <= cap) {
        hist[c]++;
      } else {
        overflow++;
      }
      if (c == cap) {
        atCap++;
      }
      min = Math.min(min, c);
      max = Math.max(max, c);
      sum += c;
    }
    if (n == 0) {
      return new CountStats(0, cap, Double.NaN, Double.NaN, Double.NaN, 0, 0, Double.NaN, hist, 0);
    }
    double mean = sum / n;
    double ss = 0;
    for (int c : counts) {
      ss += (c - mean) * (c - mean);
    }
    // Two passes rather than Σc² − n·mean² to avoid cancellation on large n.
    double std = Math.sqrt(ss / n);
    int[] sorted = counts.clone();
    java.util.Arrays.sort(sorted);
    double median =
        (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + (double) sorted[n / 2]) / 2.0;
    return new CountStats(n, cap, mean, std, median, min, max, atCap / (double) n, hist, overflow);
  }
}
