package org.sdlgm.eval;

/**
 * Per-class means of a per-example quantity (for example nnz or L̂ per class, reported when labels
 * exist, to see whether sparsity acts as a class code). Labels must lie in {@code 0..numClasses-1};
 * a class with no examples gets NaN, so "absent" cannot be mistaken for a mean of zero.
 */
public final class PerClass {
  private PerClass() {}

  /** Mean of {@code values} within each class; NaN for empty classes. */
  public static double[] means(int[] values, int[] labels, int numClasses) {
    double[] v = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      v[i] = values[i];
    }
    return means(v, labels, numClasses);
  }

  /** Mean of {@code values} within each class; NaN for empty classes. */
  public static double[] means(double[] values, int[] labels, int numClasses) {
    if (values.length != labels.length) {
      throw new IllegalArgumentException(
          "lengths differ: " + values.length + " vs " + labels.length);
    }
    if (numClasses < 0) {
      throw new IllegalArgumentException("numClasses must be >= 0: " + numClasses);
    }
    double[] sum = new double[numClasses];
    long[] cnt = new long[numClasses];
    for (int i = 0; i < values.length; i++) {
      int y = labels[i];
      if (y < 0 || y >= numClasses) {
        throw new IllegalArgumentException(
            "label[" + i + "] = " + y + " outside 0.." + (numClasses - 1));
      }
      sum[y] += values[i];
      cnt[y]++;
    }
    double[] out = new double[numClasses];
    for (int c = 0; c < numClasses; c++) {
      out[c] = cnt[c] == 0 ? Double.NaN : sum[c] / cnt[c];
    }
    return out;
  }
}
