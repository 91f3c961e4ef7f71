package org.sdlgm.model;

/**
 * The values of the annealed quantities at one training step: the Gumbel-Softmax temperature τ, the
 * KL warm-up factor that scales all three KL terms, and the phase-in weight w of the geometric
 * level prior (the prior used is π_l ∝ ρ^(w·l): w = 0 is uniform, w = 1 the full geometric prior —
 * a linear interpolation of the log-prior).
 *
 * @param tau temperature τ_t = max(τ_min, τ_0 · exp(−r · t))
 * @param klScale KL warm-up factor in [0, 1]
 * @param priorWeight phase-in weight w in [0, 1]
 * @param noiseScale factor on the Gumbel and Gaussian noise of a training pass: 1 samples the
 *     variational posterior, 0 (the settling epochs at the end of training) trains the
 *     deterministic codes that encoding outputs
 */
public record Schedule(double tau, double klScale, double priorWeight, double noiseScale) {

  /** A schedule with the full sampling noise ({@code noiseScale} 1). */
  public Schedule(double tau, double klScale, double priorWeight) {
    this(tau, klScale, priorWeight, 1.0);
  }

  /** The same schedule with the training noise scaled by {@code s} (0: noise-free steps). */
  public Schedule withNoiseScale(double s) {
    return new Schedule(tau, klScale, priorWeight, s);
  }

  /** The schedule at global step {@code step} (0-based) during epoch {@code epoch} (0-based). */
  public static Schedule at(SdlgmConfig c, long step, int epoch) {
    double t = c.tauPerEpoch() ? epoch : step;
    double tau = Math.max(c.tauMin(), c.tau0() * Math.exp(-c.tauRate() * t));
    double kl = c.warmupEpochs() <= 0 ? 1.0 : Math.min(1.0, (epoch + 1.0) / c.warmupEpochs());
    double w;
    if (c.priorPhaseEnd() <= c.priorPhaseStart()) {
      w = epoch >= c.priorPhaseStart() ? 1.0 : 0.0;
    } else {
      w =
          Math.min(
              1.0,
              Math.max(
                  0.0,
                  (epoch - c.priorPhaseStart())
                      / (double) (c.priorPhaseEnd() - c.priorPhaseStart())));
    }
    return new Schedule(tau, kl, w);
  }

  /**
   * The schedule for evaluation: the model as declared (full prior, no warm-up). τ is unused by the
   * hard evaluation; it is set to τ_min for completeness.
   */
  public static Schedule evaluation(SdlgmConfig c) {
    return new Schedule(c.tauMin(), 1.0, 1.0);
  }
}
