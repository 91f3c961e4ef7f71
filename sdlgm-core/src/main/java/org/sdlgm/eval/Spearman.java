package org.sdlgm.eval;

import java.util.Arrays;

/**
 * Spearman rank correlation between two equally long samples: the Pearson correlation of their
 * ranks, with tied values given the average of the ranks they span (the usual "fractional ranking",
 * as in SciPy's {@code spearmanr}). Used to compare the per-example sparsity level L̂ with the true
 * level on synthetic data. Returns NaN when either side is constant (its ranks have zero variance,
 * so the correlation is undefined), when the samples are empty, or when either contains NaN (it has
 * no rank; SciPy's default {@code nan_policy='propagate'}). Ties are numeric equality, so −0.0 and
 * 0.0 share a rank.
 */
public final class Spearman {
  private Spearman() {}

  /** Spearman correlation of two samples of equal length; NaN when either side is constant. */
  public static double correlation(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "samples differ in length: " + a.length + " vs " + b.length);
    }
    if (a.length == 0 || hasNaN(a) || hasNaN(b)) {
      return Double.NaN;
    }
    return pearson(ranks(a), ranks(b));
  }

  /** Integer overload of {@link #correlation(double[], double[])} (counts such as L̂ and L). */
  public static double correlation(int[] a, int[] b) {
    return correlation(toDouble(a), toDouble(b));
  }

  private static boolean hasNaN(double[] x) {
    for (double v : x) {
      if (Double.isNaN(v)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Fractional (average) ranks, 1-based; ties (numerically equal values, so −0.0 and 0.0 too) share
   * the mean of the ranks they occupy. The input must not contain NaN.
   */
  static double[] ranks(double[] values) {
    int n = values.length;
    // Double.compare orders −0.0 before 0.0; adding 0.0 maps −0.0 to 0.0 so they tie.
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = values[i] + 0.0;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (i, j) -> Double.compare(x[i], x[j]));
    double[] r = new double[n];
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && Double.compare(x[order[j + 1]], x[order[i]]) == 0) {
        j++;
      }
      // positions i..j (0-based) hold equal values: each gets the mean 1-based rank.
      double avg = (i + j) / 2.0 + 1.0;
      for (int k = i; k <= j; k++) {
        r[order[k]] = avg;
      }
      i = j + 1;
    }
    return r;
  }

  private static double pearson(double[] x, double[] y) {
    int n = x.length;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      double dx = x[i] - mx;
      double dy = y[i] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    // Ranks of a constant sample are all equal, so the variance is exactly zero.
    if (sxx == 0 || syy == 0) {
      return Double.NaN;
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  private static double[] toDouble(int[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }
}
