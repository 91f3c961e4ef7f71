package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The two Gumbel-Softmax relaxations of SPEC.md and their exact (hard) counterparts, vectorised
 * over the batch: the relaxed sparsity level ℓ, the successive top-k relaxation c_1..c_L0, the
 * relaxed mask m = Σ ℓ_l c_l, the hard top-L mask, and the per-step selection KL on the
 * sampled prefix.
 *
 * <p>Denormal floats slow libtorch on CPU by up to 10× (SPEC.md, performance note) and DJL
 * cannot set flush-to-zero. Every softmax here therefore goes through {@link #softmax}, which
 * clamps scores to at least {@value #CUT} below the row maximum: e^−60 ≈ 10⁻²⁶ is a normal
 * float and negligible, whereas the accumulated log(ε) penalties of the successive
 * relaxation would otherwise put exponentials into the denormal range.
 */
public final class GumbelSoftmax {
  /** Scores are clamped to this below the row maximum: e^-60 ≈ 1e-26 is negligible, e^-88 is denormal. */
  static final float CUT = -60f;

  /** ε in log(max(1 − a, ε)), as SPEC.md fixes it. */
  static final float EPS = 1e-20f;

  private GumbelSoftmax() {}

  /** Standard Gumbel noise G = −log(−log U) of the given shape. */
  public static NDArray gumbel(NDManager manager, Shape shape) {
    NDArray u = manager.randomUniform(1e-10f, 1f, shape);
    return u.log().neg().add(1e-10f).log().neg();
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
    // Clamping costs three element-wise passes (masking to an exact 0 cost six): e^CUT is a
    // normal float, and clamped entries get no gradient.
    return scores.maximum(scores.max(new int[] {axis}, true).stopGradient().sub(-CUT));
  }

  /** Relaxed one-hot over levels: ℓ = softmax((log q(L|x) + G) / τ), shape (B, L0). */
  public static NDArray relaxedLevel(NDArray logQ, NDArray gumbel, double tau) {
    return softmax(logQ.add(gumbel).div(tau), 1);
  }

  /**
   * The successive relaxation of ordered draws without replacement: returns the relaxed j-hot
   * vectors c_j = min(1, Σ_{t≤j} a_t) for j = 1..steps, shape (B, steps, K).
   *
   * @param keys r = α + G′, shape (B, K), one Gumbel draw per dimension shared by all steps
   */
  public static NDArray successive(NDArray keys, double tau, int steps) {
    NDManager m = keys.getManager();
    // Scalars as tensors made once: DJL turns every scalar operand into a new tensor.
    NDArray invTau = m.create((float) (1.0 / tau));
    NDArray one = m.create(1f);
    NDArray cut = m.create(-CUT);
    NDList draws = new NDList(steps);
    NDArray u = keys.mul(invTau);
    for (int j = 0; j < steps; j++) {
      // Clamp to CUT below the row maximum (see the class comment). The maximum is not
      // detached: the gradient it passes on is that of entries with weight < e^-60.
      NDArray a = u.maximum(u.max(new int[] {1}, true).sub(cut)).softmax(1);
      draws.add(a);
      if (j + 1 < steps) {
        u = u.add(one.sub(a).clip(EPS, 1f).log().mul(invTau));
      }
    }
    return NDArrays.stack(draws, 1).cumSum(1).clip(0f, 1f);
  }

  /** Relaxed mask m = Σ_l ℓ_l c_l, shape (B, K), from ℓ (B, L0) and c (B, L0, K). */
  public static NDArray relaxedMask(NDArray level, NDArray c) {
    return level.expandDims(2).mul(c).sum(new int[] {1});
  }

  /**
   * Rank of every dimension in descending order of {@code keys} (0 = largest), shape (B, K),
   * int64. The prefix o_1..o_j of the ordered draws is {k : rank_k < j}.
   */
  public static NDArray ranks(NDArray keys) {
    return keys.argSort(1, false).argSort(1, true);
  }

  /** Hard mask with exactly {@code levels[b]} ones per row: the top-L entries by rank. */
  public static NDArray hardMask(NDArray ranks, NDArray levels) {
    return ranks.lt(levels.toType(DataType.INT64, false).expandDims(1)).toType(DataType.FLOAT32, false);
  }

  /**
   * Survival weights q(L ≥ j | x) for j = 1..L0 from q over levels (B, L0): a product with an
   * upper-triangular constant, which avoids a reverse cumulative sum.
   */
  public static NDArray survival(NDArray q) {
    int l0 = (int) q.getShape().get(1);
    NDManager m = q.getManager();
    // Built by native ops rather than from a Java buffer: tensors created from Java buffers
    // borrow that memory, which autograd must not outlive.
    NDArray idx = m.arange(0, l0, 1, DataType.INT64);
    NDArray tri = idx.reshape(l0, 1).gte(idx.reshape(1, l0)).toType(DataType.FLOAT32, false);
    return q.matMul(tri);
  }

  /**
   * Per-step KLs kl_j = KL(softmax(α over R_j) ‖ softmax(β over R_j)) with R_j the dimensions
   * not in the sampled prefix o_1..o_{j−1}; shape (B, steps). Gradients flow through α (and β)
   * for the fixed prefix; the prefix's own dependence on α is not differentiated (SPEC.md).
   *
   * <p>Computed in O(B·K + B·steps²) rather than materialising a (B, steps, K) tensor: with
   * e_k = exp(α_k − max α), every sum over R_j is the sum over the dimensions outside the
   * whole prefix plus a suffix sum over the prefix positions t ≥ j. Both are sums of positive
   * terms (no cancellation, unlike "total minus removed"), and KL_j = E_p[α] − log Σ_{R_j} e^α
   * − E_p[log q] follows in closed form.
   *
   * @param alpha selection logits (B, K)
   * @param beta selection prior logits, (K) or null for the uniform prior β = 0
   * @param ranks ranks of the keys that produced the mask (see {@link #ranks})
   */
  public static NDArray stepKl(NDArray alpha, NDArray beta, NDArray ranks, int steps) {
    NDManager m = alpha.getManager();
    long k = alpha.getShape().get(1);
    NDArray order = ranks.argSort(1, true).get(":, :" + steps);
    NDArray outside = ranks.gte(steps).toType(DataType.FLOAT32, false);
    NDArray idx = m.arange(0, steps, 1, DataType.INT64);
    NDArray suffix = idx.reshape(steps, 1).gte(idx.reshape(1, steps)).toType(DataType.FLOAT32, false);

    NDArray maxA = alpha.max(new int[] {1}, true).stopGradient();
    // Clamped so that exp never enters the denormal range (see the class comment).
    NDArray e = alpha.sub(maxA).maximum(-80f).exp();
    NDArray eo = e.gather(order, 1);
    NDArray alphaO = alpha.gather(order, 1);
    NDArray z = e.mul(outside).sum(new int[] {1}, true).add(eo.matMul(suffix));
    NDArray sA = e.mul(alpha).mul(outside).sum(new int[] {1}, true).add(eo.mul(alphaO).matMul(suffix));
    NDArray logZ = z.log();
    NDArray kl = sA.div(z).sub(logZ).sub(maxA);
    if (beta == null) {
      // log |R_j| = log(K − j)
      return kl.add(idx.toType(DataType.FLOAT32, false).neg().add((float) k).log().reshape(1, steps));
    }
    NDArray b = beta.reshape(1, k);
    NDArray maxB = b.max(new int[] {1}, true).stopGradient();
    NDArray eb = b.sub(maxB).maximum(-80f).exp();
    NDArray ebRows = eb.mul(outside.onesLike());
    NDArray zB = ebRows.mul(outside).sum(new int[] {1}, true).add(ebRows.gather(order, 1).matMul(suffix));
    NDArray betaO = b.mul(outside.onesLike()).gather(order, 1);
    NDArray sB = e.mul(b).mul(outside).sum(new int[] {1}, true).add(eo.mul(betaO).matMul(suffix));
    return kl.sub(sB.div(z)).add(zB.log()).add(maxB);
  }
}
