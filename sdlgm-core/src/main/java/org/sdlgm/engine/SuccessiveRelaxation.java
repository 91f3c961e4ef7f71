package org.sdlgm.engine;

/**
 * The successive relaxation and the relaxed mask of docs/model.md, m = Σ_j ℓ_j·min(1, Σ_{t≤j} a_t),
 * evaluated for a batch in one pass over plain arrays, together with its vector-Jacobian product.
 * It computes what {@code GumbelSoftmax.successive} followed by {@code GumbelSoftmax.relaxedMask}
 * (in the model package) compute (the same clamp, floor and multiplicative form of the recursion),
 * but as a few fused loops: through libtorch the same computation is about 140 small operations
 * forward and twice that backward, whose fixed cost per operation, not their arithmetic, made it
 * the largest part of a training step (docs/model.md, choice 25). {@link RelaxedLatent} uses it in
 * training, on a {@link Tape}.
 *
 * <p>One step is more exact than libtorch's float32 operations: 1 − a of a row's dominant entry is
 * computed from the other entries (see normalise), so where a float a rounds to 1 the next step
 * still sees how far from 1 it is. Elsewhere the two agree to float rounding; {@code
 * SuccessiveRelaxationTest} checks both against a float64 evaluation.
 *
 * <p>Element-wise arithmetic is in float like libtorch's; sums over a row use four accumulators.
 * {@code (1 − a)^{1/τ}} is {@code 1 − a} at τ = 1, its square at τ = ½, and otherwise {@code
 * exp(log(1 − a + 10⁻³⁰)/τ)}, for small a by the Taylor series of log1p and exp (truncation below
 * 10⁻⁸, under float rounding): all but a few of a row's K entries are small, and the JDK's {@code
 * Math.log}/{@code Math.exp} made that power three quarters of the kernel's time (measured).
 */
final class SuccessiveRelaxation {
  /**
   * Scores more than this below their row's maximum are clamped there, and an entry whose 1 − a
   * rounds to 0 keeps the mass {@link #FLOOR}: the constants of the model's libtorch path ({@code
   * GumbelSoftmax.CUT} and {@code FLOOR}, checked equal by the tests).
   */
  static final float CUT = -60f;

  static final float FLOOR = 1e-35f;

  private static final int GENERAL = 0;
  private static final int IDENTITY = 1;
  private static final int SQUARE = 2;

  private final int rows;
  private final int k;
  private final int steps;
  private final float invTau;
  private final int power;

  /** Below this a, (1 − a)^{1/τ} is computed by series: x < 1/16 and |y| < 1/8. */
  private final float seriesLimit;

  private final float[] keys;
  private final float[] level;

  // One array per row and step (index r·steps + j), so that every loop below runs over
  // distinct arrays from index 0, which the JIT vectorises; offsets into one shared array
  // it cannot prove free of overlap (measured 2–3× slower).
  /** a_j. */
  private final float[][] a;

  /** w + a_{j−1}·dw/da_{j−1} with w = (1 − a_{j−1})^{1/τ}, for j ≥ 1; null at j = 0. */
  private final float[][] factor;

  /** Σ_k p_jk, the normaliser of step j. */
  private final float[] z;

  /** max_k r_k/τ per row: the first softmax clamps below it (and its backward needs it). */
  private final float[] rowMax;

  private final float[] mask;

  /**
   * Runs the forward pass.
   *
   * @param keys r = α + G′, (rows, K) row-major
   * @param level the relaxed level ℓ, (rows, steps) row-major; null for the mask of the last step
   *     alone, c_steps (the {@code sdlgm-fixed} model, L = L0)
   */
  SuccessiveRelaxation(float[] keys, float[] level, int rows, int k, int steps, double tau) {
    if (keys.length != rows * k || (level != null && level.length != rows * steps)) {
      throw new IllegalArgumentException(
          "keys "
              + keys.length
              + " / level "
              + (level == null ? "-" : level.length)
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
    this.invTau = (float) (1.0 / tau);
    this.power =
        Math.abs(tau - 1.0) < 1e-12 ? IDENTITY : Math.abs(tau - 0.5) < 1e-12 ? SQUARE : GENERAL;
    // |log1p(−x)| < 1.04·x for x < 1/16, so x < 0.12·τ keeps |y| = |log1p(−x)|/τ below 1/8.
    this.seriesLimit = (float) Math.min(0.0625, 0.12 * tau);
    this.keys = keys;
    this.level = level;
    a = new float[rows * steps][];
    factor = new float[rows * steps][];
    z = new float[rows * steps];
    rowMax = new float[rows];
    mask = new float[rows * k];
    float[] prefix = new float[k];
    for (int r = 0; r < rows; r++) {
      float[] row = new float[k];
      forwardRow(r, prefix, row);
      System.arraycopy(row, 0, mask, r * k, k);
    }
  }

  /** The relaxed mask m, (rows, K) row-major. */
  float[] mask() {
    return mask;
  }

  private float levelAt(int r, int j) {
    if (level == null) {
      return j == steps - 1 ? 1f : 0f;
    }
    return level[r * steps + j];
  }

  private static float max(float[] x) {
    float mx = Float.NEGATIVE_INFINITY;
    for (float v : x) {
      mx = Math.max(mx, v);
    }
    return mx;
  }

  private void forwardRow(int r, float[] prefix, float[] m) {
    int base = r * steps;
    float[] rest = new float[k];
    // Step 0: a_1 = softmax of r/τ clamped to at least its maximum − 60 (GumbelSoftmax.softmax).
    float[] aj = new float[k];
    for (int i = 0; i < k; i++) {
      aj[i] = keys[r * k + i] * invTau;
    }
    rowMax[r] = max(aj);
    float floor = rowMax[r] + CUT;
    // The shift is the floor plus 60 (in float, within a rounding of the maximum): any shift
    // gives the same softmax, and this one is what the recorded runs used.
    float mx = floor - CUT;
    for (int i = 0; i < k; i++) {
      aj[i] = (float) Math.exp(Math.max(aj[i], floor) - mx);
    }
    for (int j = 0; j < steps; j++) {
      if (j > 0) {
        float[] prev = aj;
        float[] factor = new float[k];
        aj = new float[k];
        // aj holds (1 − a_{j−1})^{1/τ} until it becomes p_j
        powers(prev, rest, aj, factor);
        for (int i = 0; i < k; i++) {
          aj[i] = prev[i] * aj[i] + FLOOR;
        }
        this.factor[base + j] = factor;
      }
      normalise(aj, base + j, rest);
      float lj = levelAt(r, j);
      for (int i = 0; i < k; i++) {
        float c = j == 0 ? aj[i] : prefix[i] + aj[i];
        prefix[i] = c;
        m[i] += lj * (c < 1f ? c : 1f);
      }
      a[base + j] = aj;
    }
  }

  /**
   * p ← p/Σp in place, with z[index] = Σp and rest = 1 − p/Σp. The largest entry's rest, when it is
   * above ½, is computed as (Σ of the others)/Σp: 1 − a in float keeps few digits of a small
   * difference (at a = 1 − 3·10⁻⁶, about two), and the next step's weights, ratios of such
   * differences, would carry that error into every later step — libtorch's operations do, so the
   * two paths differ there by more than rounding (tested against float64).
   */
  private void normalise(float[] p, int index, float[] rest) {
    int top = 0;
    for (int i = 1; i < k; i++) {
      if (p[i] > p[top]) {
        top = i;
      }
    }
    float total = sum(p);
    float topRest = Float.NaN;
    if (p[top] > 0.5f * total) {
      float pt = p[top];
      p[top] = 0f;
      float others = sum(p);
      p[top] = pt;
      total = others + pt;
      topRest = others / total;
    }
    z[index] = total;
    float inv = 1f / total;
    for (int i = 0; i < k; i++) {
      float v = p[i] * inv;
      p[i] = v;
      rest[i] = 1f - v;
    }
    if (!Float.isNaN(topRest)) {
      rest[top] = topRest;
    }
  }

  /**
   * w = (1 − x)^{1/τ} for each entry of x, given rest = 1 − x, and the factor w + x·dw/dx the
   * backward pass needs; see the class comment. The series runs over every entry in a loop without
   * branches, which the JIT vectorises; the few entries outside its range are then recomputed
   * exactly.
   */
  private void powers(float[] x, float[] rest, float[] w, float[] factor) {
    if (power == IDENTITY) {
      for (int i = 0; i < k; i++) {
        w[i] = rest[i];
        factor[i] = rest[i] - x[i];
      }
      return;
    }
    if (power == SQUARE) {
      for (int i = 0; i < k; i++) {
        w[i] = rest[i] * rest[i];
        factor[i] = rest[i] * (rest[i] - 2f * x[i]);
      }
      return;
    }
    for (int i = 0; i < k; i++) {
      float xi = x[i];
      // log1p(−x) = −x(1 + x/2 + … + x⁶/7); for x < 1/16 the first omitted term is below
      // 10⁻⁸ of the sum. exp(y) for |y| < 1/8; the first omitted term, y⁶/6!, is below 10⁻⁸.
      float y =
          -xi
              * invTau
              * (1f
                  + xi
                      * (1f / 2
                          + xi
                              * (1f / 3
                                  + xi
                                      * (1f / 4 + xi * (1f / 5 + xi * (1f / 6 + xi * (1f / 7)))))));
      w[i] = 1f + y * (1f + y * (1f / 2 + y * (1f / 6 + y * (1f / 24 + y * (1f / 120)))));
    }
    for (int i = 0; i < k; i++) {
      if (x[i] >= seriesLimit) {
        // + 10⁻³⁰ as in GumbelSoftmax.successive: w is then 0 or tiny, with a finite slope
        w[i] = (float) Math.exp(Math.log(rest[i] + 1e-30f) * invTau);
      }
    }
    for (int i = 0; i < k; i++) {
      factor[i] = w[i] * (1f - invTau * x[i] / (rest[i] + 1e-30f));
    }
  }

  /**
   * The vector-Jacobian product: given ∂loss/∂m (rows, K), adds ∂loss/∂r to {@code gradKeys} (rows,
   * K) and, when a level was given, ∂loss/∂ℓ to {@code gradLevel} (rows, steps). Where a prefix sum
   * exceeds 1 its min has no gradient, and where the first softmax was clamped the key has none (as
   * in libtorch's backward of the same operations).
   */
  void backward(float[] gradMask, float[] gradKeys, float[] gradLevel) {
    float[][] prefix = new float[steps][k];
    float[] g = new float[k];
    float[] direct = new float[k];
    float[] carry = new float[k];
    float[] ga = new float[k];
    for (int r = 0; r < rows; r++) {
      int base = r * steps;
      System.arraycopy(gradMask, r * k, g, 0, k);
      System.arraycopy(a[base], 0, prefix[0], 0, k);
      for (int j = 1; j < steps; j++) {
        float[] before = prefix[j - 1];
        float[] aj = a[base + j];
        float[] pj = prefix[j];
        for (int i = 0; i < k; i++) {
          pj[i] = before[i] + aj[i];
        }
      }
      java.util.Arrays.fill(direct, 0f);
      java.util.Arrays.fill(carry, 0f);
      for (int j = steps - 1; j >= 0; j--) {
        float lj = levelAt(r, j);
        float[] pj = prefix[j];
        float[] aj = a[base + j];
        for (int i = 0; i < k; i++) {
          // ∂m/∂a_t = Σ_{j ≥ t} ℓ_j [s_j ≤ 1] ∂loss/∂m: a suffix sum over the steps
          direct[i] += pj[i] <= 1f ? lj * g[i] : 0f;
          ga[i] = direct[i] + carry[i];
        }
        float d = dot(ga, aj);
        if (gradLevel != null) {
          gradLevel[base + j] += clippedDot(g, pj);
        }
        if (j > 0) {
          // a_j = p/Σp with p = a_{j−1}·w(a_{j−1}) + floor
          float iz = 1f / z[base + j];
          float[] fj = factor[base + j];
          for (int i = 0; i < k; i++) {
            carry[i] = (ga[i] - d) * iz * fj[i];
          }
        } else {
          float floor = rowMax[r] + CUT;
          for (int i = 0; i < k; i++) {
            gradKeys[r * k + i] +=
                keys[r * k + i] * invTau < floor ? 0f : aj[i] * (ga[i] - d) * invTau;
          }
        }
      }
    }
  }

  // min(1, c) is written as a comparison: Math.min on floats (which must order −0 and NaN)
  // made these loops several times slower (measured).
  //
  // Sums over a row with four accumulators: Java keeps a float sum's order, so one accumulator
  // would chain every addition on the one before; four give the processor independent work.
  // (Mixing in double instead costs a float-to-double conversion per element, whose false
  // register dependency made a loop like these 40× slower, measured.)

  /** Σ x. */
  private static float sum(float[] x) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int n = x.length;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += x[i];
      s1 += x[i + 1];
      s2 += x[i + 2];
      s3 += x[i + 3];
    }
    for (; i < n; i++) {
      s0 += x[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Σ x·y. */
  private static float dot(float[] x, float[] y) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int n = x.length;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += x[i] * y[i];
      s1 += x[i + 1] * y[i + 1];
      s2 += x[i + 2] * y[i + 2];
      s3 += x[i + 3] * y[i + 3];
    }
    for (; i < n; i++) {
      s0 += x[i] * y[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Σ g·min(1, c). */
  private static float clippedDot(float[] g, float[] c) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int n = g.length;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += g[i] * (c[i] < 1f ? c[i] : 1f);
      s1 += g[i + 1] * (c[i + 1] < 1f ? c[i + 1] : 1f);
      s2 += g[i + 2] * (c[i + 2] < 1f ? c[i + 2] : 1f);
      s3 += g[i + 3] * (c[i + 3] < 1f ? c[i + 3] : 1f);
    }
    for (; i < n; i++) {
      s0 += g[i] * (c[i] < 1f ? c[i] : 1f);
    }
    return (s0 + s1) + (s2 + s3);
  }
}
