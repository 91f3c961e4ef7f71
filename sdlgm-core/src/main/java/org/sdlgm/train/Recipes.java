package org.sdlgm.train;

import org.sdlgm.model.Decoder;
import org.sdlgm.model.KlV;
import org.sdlgm.model.LevelPrior;
import org.sdlgm.model.Likelihood;
import org.sdlgm.model.SdlgmConfig;

/**
 * Named, measured configurations. {@link #syntheticModel()} is SPEC.md's recommended recipe
 * for recovering per-example sparsity on the synthetic sparse-dictionary data (linear decoder,
 * Gaussian likelihood with learned σ_x, straight-through, {@code kl-v = selected}, geometric
 * level prior ρ = 0.01 phased in over epochs 30→40, τ_min 0.5, 60 epochs); it is what
 * {@code sdlgm demo} runs. The numbers it reaches are in docs/results.md.
 */
public final class Recipes {
  private Recipes() {}

  /** The sparsity-recovery recipe for the synthetic data (K = 32, L0 = 8). */
  public static SdlgmConfig syntheticModel() {
    return SdlgmConfig.builder()
        .latentDim(32)
        .maxLevel(8)
        .decoder(Decoder.LINEAR)
        .likelihood(Likelihood.GAUSSIAN)
        .learnSigmaX(true)
        .sigmaXInit(1.0)
        .straightThrough(true)
        .klV(KlV.SELECTED)
        .levelPrior(LevelPrior.GEOMETRIC)
        .rho(0.01)
        .priorPhase(30, 40)
        .tauMin(0.5)
        .build();
  }

  /** Training settings of the synthetic recipe: 60 epochs, batch 100, no validation split. */
  public static TrainConfig syntheticTraining() {
    return TrainConfig.builder().epochs(60).batchSize(100).validationFraction(0).build();
  }
}
