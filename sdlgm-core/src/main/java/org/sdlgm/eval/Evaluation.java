package org.sdlgm.eval;

import java.util.Map;

/**
 * Every metric of one model on one test set (docs/model.md, "The model"), as written to {@code
 * metrics.json}. The ELBO and the method's own terms ({@code terms}, by name in the block's order:
 * {@code loglik}, then e.g. {@code kl_l}, {@code kl_s}, {@code kl_v}) are nats per example from
 * hard samples of the discrete model ({@code elbo} is NaN for the autoencoders, which have none);
 * the reconstruction error is Σ_d (x_d − x̂_d)² at the deterministic code; {@code nnz} and {@code
 * level} summarise the non-zeros and the chosen L̂ per example against the cap; {@code
 * effectiveNnz} counts the active dimensions whose removal changes x̂ by more than {@code delta} in
 * L2 norm, and {@code reconErrorEffective} is the reconstruction error when every other non-zero is
 * zeroed — close to {@code reconError} when the rest is filler, well above it when the small
 * entries add up to real detail; {@code meanInputNorm}, the test rows' mean L2 norm in the units δ
 * is measured in, says how large δ is for this data. Per-class arrays, the probe and the recovery
 * block are null where the data has no labels or no ground truth. {@code collapseWarning} is {@link
 * Collapse#message}'s verdict, null when the codes carry information.
 */
public record Evaluation(
    String method,
    int testSize,
    int cap,
    double elbo,
    Map<String, Double> terms,
    double reconError,
    CountStats nnz,
    CountStats level,
    CountStats effectiveNnz,
    double delta,
    double meanInputNorm,
    double reconErrorEffective,
    int activeDimensions,
    int[] dimensionUsage,
    double[] nnzPerClass,
    double[] levelPerClass,
    LinearProbeResult probe,
    Recovery recovery,
    String collapseWarning) {

  /** The mean of the term called {@code name}, or NaN when the method has no such term. */
  public double term(String name) {
    Double v = terms.get(name);
    return v == null ? Double.NaN : v;
  }
}
