package org.sdlgm.engine;

/**
 * The latent layer of one relaxed training pass of the SDLGM block ({@code model.SdlgmBlock}), from
 * the heads' outputs to the code and the three KL terms, evaluated in plain arrays together with
 * its vector-Jacobian product: the relaxed level ℓ = softmax((log q(L|x) + G)/τ) and its hard
 * argmax, the relaxed mask ({@link SuccessiveRelaxation}), the codes z = m ⊙ (μ + σ ⊙ ε) with log σ
 * bounded to [−8, 4], KL_L = Σ_l q_l (log q_l − log π_l), KL_S = Σ_j q(L ≥ j | x) kl_j ({@link
 * SelectionKl}) and KL_v (all dimensions or the selected ones). Through libtorch these are about
 * 170 small operations per pass and as many backward, each costing more in fixed overhead than in
 * arithmetic at these sizes (docs/model.md, choice 26); the matrix products around them stay in
 * libtorch.
 *
 * <p>It computes what the block's libtorch path computes — the same clamps, the same tie rules of
 * the element-wise maximum and minimum (half the gradient each at a tie) and of argmax (the first
 * maximum) — in float element-wise arithmetic, with exponentials and logarithms from {@link Math}
 * rounded to float and row sums accumulated in double. So the two paths agree to float rounding,
 * not bit for bit; {@code TapeTest} checks every parameter's gradient against libtorch's autograd.
 */
public final class RelaxedLatent {
  /** Bounds of log σ (as the blocks' boundedLogSigma). */
  private static final float LOG_SIGMA_MIN = -8f;

  private static final float LOG_SIGMA_MAX = 4f;

  private final int rows;
  private final int k;
  private final int steps;
  private final boolean klVSelected;
  private final SuccessiveRelaxation relaxation;
  private final SelectionKl selection;
  private final float[] mu;
  private final float[] logSigmaRaw;
  private final float[] eps;

  /** The mask z uses: the relaxed one, or the hard one with the straight-through estimator. */
  private final float[] zMask;

  /** μ + σ ε, σ, and the per-dimension Gaussian KL, (rows, K). */
  private final float[] value;

  private final float[] sigma;
  private final float[] klDim;
  private final float[] z;
  private final float[] klL;
  private final float[] klS;
  private final float[] klV;
  private final float[] levels;

  /** Level part (null for sdlgm-fixed): log q, q, the clamped scores' mask and ℓ, (rows, L0). */
  private final float[] logQ;

  private final float[] q;
  private final float[] level;
  private final float[] scoreWeight;

  /** log π over levels 1..L0 (null for sdlgm-fixed). */
  private final float[] logPrior;

  private final float invTau;

  /**
   * Runs the forward pass.
   *
   * @param keys r = α + G′, (rows, K)
   * @param prefix the top {@code steps} dimensions of the keys per row ({@link SelectionKl#order})
   * @param alpha selection logits (rows, K); beta their prior logits (K) or null (uniform)
   * @param levelLogits the level head's output (rows, L0), or null for sdlgm-fixed (L = L0)
   * @param levelNoise Gumbel noise for the level (rows, L0); unused when levelLogits is null
   * @param logPrior log π over levels 1..L0 (L0), or, with {@code learnedPrior}, its logits
   * @param mu the means (rows, K); logSigmaRaw the log-σ head's output before its bounds
   * @param eps standard normal noise (rows, K)
   */
  public RelaxedLatent(
      float[] keys,
      int[] prefix,
      float[] alpha,
      float[] beta,
      float[] levelLogits,
      float[] levelNoise,
      float[] logPrior,
      boolean learnedPrior,
      float[] mu,
      float[] logSigmaRaw,
      float[] eps,
      int rows,
      int k,
      int steps,
      double tau,
      boolean straightThrough,
      boolean klVSelected) {
    this.rows = rows;
    this.k = k;
    this.steps = steps;
    this.klVSelected = klVSelected;
    this.mu = mu;
    this.logSigmaRaw = logSigmaRaw;
    this.eps = eps;
    this.invTau = (float) (1.0 / tau);
    levels = new float[rows];
    klL = new float[rows];
    klS = new float[rows];
    klV = new float[rows];
    if (levelLogits != null) {
      logQ = new float[rows * steps];
      q = new float[rows * steps];
      level = new float[rows * steps];
      scoreWeight = new float[rows * steps];
      this.logPrior = learnedPrior ? logSoftmax(logPrior) : logPrior;
      levelForward(levelLogits, levelNoise);
    } else {
      logQ = null;
      q = null;
      level = null;
      scoreWeight = null;
      this.logPrior = null;
      java.util.Arrays.fill(levels, steps);
    }
    relaxation = new SuccessiveRelaxation(keys, level, rows, k, steps, tau);
    selection = new SelectionKl(alpha, beta, prefix, rows, k, steps);
    float[] kl = selection.kl();
    for (int r = 0; r < rows; r++) {
      // KL_S = Σ_j q(L ≥ j) kl_j, with q(L ≥ j) a suffix sum of q (all ones when L = L0)
      double total = 0;
      double survival = 0;
      for (int j = steps - 1; j >= 0; j--) {
        survival += q == null ? 0 : q[r * steps + j];
        total += (q == null ? 1.0 : (float) survival) * kl[r * steps + j];
      }
      klS[r] = (float) total;
    }
    zMask = straightThrough ? hardMask(prefix) : relaxation.mask();
    value = new float[rows * k];
    sigma = new float[rows * k];
    klDim = new float[rows * k];
    z = new float[rows * k];
    for (int i = 0; i < rows * k; i++) {
      float ls = bounded(logSigmaRaw[i]);
      float s = (float) Math.exp(ls);
      sigma[i] = s;
      value[i] = mu[i] + s * eps[i];
      z[i] = zMask[i] * value[i];
      klDim[i] = (mu[i] * mu[i] + s * s - 1f) * 0.5f - ls;
    }
    for (int r = 0; r < rows; r++) {
      double total = 0;
      for (int i = r * k; i < (r + 1) * k; i++) {
        total += klVSelected ? klDim[i] * zMask[i] : klDim[i];
      }
      klV[r] = (float) total;
    }
  }

  private static float bounded(float raw) {
    return raw < LOG_SIGMA_MIN ? LOG_SIGMA_MIN : raw > LOG_SIGMA_MAX ? LOG_SIGMA_MAX : raw;
  }

  /** log q, q, ℓ and the hard level of every row, and KL_L. */
  private void levelForward(float[] logits, float[] noise) {
    float[] scores = new float[steps];
    for (int r = 0; r < rows; r++) {
      int base = r * steps;
      logSoftmax(logits, base, steps, logQ);
      double kl = 0;
      float smax = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < steps; j++) {
        float lq = logQ[base + j];
        q[base + j] = (float) Math.exp(lq);
        kl += q[base + j] * (lq - logPrior[j]);
        scores[j] = (lq + noise[base + j]) * invTau;
        smax = Math.max(smax, scores[j]);
      }
      klL[r] = (float) kl;
      // Scores below the row maximum − 60 are clamped there (GumbelSoftmax.softmax): the
      // clamped ones get no gradient, a tie half of it.
      float floor = smax + SuccessiveRelaxation.CUT;
      double total = 0;
      for (int j = 0; j < steps; j++) {
        float sj = scores[j];
        scoreWeight[base + j] = sj > floor ? 1f : sj == floor ? 0.5f : 0f;
        float e = (float) Math.exp(Math.max(sj, floor) - smax);
        level[base + j] = e;
        total += e;
      }
      int best = 0;
      for (int j = 0; j < steps; j++) {
        level[base + j] = (float) (level[base + j] / total);
        if (level[base + j] > level[base + best]) {
          best = j;
        }
      }
      levels[r] = best + 1;
    }
  }

  private static float[] logSoftmax(float[] logits) {
    float[] out = new float[logits.length];
    logSoftmax(logits, 0, logits.length, out);
    return out;
  }

  /** out[from..from+n) = log softmax of x[from..from+n), in float with the sum in double. */
  private static void logSoftmax(float[] x, int from, int n, float[] out) {
    float mx = Float.NEGATIVE_INFINITY;
    for (int j = from; j < from + n; j++) {
      mx = Math.max(mx, x[j]);
    }
    double sum = 0;
    for (int j = from; j < from + n; j++) {
      sum += Math.exp(x[j] - mx);
    }
    float lse = (float) Math.log(sum);
    for (int j = from; j < from + n; j++) {
      out[j] = x[j] - mx - lse;
    }
  }

  /** E_q[L | x] = Σ_l l·q(l | x) per row, from the q of the forward pass (null for sdlgm-fixed). */
  public float[] expectedLevels() {
    if (q == null) {
      return null;
    }
    float[] out = new float[rows];
    for (int r = 0; r < rows; r++) {
      double m = 0;
      for (int j = 0; j < steps; j++) {
        m += q[r * steps + j] * (j + 1.0);
      }
      out[r] = (float) m;
    }
    return out;
  }

  /** Ones on the first L̂ dimensions of each row's prefix. */
  private float[] hardMask(int[] prefix) {
    float[] mask = new float[rows * k];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < (int) levels[r]; j++) {
        mask[r * k + prefix[r * steps + j]] = 1f;
      }
    }
    return mask;
  }

  /** The codes z (rows, K). */
  public float[] z() {
    return z;
  }

  /** KL_L, KL_S and KL_v per row. */
  public float[] klL() {
    return klL;
  }

  public float[] klS() {
    return klS;
  }

  public float[] klV() {
    return klV;
  }

  /** The hard level of each row (its number of non-zeros), as floats. */
  public float[] levels() {
    return levels;
  }

  /**
   * Adds the gradients of the loss to the inputs', given its gradients with respect to z, KL_L,
   * KL_S and KL_v (any may be null: no gradient).
   *
   * @param gradAlpha (rows, K), or null when α takes no gradient; gradBeta (K) or null;
   *     gradLevelLogits (rows, L0) or null; gradPrior the prior logits' (L0) when learned, else
   *     null; gradMu and gradLogSigma (rows, K), the latter with respect to the raw head output
   */
  public void backward(
      float[] gz,
      float[] gKlL,
      float[] gKlS,
      float[] gKlV,
      float[] gradAlpha,
      float[] gradBeta,
      float[] gradLevelLogits,
      float[] gradPrior,
      float[] gradMu,
      float[] gradLogSigma) {
    float[] gMask = new float[rows * k];
    for (int r = 0; r < rows; r++) {
      float gv = gKlV == null ? 0f : gKlV[r];
      for (int i = r * k; i < (r + 1) * k; i++) {
        float gzi = gz == null ? 0f : gz[i];
        float w = klVSelected ? zMask[i] : 1f;
        gMask[i] = gzi * value[i] + (klVSelected ? gv * klDim[i] : 0f);
        gradMu[i] += gzi * zMask[i] + gv * w * mu[i];
        float raw = logSigmaRaw[i];
        float through =
            raw > LOG_SIGMA_MIN && raw < LOG_SIGMA_MAX
                ? 1f
                : raw == LOG_SIGMA_MIN || raw == LOG_SIGMA_MAX ? 0.5f : 0f;
        float s = sigma[i];
        gradLogSigma[i] += through * (gzi * zMask[i] * s * eps[i] + gv * w * (s * s - 1f));
      }
    }
    float[] gLevel = level == null ? null : new float[rows * steps];
    // Without a gradient for α (the selection takes none of its own) the relaxation's backward
    // pass still runs when the level needs its gradient, into a scratch array, and the selection
    // KL's only when a learned β does.
    float[] alphaSink = gradAlpha != null ? gradAlpha : new float[rows * k];
    if (gradAlpha != null || gLevel != null) {
      relaxation.backward(gMask, alphaSink, gLevel);
    }
    float[] kl = selection.kl();
    if (gradAlpha != null || gradBeta != null) {
      float[] gStep = new float[rows * steps];
      for (int r = 0; r < rows; r++) {
        float gs = gKlS == null ? 0f : gKlS[r];
        float survival = 0f;
        for (int j = steps - 1; j >= 0; j--) {
          survival = q == null ? 1f : survival + q[r * steps + j];
          gStep[r * steps + j] = gs * survival;
        }
      }
      selection.backward(gStep, alphaSink, gradBeta);
    }
    if (level == null) {
      return;
    }
    float[] gLogQ = new float[steps];
    // ∂loss/∂log π, summed over the rows, when the prior is learned
    float[] gLogPrior = gradPrior == null ? null : new float[steps];
    for (int r = 0; r < rows; r++) {
      int base = r * steps;
      float gl = gKlL == null ? 0f : gKlL[r];
      float gs = gKlS == null ? 0f : gKlS[r];
      // ℓ = softmax(max(s, floor)), s = (log q + G)/τ
      double dot = 0;
      for (int j = 0; j < steps; j++) {
        dot += level[base + j] * gLevel[base + j];
      }
      float prefixKl = 0f;
      double sumG = 0;
      for (int j = 0; j < steps; j++) {
        float gScore = level[base + j] * (gLevel[base + j] - (float) dot) * scoreWeight[base + j];
        // KL_S through q(L ≥ j'): q_j enters every suffix sum with j' ≤ j
        prefixKl += kl[base + j];
        float gq = gs * prefixKl;
        float lq = logQ[base + j];
        float qj = q[base + j];
        // KL_L = Σ q (log q − log π) with q = exp(log q)
        float g = gScore * invTau + qj * gq + gl * qj * (lq - logPrior[j] + 1f);
        gLogQ[j] = g;
        sumG += g;
        if (gLogPrior != null) {
          gLogPrior[j] -= gl * qj;
        }
      }
      for (int j = 0; j < steps; j++) {
        gradLevelLogits[base + j] += gLogQ[j] - q[base + j] * (float) sumG;
      }
    }
    if (gLogPrior != null) {
      // through log π = logSoftmax(logits): g − π Σ g
      double sum = 0;
      for (int j = 0; j < steps; j++) {
        sum += gLogPrior[j];
      }
      for (int j = 0; j < steps; j++) {
        gradPrior[j] += gLogPrior[j] - (float) Math.exp(logPrior[j]) * (float) sum;
      }
    }
  }
}
