package org.sdlgm.engine;

/**
 * The per-step selection KLs of docs/model.md, kl_j = KL(softmax(α over R_j) ‖ softmax(β over R_j))
 * with R_j the dimensions outside the sampled prefix o_1..o_{j−1}, evaluated for a batch in plain
 * arrays together with their vector-Jacobian product — what {@code GumbelSoftmax.stepKl} (in the
 * model package) computes with about 25 libtorch operations (and twice that backward), and the same
 * closed form: with e_k = exp(α_k − max α), every sum over R_j is the sum outside the whole prefix
 * plus a suffix sum over the prefix positions, all of positive terms. The prefix itself — the top
 * {@code steps} dimensions of the keys, {@link #order} — is not differentiated (docs/model.md,
 * choice 6).
 *
 * <p>The gradient has a closed form too: ∂kl_j/∂α_k = p_jk (log p_jk − log q_jk − kl_j) and
 * ∂kl_j/∂β_k = q_jk − p_jk on R_j, so for each dimension only the sums over the steps whose R_j
 * contain it are needed: all steps for a dimension outside the prefix, steps up to its position for
 * one inside. O(B·(K + steps)) forward and backward.
 */
public final class SelectionKl {
  /** e_k clamped at e^−80, as GumbelSoftmax.stepKl (never denormal). */
  private static final float CLAMP = -80f;

  private final int rows;
  private final int k;
  private final int steps;
  private final float[] alpha;
  private final float[] beta;
  private final int[] order;

  /** Per row and step: Σ_{R_j} e, and with a β, Σ_{R_j} e^β. */
  private final double[] z;

  private final double[] zb;
  private final float[] kl;

  /**
   * e = exp(α − max α) clamped at e^−80, (rows, K), and max α per row; the backward reuses both.
   */
  private final float[] e;

  private final float[] rowMax;

  /** The same for β (null for the uniform prior), and max β. */
  private final float[] eb;

  private final float mb;

  /**
   * Runs the forward pass.
   *
   * @param alpha selection logits (rows, K) row-major
   * @param beta selection prior logits (K), or null for the uniform prior
   * @param order per row the first {@code steps} dimensions of the keys in descending order, (rows,
   *     steps) row-major ({@link #order})
   */
  SelectionKl(float[] alpha, float[] beta, int[] order, int rows, int k, int steps) {
    if (alpha.length != rows * k
        || order.length != rows * steps
        || (beta != null && beta.length != k)) {
      throw new IllegalArgumentException(
          "alpha "
              + alpha.length
              + " / order "
              + order.length
              + " / beta "
              + (beta == null ? "-" : beta.length)
              + " do not fit "
              + rows
              + " rows, K = "
              + k
              + ", "
              + steps
              + " steps");
    }
    this.rows = rows;
    this.k = k;
    this.steps = steps;
    this.alpha = alpha;
    this.beta = beta;
    this.order = order;
    z = new double[rows * steps];
    zb = beta == null ? null : new double[rows * steps];
    kl = new float[rows * steps];
    e = new float[rows * k];
    rowMax = new float[rows];
    eb = beta == null ? null : new float[k];
    mb = beta == null ? 0f : exps(beta, 0, k, eb);
    boolean[] inPrefix = new boolean[k];
    for (int r = 0; r < rows; r++) {
      forwardRow(r, inPrefix);
    }
  }

  /** kl_j per row and step, (rows, steps) row-major. */
  float[] kl() {
    return kl;
  }

  /**
   * Per row, the {@code steps} largest of {@code keys} (rows, K) in descending order, as indices
   * (rows, steps) — the prefix of the ordered draws (Gumbel-top-k).
   */
  public static int[] order(float[] keys, int rows, int k, int steps) {
    int[] out = new int[rows * steps];
    float[] top = new float[steps];
    int[] idx = new int[steps];
    for (int r = 0; r < rows; r++) {
      int n = 0;
      for (int i = 0; i < k; i++) {
        float v = keys[r * k + i];
        if (n == steps && !(v > top[steps - 1])) {
          continue;
        }
        int pos = n == steps ? steps - 1 : n++;
        while (pos > 0 && v > top[pos - 1]) {
          top[pos] = top[pos - 1];
          idx[pos] = idx[pos - 1];
          pos--;
        }
        top[pos] = v;
        idx[pos] = i;
      }
      System.arraycopy(idx, 0, out, r * steps, steps);
    }
    return out;
  }

  private void forwardRow(int r, boolean[] inPrefix) {
    int ab = r * k;
    int ob = r * steps;
    float mx = exps(alpha, ab, k, e);
    rowMax[r] = mx;
    for (int t = 0; t < steps; t++) {
      inPrefix[order[ob + t]] = true;
    }
    // Sums outside the prefix, of e, e·(α − max α) and, with a β, e·(β − max β) and e^β.
    double zo = 0;
    double so = 0;
    double sbo = 0;
    double zbo = 0;
    for (int i = 0; i < k; i++) {
      if (!inPrefix[i]) {
        zo += e[ab + i];
        so += e[ab + i] * (alpha[ab + i] - mx);
        if (beta != null) {
          sbo += e[ab + i] * (beta[i] - mb);
          zbo += eb[i];
        }
      }
    }
    for (int t = 0; t < steps; t++) {
      inPrefix[order[ob + t]] = false;
    }
    // Suffix sums over the prefix positions: R_j = outside ∪ {o_j, …, o_steps}.
    double zs = zo;
    double ss = so;
    double sbs = sbo;
    double zbs = zbo;
    for (int t = steps - 1; t >= 0; t--) {
      int o = order[ob + t];
      zs += e[ab + o];
      ss += e[ab + o] * (alpha[ab + o] - mx);
      double klt = ss / zs - Math.log(zs);
      if (beta == null) {
        klt += Math.log(k - t);
      } else {
        sbs += e[ab + o] * (beta[o] - mb);
        zbs += eb[o];
        klt += -sbs / zs + Math.log(zbs);
        zb[ob + t] = zbs;
      }
      z[ob + t] = zs;
      kl[ob + t] = (float) klt;
    }
  }

  /**
   * Adds the vector-Jacobian product for ∂loss/∂kl (rows, steps) to {@code gradAlpha} (rows, K)
   * and, with a β, {@code gradBeta} (K).
   */
  void backward(float[] gradKl, float[] gradAlpha, float[] gradBeta) {
    boolean[] inPrefix = new boolean[k];
    double[] aAt = new double[steps];
    double[] dAt = new double[steps];
    double[] abAt = new double[steps];
    for (int r = 0; r < rows; r++) {
      int ab = r * k;
      int ob = r * steps;
      float mx = rowMax[r];
      // Over steps j (where k ∈ R_j): A = Σ g_j/Z_j, D = Σ g_j·d_j/Z_j, AB = Σ g_j/ZB_j, with
      // log p_jk − log q_jk − kl_j = (α_k − max α) − (β_k − max β) − d_j.
      double a = 0;
      double d = 0;
      double ab2 = 0;
      for (int t = 0; t < steps; t++) {
        double g = gradKl[ob + t];
        double zt = z[ob + t];
        double dt =
            Math.log(zt) + kl[ob + t] - (beta == null ? Math.log(k - t) : Math.log(zb[ob + t]));
        a += g / zt;
        d += g * dt / zt;
        if (beta != null) {
          ab2 += g / zb[ob + t];
        }
        aAt[t] = a;
        dAt[t] = d;
        abAt[t] = ab2;
      }
      // Outside the prefix every step counts; at prefix position t, steps 1..t.
      for (int t = 0; t < steps; t++) {
        inPrefix[order[ob + t]] = true;
      }
      float fa = (float) a;
      float fd = (float) d;
      float fab = (float) ab2;
      for (int i = 0; i < k; i++) {
        if (inPrefix[i]) {
          continue;
        }
        float rel = alpha[ab + i] - mx - (beta == null ? 0f : beta[i] - mb);
        gradAlpha[ab + i] += e[ab + i] * (rel * fa - fd);
        if (gradBeta != null) {
          gradBeta[i] += eb[i] * fab - e[ab + i] * fa;
        }
      }
      for (int t = 0; t < steps; t++) {
        int o = order[ob + t];
        inPrefix[o] = false;
        float rel = alpha[ab + o] - mx - (beta == null ? 0f : beta[o] - mb);
        gradAlpha[ab + o] += e[ab + o] * (rel * (float) aAt[t] - (float) dAt[t]);
        if (gradBeta != null) {
          gradBeta[o] += eb[o] * (float) abAt[t] - e[ab + o] * (float) aAt[t];
        }
      }
    }
  }

  private static float max(float[] x, int from, int n) {
    float mx = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      mx = Math.max(mx, x[from + i]);
    }
    return mx;
  }

  /**
   * out[from + i] = exp(max(x[from + i] − max x, −80)) for i < n, the maximum taken over x[from,
   * from + n), which is returned.
   */
  private static float exps(float[] x, int from, int n, float[] out) {
    float mx = max(x, from, n);
    for (int i = 0; i < n; i++) {
      out[from + i] = (float) Math.exp(Math.max(x[from + i] - mx, CLAMP));
    }
    return mx;
  }
}
