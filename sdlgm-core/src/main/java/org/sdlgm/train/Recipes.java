package org.sdlgm.train;

import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.Decoder;
import org.sdlgm.model.KlV;
import org.sdlgm.model.LevelInference;
import org.sdlgm.model.LevelPrior;
import org.sdlgm.model.Likelihood;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.Selection;
import org.sdlgm.model.SelectionGradient;

/**
 * Named, measured configurations. {@link #syntheticModel()} is the measured recipe for recovering
 * per-example sparsity on the synthetic sparse-dictionary data (linear decoder, Gaussian likelihood
 * with learned σ_x, straight-through, {@code kl-v = selected}, geometric level prior ρ = 0.01
 * phased in over epochs 30→40, τ_min 0.5, 60 epochs; codes take the level the objective prefers,
 * {@code levelInference = exact}); it is what {@code sdlgm demo} runs. {@link #sparseCodes} is the
 * objective {@code sdlgm train} uses by default for unsupervised data: codes worth using under a
 * budget of non-zeros (a β-weighted objective, not the plain ELBO; docs/model.md, "Two objectives"
 * and choice 32). {@link #plain} is the plain model with its defaults. The numbers they reach are
 * in docs/results.md.
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
        .levelInference(LevelInference.EXACT)
        .build();
  }

  /**
   * The default objective of {@code sdlgm train}: codes trained as encoding writes them. Every pass
   * is noise-free (the settling epochs are all of them), the selection is the top L of |μ| and gets
   * no gradient of its own (α = c·|μ|, {@link SelectionGradient#NONE}), so values and selection
   * learn as in a top-k autoencoder; straight-through; what stays variational is the level: q(L |
   * x) is trained through its relaxation against a geometric prior whose cost is steered to a
   * budget of {@code targetNnz} mean non-zeros (1 ≤ targetNnz ≤ maxLevel), with β_L = 0.1 so that
   * it can be sharp, and the codes take the level the objective prefers ({@code levelInference =
   * exact}, the level cost set after training so that the codes meet the budget). Given a budget,
   * training steers that cost to the cap rather than to the budget ({@code trainAtCap}): every
   * training code then has L0 non-zeros, and only the cost set after training cuts each code to its
   * level (docs/model.md, choice 42); with {@code targetNnz = 0} it is left off, since there is no
   * budget to meet afterwards. KL_S and KL_v weigh 0.01, so that q(S | x) and q(v | x) can carry
   * information. K, the networks and the likelihood are the plain model's defaults.
   */
  public static SdlgmConfig sparseCodes(int maxLevel, double targetNnz) {
    return SdlgmConfig.builder()
        .maxLevel(maxLevel)
        .straightThrough(true)
        .klV(KlV.SELECTED)
        .selection(Selection.VALUES)
        .selectionGradient(SelectionGradient.NONE)
        .betaL(0.1)
        .betaS(0.01)
        .betaV(0.01)
        .levelPrior(LevelPrior.GEOMETRIC)
        .targetNnz(targetNnz)
        .settleFraction(1)
        .levelInference(LevelInference.EXACT)
        .trainAtCap(targetNnz > 0)
        .build();
  }

  /** The budget {@code sdlgm train} sets when none is given: half the cap. */
  public static double defaultTarget(int maxLevel) {
    return Math.max(1.0, maxLevel / 2.0);
  }

  /** The plain model and its defaults (uniform level prior, selection head, all β = 1). */
  public static SdlgmConfig plain() {
    return SdlgmConfig.builder().build();
  }

  /** Training settings of the synthetic recipe: 60 epochs, batch 100, no validation split. */
  public static TrainConfig syntheticTraining() {
    return TrainConfig.builder().epochs(60).batchSize(100).validationFraction(0).build();
  }
}
