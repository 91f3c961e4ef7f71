package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.sdlgm.engine.Noise;

/**
 * The two Gumbel-Softmax relaxations of docs/model.md and their exact (hard) counterparts,
 * vectorised over the batch: the relaxed sparsity level ℓ, the successive top-k relaxation
 * c_1..c_L0, the relaxed mask m = Σ ℓ_l c_l, the hard top-L mask, and the per-step selection KL on
 * the sampled prefix.
 *
 * <p>Denormal floats slow libtorch's CPU arithmetic many times over (docs/model.md, choice 2) and
 * DJL cannot set flush-to-zero. Softmaxes here therefore go through {@link #softmax}, which clamps
 * scores to at least {@value #CUT} below the row maximum (e^−60 ≈ 10⁻²⁶ is a normal float and
 * negligible), and the successive relaxation runs in the probability domain with a floor of {@value
 * #FLOOR} (see {@link #successive}).
 *
 * <p>Scalars enter as 0-dimensional tensors made natively ({@link Scalars}): DJL turns every {@code
 * Number} operand into a tensor built from a fresh direct Java buffer, which costs more than the
 * operation on a (100, 200) batch.
 */
public final class GumbelSoftmax {
  /**
   * Scores are clamped to this below the row maximum: e^-60 ≈ 1e-26 is negligible, e^-88 is
   * denormal.
   */
  static final float CUT = -60f;

  /**
   * Floor added to the unnormalised masses of the successive relaxation: plays the part of the
   * log-domain recursion's ε for an entry whose 1 − a rounded to 0, and keeps every mass a normal
   * float.
   */
  static final float FLOOR = 1e-35f;

  private GumbelSoftmax() {}

  /** Standard Gumbel noise G = −log(−log U) of the given shape. */
  public static NDArray gumbel(NDManager manager, Shape shape) {
    return gumbel(Noise.DIRECT, manager, shape);
  }

  /** Standard Gumbel noise from the uniform draws of {@code noise}. */
  public static NDArray gumbel(Noise noise, NDManager manager, Shape shape) {
    NDArray u = noise.uniform(manager, 1e-10f, 1f, shape);
    return u.log().neg().add(Scalars.of(manager, 1e-10f)).log().neg();
  }

  /** Softmax along {@code axis} that never produces denormals (see class comment). */
  public static NDArray softmax(NDArray scores, int axis) {
    return mask(scores, axis).softmax(axis);
  }

  /** Log-softmax along {@code axis} with the same masking as {@link #softmax}. */
  public static NDArray logSoftmax(NDArray scores, int axis) {
    return mask(scores, axis).logSoftmax(axis);
  }

  private static NDArray mask(NDArray scores, int axis) {
    // The row maximum is detached: clamped entries get no gradient, and the maximum's own
    // gradient would only carry that of entries weighted below e^-60.
    NDArray floor =
        scores
            .max(new int[] {axis}, true)
            .stopGradient()
            .sub(Scalars.of(scores.getManager(), -CUT));
    return scores.maximum(floor);
  }

  /** Relaxed one-hot over levels: ℓ = softmax((log q(L|x) + G) / τ), shape (B, L0). */
  public static NDArray relaxedLevel(NDArray logQ, NDArray gumbel, double tau) {
    return softmax(logQ.add(gumbel).mul(Scalars.of(logQ.getManager(), (float) (1.0 / tau))), 1);
  }

  /**
   * The successive relaxation of ordered draws without replacement: returns the relaxed j-hot
   * vectors c_j = min(1, Σ_{t≤j} a_t) for j = 1..steps, shape (B, steps, K).
   *
   * <p>The recursion w_j = w_{j−1} + log max(1 − a_{j−1}, ε), a_j = softmax(w_j / τ) of
   * docs/model.md is evaluated in its equivalent multiplicative form a_j ∝ a_{j−1} · (1 −
   * a_{j−1})^{1/τ}: one softmax, then five cheap element-wise operations per step, with no clamp or
   * logarithm whose backward passes cost more than the forward (measured: the relaxation's forward
   * and backward at B = 100, K = 200, L0 = 20 took half the time). The values agree with the
   * log-domain form to float rounding and its gradient is at least as close to a float64 evaluation
   * of that recursion (tested). An entry whose 1 − a rounds to 0 keeps the mass {@value #FLOOR}
   * instead of a·ε^{1/τ}; both are negligible beside every other entry, whose mass stays above
   * e^−60 of the row maximum (the first softmax is clamped).
   *
   * @param keys r = α + G′, shape (B, K), one Gumbel draw per dimension shared by all steps
   */
  public static NDArray successive(NDArray keys, double tau, int steps) {
    NDManager m = keys.getManager();
    NDArray invTau = Scalars.of(m, (float) (1.0 / tau));
    NDArray one = Scalars.of(m, 1f);
    NDArray floor = Scalars.of(m, FLOOR);
    // (1 − a)^{1/τ} by the cheapest exact route: τ = 1 and τ = 1/2 (the default τ_min, where
    // annealing ends) need no power at all; otherwise exp(log(1 − a + 10⁻³⁰)/τ),
    // which is exactly 0 with a finite gradient where 1 − a is 0 (pow's backward is not).
    NDArray tiny = Scalars.of(m, 1e-30f);
    boolean identity = Math.abs(tau - 1.0) < 1e-12;
    boolean square = Math.abs(tau - 0.5) < 1e-12;
    NDList draws = new NDList(steps);
    NDArray a = softmax(keys.mul(invTau), 1);
    draws.add(a);
    for (int j = 1; j < steps; j++) {
      NDArray rest = one.sub(a);
      NDArray weight =
          identity ? rest : square ? rest.square() : rest.add(tiny).log().mul(invTau).exp();
      NDArray p = a.mul(weight).add(floor);
      a = p.div(p.sum(new int[] {1}, true));
      draws.add(a);
    }
    // Prefix sums as one batched product with a lower-triangular constant (a cumulative sum
    // along a middle axis, and its backward, cost several times more in libtorch).
    NDArray sums = triangle(m, steps).matMul(NDArrays.stack(draws, 1));
    // min(1, s) as s − relu(s − 1): the same values (exactly, for these magnitudes), and a
    // backward of two passes over the (B, steps, K) tensor instead of five (measured 40% less).
    return sums.sub(Activation.relu(sums.sub(one)));
  }

  /**
   * The relaxed mask of keys r (B, K) in one call: {@code relaxedMask(level, successive(keys, tau,
   * steps))}, or the last step's c_steps when {@code level} is null. (Training computes the same in
   * Java, {@link org.sdlgm.engine.RelaxedLatent}.)
   */
  public static NDArray relaxedMask(NDArray keys, NDArray level, double tau, int steps) {
    NDArray c = successive(keys, tau, steps);
    return level == null ? c.get(":, " + (steps - 1) + ", :") : relaxedMask(level, c);
  }

  /** Relaxed mask m = Σ_l ℓ_l c_l, shape (B, K), from ℓ (B, L0) and c (B, L0, K). */
  public static NDArray relaxedMask(NDArray level, NDArray c) {
    return level.expandDims(1).matMul(c).squeeze(1);
  }

  /**
   * The first {@code steps} dimensions in descending order of {@code keys}, shape (B, steps),
   * int64: the prefix o_1..o_j of the ordered draws is the first j columns. A partial top-k, much
   * cheaper than ranking all K dimensions.
   */
  public static NDArray order(NDArray keys, int steps) {
    return keys.topK(steps, 1, true, true).get(1);
  }

  /**
   * Hard mask (B, K) with exactly {@code levels[b]} ones per row, on the first levels[b] dimensions
   * of {@code order} (see {@link #order}); every level must be at most its width.
   */
  public static NDArray hardMask(NDArray order, NDArray levels, long k) {
    NDManager m = order.getManager();
    long b = order.getShape().get(0);
    long steps = order.getShape().get(1);
    NDArray on =
        m.arange(0f, (float) steps, 1f, DataType.INT64)
            .reshape(1, steps)
            .lt(levels.toType(DataType.INT64, false).reshape(b, 1))
            .toType(DataType.FLOAT32, false);
    return m.zeros(new Shape(b, k)).scatter(order, on, 1);
  }

  /**
   * Survival weights q(L ≥ j | x) for j = 1..L0 from q over levels (B, L0): a product with an
   * upper-triangular constant, which avoids a reverse cumulative sum.
   */
  public static NDArray survival(NDArray q) {
    int l0 = (int) q.getShape().get(1);
    NDManager m = q.getManager();
    return q.matMul(triangle(m, l0));
  }

  /**
   * T (n, n) with T[i][j] = 1 where i ≥ j, else 0: T·A sums rows of A over prefixes, A·T over
   * suffixes. Built by native ops rather than from a Java buffer: tensors created from Java buffers
   * borrow that memory, which autograd must not outlive.
   */
  public static NDArray triangle(NDManager m, int n) {
    NDArray idx = m.arange(0, n, 1, DataType.INT64);
    return idx.reshape(n, 1).gte(idx.reshape(1, n)).toType(DataType.FLOAT32, false);
  }

  /**
   * Per-step KLs kl_j = KL(softmax(α over R_j) ‖ softmax(β over R_j)) with R_j the dimensions not
   * in the sampled prefix o_1..o_{j−1}; shape (B, steps). Gradients flow through α (and β) for the
   * fixed prefix; the prefix's own dependence on α is not differentiated (docs/model.md, choice 6).
   *
   * <p>Computed in O(B·K + B·steps²) rather than materialising a (B, steps, K) tensor: with e_k =
   * exp(α_k − max α), every sum over R_j is the sum over the dimensions outside the whole prefix
   * plus a suffix sum over the prefix positions t ≥ j. Both are sums of positive terms (no
   * cancellation, unlike "total minus removed"), and KL_j = E_p[α] − log Σ_{R_j} e^α − E_p[log q]
   * follows in closed form.
   *
   * @param alpha selection logits (B, K)
   * @param beta selection prior logits, (K) or null for the uniform prior β = 0
   * @param order the top dimensions of the keys that produced the mask (see {@link #order}), at
   *     least {@code steps} columns
   */
  public static NDArray stepKl(NDArray alpha, NDArray beta, NDArray order, int steps) {
    NDManager m = alpha.getManager();
    long k = alpha.getShape().get(1);
    if (order.getShape().get(1) != steps) {
      order = order.get(":, :" + steps);
    }
    NDArray outside = m.ones(alpha.getShape()).scatter(order, m.zeros(order.getShape()), 1);
    NDArray idx = m.arange(0, steps, 1, DataType.INT64);
    NDArray suffix = triangle(m, steps);

    NDArray maxA = alpha.max(new int[] {1}, true).stopGradient();
    // Clamped so that exp never enters the denormal range (see the class comment).
    NDArray e = alpha.sub(maxA).maximum(Scalars.of(m, -80f)).exp();
    NDArray eo = e.gather(order, 1);
    NDArray alphaO = alpha.gather(order, 1);
    NDArray z = e.mul(outside).sum(new int[] {1}, true).add(eo.matMul(suffix));
    NDArray sA =
        e.mul(alpha).mul(outside).sum(new int[] {1}, true).add(eo.mul(alphaO).matMul(suffix));
    NDArray logZ = z.log();
    NDArray kl = sA.div(z).sub(logZ).sub(maxA);
    if (beta == null) {
      // log |R_j| = log(K − j)
      return kl.add(
          idx.toType(DataType.FLOAT32, false)
              .neg()
              .add(Scalars.of(m, (float) k))
              .log()
              .reshape(1, steps));
    }
    NDArray b = beta.reshape(1, k);
    NDArray maxB = b.max(new int[] {1}, true).stopGradient();
    NDArray eb = b.sub(maxB).maximum(Scalars.of(m, -80f)).exp();
    NDArray ebRows = eb.mul(outside.onesLike());
    NDArray zB =
        ebRows.mul(outside).sum(new int[] {1}, true).add(ebRows.gather(order, 1).matMul(suffix));
    NDArray betaO = b.mul(outside.onesLike()).gather(order, 1);
    NDArray sB = e.mul(b).mul(outside).sum(new int[] {1}, true).add(eo.mul(betaO).matMul(suffix));
    return kl.sub(sB.div(z)).add(zB.log()).add(maxB);
  }
}
