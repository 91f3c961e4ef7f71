package org.sdlgm.eval;

import java.util.Arrays;

/**
 * Support recovery on synthetic data: how well the set of active code dimensions of each example
 * (P) matches the set of true atoms that generated it (T), after the learned atoms have been
 * matched to true ones. Precision and recall are micro-averaged over all rows (Σ|P∩T|/Σ|P| and
 * Σ|P∩T|/Σ|T|), so rows with larger supports weigh more; exactShare is the share of rows with P = T
 * as sets. Inputs are treated as sets: order and duplicates are ignored. A ratio whose denominator
 * is zero is NaN (undefined, not perfect).
 */
public record SupportMetrics(double precision, double recall, double exactShare) {

  /** Compare row by row; both arrays must have the same number of rows. */
  public static SupportMetrics of(int[][] predictedSets, int[][] trueSets) {
    if (predictedSets.length != trueSets.length) {
      throw new IllegalArgumentException(
          "row counts differ: " + predictedSets.length + " vs " + trueSets.length);
    }
    long inter = 0;
    long sumP = 0;
    long sumT = 0;
    long exact = 0;
    for (int r = 0; r < predictedSets.length; r++) {
      int[] p = distinctSorted(predictedSets[r]);
      int[] t = distinctSorted(trueSets[r]);
      int common = intersectionSize(p, t);
      inter += common;
      sumP += p.length;
      sumT += t.length;
      if (p.length == t.length && common == p.length) {
        exact++;
      }
    }
    int n = predictedSets.length;
    return new SupportMetrics(
        sumP == 0 ? Double.NaN : inter / (double) sumP,
        sumT == 0 ? Double.NaN : inter / (double) sumT,
        n == 0 ? Double.NaN : exact / (double) n);
  }

  private static int[] distinctSorted(int[] a) {
    return Arrays.stream(a).distinct().sorted().toArray();
  }

  private static int intersectionSize(int[] a, int[] b) {
    int i = 0;
    int j = 0;
    int c = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        c++;
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return c;
  }
}
