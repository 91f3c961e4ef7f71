package org.sdlgm.eval;

/**
 * Dictionary recovery on synthetic data: for each true atom, the largest absolute cosine similarity
 * with any learned atom (decoder column). The absolute value is used because the code values are
 * sign-symmetric, so an atom learned as −w is as good as w; scale does not matter either. Atoms are
 * given as rows ({@code atoms[k]} is atom k; transpose a D×K decoder matrix first). Zero-norm
 * learned atoms (unused dimensions) are skipped; if no learned atom is usable every score is 0. A
 * zero-norm true atom is a fixture error and is rejected. {@code share90} is the share of true
 * atoms recovered with |cos| ≥ 0.9.
 */
public record DictionaryRecovery(double mean, double min, double share90, double[] perAtom) {

  /** Score {@code learnedAtoms} against {@code trueAtoms}; all atoms must share one length. */
  public static DictionaryRecovery of(float[][] trueAtoms, float[][] learnedAtoms) {
    checkDims(trueAtoms, learnedAtoms);
    double[][] t = unitRows(trueAtoms, true);
    double[][] l = unitRows(learnedAtoms, false);
    double[] per = new double[t.length];
    double sum = 0;
    double min = t.length == 0 ? Double.NaN : Double.POSITIVE_INFINITY;
    int above = 0;
    for (int i = 0; i < t.length; i++) {
      double best = 0;
      for (double[] lj : l) {
        if (lj != null) {
          best = Math.max(best, Math.abs(dot(t[i], lj)));
        }
      }
      // Rounding can push |cos| of parallel unit vectors a hair past 1.
      best = Math.min(best, 1.0);
      per[i] = best;
      sum += best;
      min = Math.min(min, best);
      if (best >= 0.9) {
        above++;
      }
    }
    int n = t.length;
    return new DictionaryRecovery(
        n == 0 ? Double.NaN : sum / n, min, n == 0 ? Double.NaN : above / (double) n, per);
  }

  /** Share of true atoms whose best |cos| is at least {@code threshold}. */
  public double shareAbove(double threshold) {
    if (perAtom.length == 0) {
      return Double.NaN;
    }
    int c = 0;
    for (double v : perAtom) {
      if (v >= threshold) {
        c++;
      }
    }
    return c / (double) perAtom.length;
  }

  /**
   * For each learned atom, the index of the true atom with the largest |cos| (first on ties), or −1
   * for a zero-norm learned atom. Used to map active code dimensions to true atoms before computing
   * {@link SupportMetrics}.
   */
  public static int[] matchLearnedToTrue(float[][] trueAtoms, float[][] learnedAtoms) {
    checkDims(trueAtoms, learnedAtoms);
    double[][] t = unitRows(trueAtoms, true);
    double[][] l = unitRows(learnedAtoms, false);
    int[] match = new int[l.length];
    for (int j = 0; j < l.length; j++) {
      match[j] = -1;
      if (l[j] == null) {
        continue;
      }
      double best = -1;
      for (int i = 0; i < t.length; i++) {
        double c = Math.abs(dot(t[i], l[j]));
        if (c > best) {
          best = c;
          match[j] = i;
        }
      }
    }
    return match;
  }

  /** Rows scaled to unit norm in double precision; null for zero-norm rows when allowed. */
  private static double[][] unitRows(float[][] rows, boolean rejectZero) {
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      float[] r = rows[i];
      double ss = 0;
      for (float v : r) {
        ss += (double) v * v;
      }
      if (ss == 0 || !Double.isFinite(ss)) {
        if (rejectZero) {
          throw new IllegalArgumentException("true atom " + i + " has zero or non-finite norm");
        }
        continue;
      }
      double inv = 1.0 / Math.sqrt(ss);
      double[] u = new double[r.length];
      for (int d = 0; d < r.length; d++) {
        u[d] = r[d] * inv;
      }
      out[i] = u;
    }
    return out;
  }

  private static void checkDims(float[][] tr, float[][] lr) {
    int dim = -1;
    for (float[][] set : new float[][][] {tr, lr}) {
      for (float[] r : set) {
        if (dim < 0) {
          dim = r.length;
        } else if (r.length != dim) {
          throw new IllegalArgumentException("atoms differ in length: " + dim + " vs " + r.length);
        }
      }
    }
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int d = 0; d < a.length; d++) {
      s += a[d] * b[d];
    }
    return s;
  }
}
