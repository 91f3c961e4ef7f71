package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The per-example terms of the objective for one batch, each of shape (B): the expected
 * log-likelihood log p(x | z) and the three KL divergences, plus the number of non-zeros of the
 * sampled mask and its expectation ({@code expectedNnz}: E_q[L | x] for sdlgm, which a budget
 * steers; the sample's count for the other methods). Kept separate so that every term is reported
 * on its own; {@link #loss} combines them into the minimised negative ELBO.
 */
public record Terms(
    NDArray logLik, NDArray klL, NDArray klS, NDArray klV, NDArray nnz, NDArray expectedNnz) {

  /** Terms whose expected number of non-zeros is the sample's ({@code expectedNnz = nnz}). */
  public Terms(NDArray logLik, NDArray klL, NDArray klS, NDArray klV, NDArray nnz) {
    this(logLik, klL, klS, klV, nnz, nnz);
  }

  /**
   * Mean over the batch of −[log p − s·(β_L KL_L + β_S KL_S + β_v KL_v)], with s the warm-up factor
   * of the schedule.
   */
  public NDArray loss(SdlgmConfig c, Schedule s) {
    return loss(c, s, logLik.getShape().get(0));
  }

  /**
   * The share of a batch of {@code batchRows} rows in {@link #loss} that these rows (a part of that
   * batch) contribute: their sum divided by {@code batchRows}. The parts' shares add up to the
   * batch's loss, and so do their gradients.
   */
  public NDArray loss(SdlgmConfig c, Schedule s, long batchRows) {
    NDManager m = logLik.getManager();
    NDArray kl =
        klL.mul(Scalars.of(m, (float) c.betaL()))
            .add(klS.mul(Scalars.of(m, (float) c.betaS())))
            .add(klV.mul(Scalars.of(m, (float) c.betaV())));
    return logLik
        .sub(kl.mul(Scalars.of(m, (float) s.klScale())))
        .sum()
        .mul(Scalars.of(m, (float) (-1.0 / batchRows)));
  }

  /** Per-example ELBO = log p − KL_L − KL_S − KL_v (unweighted), shape (B). */
  public NDArray elbo() {
    return logLik.sub(klL).sub(klS).sub(klV);
  }
}
