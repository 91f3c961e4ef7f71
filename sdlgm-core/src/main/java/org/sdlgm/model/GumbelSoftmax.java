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
 * replaces scores more than {@value #CUT} below the row maximum by {@value #MASKED}, so that
 * their exponentials underflow to exactly 0 instead of into the denormal range.
 */
public final class GumbelSoftmax {
  /** A score whose exponential is exactly 0 in float32 after max-shifting. */
  static final float MASKED = -1e4f;

  /** Shifted scores below this are masked: e^-60 ≈ 1e-26 is negligible, e^-88 is denormal. */
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
    NDArray shifted = scores.sub(scores.max(new int[] {axis}, true).stopGradient());
    // Additive masking (libtorch's where does not broadcast in DJL): masked entries end up
    // below MASKED, whose exponential is exactly 0.
    return shifted.add(shifted.lt(CUT).toType(DataType.FLOAT32, false).mul(MASKED));
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
    NDList steps_ = new NDList(steps);
    NDArray w = keys;
    NDArray a = softmax(w.div(tau), 1);
    steps_.add(a);
    for (int j = 1; j < steps; j++) {
      w = w.add(a.neg().add(1f).maximum(EPS).log());
      a = softmax(w.div(tau), 1);
      steps_.add(a);
    }
    return NDArrays.stack(steps_, 1).cumSum(1).minimum(1f);
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
   * @param alpha selection logits (B, K)
   * @param beta selection prior logits, (K) or null for the uniform prior β = 0
   * @param ranks ranks of the keys that produced the mask (see {@link #ranks})
   */
  public static NDArray stepKl(NDArray alpha, NDArray beta, NDArray ranks, int steps) {
    NDManager m = alpha.getManager();
    NDArray stepIdx = m.arange(0, steps, 1, DataType.INT64).reshape(1, steps, 1);
    NDArray excluded = ranks.expandDims(1).lt(stepIdx);
    NDArray penalty = excluded.toType(DataType.FLOAT32, false).mul(MASKED);
    NDArray logP = logSoftmax(alpha.expandDims(1).add(penalty), 2);
    NDArray p = logP.exp();
    NDArray logQ;
    if (beta == null) {
      float k = alpha.getShape().get(1);
      logQ = stepIdx.toType(DataType.FLOAT32, false).neg().add(k).log().neg();
    } else {
      logQ = logSoftmax(beta.reshape(1, 1, -1).add(penalty), 2);
    }
    // Excluded entries have p = 0 exactly, so their finite log-ratio contributes nothing.
    return p.mul(logP.sub(logQ)).sum(new int[] {2});
  }
}
