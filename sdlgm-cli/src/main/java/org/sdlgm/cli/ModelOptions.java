package org.sdlgm.cli;

import java.util.List;
import org.sdlgm.model.Decoder;
import org.sdlgm.model.KlV;
import org.sdlgm.model.LevelEstimator;
import org.sdlgm.model.LevelInference;
import org.sdlgm.model.LevelPosterior;
import org.sdlgm.model.LevelPrior;
import org.sdlgm.model.Likelihood;
import org.sdlgm.model.Method;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.Selection;
import org.sdlgm.model.SelectionGradient;
import org.sdlgm.train.Recipes;
import picocli.CommandLine.Option;

/**
 * The model hyperparameters as command-line options (a picocli mixin); every default is {@link
 * SdlgmConfig}'s, i.e. the plain model's (docs/model.md, "Two objectives"). Only options the user
 * gave override a base configuration (the demo's recipe, for instance).
 */
public final class ModelOptions {
  @Option(
      names = "--method",
      paramLabel = "M",
      completionCandidates = MethodIds.class,
      description =
          "Which model: ${COMPLETION-CANDIDATES} (default sdlgm; docs/model.md describes "
              + "each baseline). sdlgm, batchtopk-ae and vsc aim at a mean of --target-nnz non-zeros "
              + "(default L0/2) under the cap L0; sdlgm-fixed and topk-ae use L0 per code; vae is dense.")
  String method;

  /** The ids of {@link Method}, for the help: a new method appears without an edit here. */
  static final class MethodIds implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(Method.values()).map(Method::id).iterator();
    }
  }

  @Option(
      names = {"-K", "--latent-dim"},
      paramLabel = "K",
      description = "Width of the sparse code (default 200).")
  Integer latentDim;

  @Option(
      names = {"-L", "--max-level", "--l0"},
      paramLabel = "L0",
      description = "Hard cap on non-zeros per code, 1 ≤ L0 ≤ K (default 20).")
  Integer maxLevel;

  @Option(
      names = "--encoder",
      split = ",",
      paramLabel = "H1,H2",
      description = "Encoder hidden sizes (default 512,256).")
  List<Integer> encoderHidden;

  @Option(
      names = "--decoder",
      paramLabel = "mlp|linear",
      description = "Decoder family (default mlp; linear = dictionary view).")
  String decoder;

  @Option(
      names = "--decoder-hidden",
      split = ",",
      paramLabel = "H1,H2",
      description = "MLP decoder hidden sizes (default 256,512).")
  List<Integer> decoderHidden;

  @Option(
      names = "--likelihood",
      paramLabel = "bernoulli|gaussian",
      description = "Observation model (default bernoulli, for data in [0,1]).")
  String likelihood;

  @Option(
      names = "--sigma-x",
      paramLabel = "S",
      description = "Gaussian σ_x: initial value when learned, else fixed (default 1.0).")
  Double sigmaX;

  @Option(
      names = "--fixed-sigma-x",
      description = "Keep the Gaussian σ_x fixed instead of learning it.")
  Boolean fixedSigmaX;

  @Option(
      names = "--kl-v",
      paramLabel = "all|selected",
      description =
          "KL of the values over all dimensions (default) or only the selected ones (tighter).")
  String klV;

  @Option(
      names = "--hard",
      description =
          "Straight-through: forward with the exact hard mask, backward through the relaxed one.")
  Boolean hard;

  @Option(
      names = "--tau0",
      paramLabel = "T",
      description = "Initial Gumbel-Softmax temperature (default 1.0).")
  Double tau0;

  @Option(
      names = "--tau-min",
      paramLabel = "T",
      description = "Temperature floor (default 0.5; lower stalls learning).")
  Double tauMin;

  @Option(
      names = "--tau-rate",
      paramLabel = "R",
      description = "Annealing rate r in τ = max(τmin, τ0·exp(−r·t)) (default 1e-4).")
  Double tauRate;

  @Option(names = "--tau-per-epoch", description = "Count t in epochs instead of steps.")
  Boolean tauPerEpoch;

  @Option(
      names = "--prior",
      paramLabel = "uniform|learned|geometric",
      description = "Prior on the level L (default uniform).")
  String prior;

  @Option(
      names = "--rho",
      paramLabel = "ρ",
      description = "Geometric prior π_l ∝ ρ^l, 0 < ρ < 1 (default 0.5).")
  Double rho;

  @Option(
      names = "--prior-phase",
      split = ",",
      paramLabel = "E1,E2",
      description =
          "Phase the geometric prior in linearly from epoch E1 to E2 (default 0,0: from the start).")
  List<Integer> priorPhase;

  @Option(
      names = "--learn-selection-prior",
      description = "Learn the selection prior β (default β = 0, uniform subsets).")
  Boolean learnSelectionPrior;

  @Option(names = "--beta-l", paramLabel = "W", description = "Weight of KL_L (default 1).")
  Double betaL;

  @Option(names = "--beta-s", paramLabel = "W", description = "Weight of KL_S (default 1).")
  Double betaS;

  @Option(names = "--beta-v", paramLabel = "W", description = "Weight of KL_v (default 1).")
  Double betaV;

  @Option(
      names = "--warmup",
      paramLabel = "E",
      description = "Linear KL warm-up over the first E epochs (default 0).")
  Integer warmup;

  @Option(
      names = "--target-nnz",
      paramLabel = "T",
      description =
          "Budget: the mean number of non-zeros per code to aim for (sdlgm: steers the "
              + "geometric level prior's cost during training; batchtopk-ae, vsc: their k and spike "
              + "prior). No code has more than L0. Default: L0/2 (none with --plain).")
  Double targetNnz;

  @Option(
      names = "--settle",
      paramLabel = "F",
      description =
          "Share of the epochs, at the end, trained without sampling noise so that "
              + "they fit the deterministic codes (default 1, every epoch; 0 with --plain).")
  Double settle;

  @Option(
      names = "--train-at-cap",
      negatable = true,
      description =
          "Train every code at the cap L0 and meet --target-nnz only with the level cost set "
              + "after training: codes are a top-L0 code cut per input at the level the objective "
              + "prefers (docs/model.md, choice 42). Default: on for sdlgm's default objective "
              + "with a budget and exact or search level inference; --no-train-at-cap steers the "
              + "training codes to the budget instead.")
  Boolean trainAtCap;

  @Option(
      names = "--plain",
      description =
          "The plain model and objective of docs/model.md (the ELBO with all KL weights "
              + "1, uniform level prior, selection head) instead of the default objective for useful "
              + "codes.")
  boolean plain;

  @Option(
      names = "--selection",
      paramLabel = "head|values",
      description =
          "Selection logits α of q(S|x): head (a head of their own, the plain model's) "
              + "or values (α = c·|μ|, so inputs select the dimensions they give large values).")
  String selection;

  @Option(
      names = "--selection-scale",
      paramLabel = "C",
      description =
          "Factor c of the selection logits: α = c·|μ| with --selection values (default 3), c·a_S(h) with the head (default 1).")
  Double selectionScale;

  @Option(
      names = "--selection-gradient",
      paramLabel = "relaxed|none",
      description =
          "What trains the selection logits: the relaxation's gradient (relaxed, the plain "
              + "model's) or nothing of their own (none: with --selection values the selection "
              + "follows the values, as in a top-k autoencoder).")
  String selectionGradient;

  @Option(
      names = "--level-estimator",
      paramLabel = "relaxed|exact|marginal",
      description =
          "How training takes the expectation over the level L: at one relaxed sample "
              + "(relaxed, the plain model's), summed over all L0 levels under q(L|x) (exact), or "
              + "under the optimal q*(L|x) ∝ π(L)·exp(ELBO at L), to which the level head is "
              + "fitted (marginal: the level is marginalised exactly). exact and marginal take "
              + "one decoder pass per level.")
  String levelEstimator;

  @Option(
      names = "--level-posterior",
      paramLabel = "categorical|ordinal",
      description =
          "Family of q(L|x): categorical (a softmax over the L0 levels, the plain model's) or "
              + "ordinal (a discretised Gaussian over the levels, whose mass always reaches the "
              + "neighbouring levels).")
  String levelPosterior;

  @Option(
      names = "--clip-mean",
      negatable = true,
      description =
          "Gaussian likelihood: clip the decoder's mean to [0, 1], for data clipped to that range "
              + "(the built-in synthetic data are).")
  Boolean clipMean;

  @Option(
      names = "--level-inference",
      paramLabel = "head|exact|search",
      description =
          "How encoding chooses L̂: exact (the mode of the level posterior that is optimal for "
              + "the input's code, scored with one decoder pass per level; the default of train), "
              + "search (the same posterior scored only on the levels of a local climb from the "
              + "level head's mode: about three decoder passes per row, the exact mode on most "
              + "rows) or head (the mode of the level head's q(L|x): no decoder pass; the default "
              + "with --plain).")
  String levelInference;

  /**
   * The configuration {@code sdlgm train} starts from: the plain model with {@code --plain}, else
   * the default objective ({@link Recipes#sparseCodes}) at the cap and budget given (budget L0/2
   * when none is) — with every option the user gave applied.
   */
  SdlgmConfig resolve() {
    if (plain) {
      return atCap(apply(Recipes.plain()));
    }
    int l0 = maxLevel != null ? maxLevel : Recipes.plain().maxLevel();
    Method m = method == null ? Method.SDLGM : Method.of(method);
    // The default objective is sdlgm's (and its fixed-level ablation's); the other methods
    // keep their own objectives, with every KL weight 1.
    SdlgmConfig c = apply(m.isSdlgm() ? Recipes.sparseCodes(l0, 0) : Recipes.plain());
    boolean budgeted = c.method().budget() == Method.Budget.MEAN;
    if (targetNnz == null
        && budgeted
        && rho == null
        && (c.method() != Method.SDLGM || c.levelPrior() == LevelPrior.GEOMETRIC)) {
      c = c.toBuilder().targetNnz(Recipes.defaultTarget(c.maxLevel())).build();
    }
    if (trainAtCap == null) {
      // The default objective trains at the cap where it can: sdlgm with a budget, read by a
      // level inference that uses the level cost (head inference, --rho or --method sdlgm-fixed
      // leave it off rather than being refused for an option the user never gave).
      boolean applies =
          c.method() == Method.SDLGM
              && c.targetNnz() > 0
              && c.levelInference() != LevelInference.HEAD;
      return c.toBuilder().trainAtCap(applies).build();
    }
    return atCap(c);
  }

  /**
   * {@code c} with an explicit {@code --train-at-cap} or {@code --no-train-at-cap} applied (after
   * the budget, which the first needs, is set), refused if the result cannot be trained.
   */
  SdlgmConfig atCap(SdlgmConfig c) {
    SdlgmConfig out = trainAtCap == null ? c : c.toBuilder().trainAtCap(trainAtCap).build();
    out.checkTrainable();
    return out;
  }

  /**
   * Refuses values the configurations accept but that make no sense, naming the option: a negative
   * KL weight, temperature decay or warm-up, an infinite temperature or σ_x.
   */
  void check() {
    atLeastZero("--beta-l", betaL);
    atLeastZero("--beta-s", betaS);
    atLeastZero("--beta-v", betaV);
    atLeastZero("--tau-rate", tauRate);
    positive("--tau0", tau0);
    positive("--tau-min", tauMin);
    positive("--sigma-x", sigmaX);
    if (warmup != null && warmup < 0) {
      throw new org.sdlgm.SdlgmException("--warmup must be ≥ 0 epochs, got " + warmup);
    }
  }

  private static void atLeastZero(String option, Double value) {
    if (value != null && !(value >= 0 && value < Double.POSITIVE_INFINITY)) {
      throw new org.sdlgm.SdlgmException(option + " must be a finite number ≥ 0, got " + value);
    }
  }

  private static void positive(String option, Double value) {
    if (value != null && !(value > 0 && value < Double.POSITIVE_INFINITY)) {
      throw new org.sdlgm.SdlgmException(option + " must be a finite number > 0, got " + value);
    }
  }

  /** The base configuration with every option the user gave applied. */
  SdlgmConfig apply(SdlgmConfig base) {
    check();
    SdlgmConfig.Builder b = base.toBuilder();
    if (method != null) {
      b.method(Method.of(method));
    }
    if (latentDim != null) {
      b.latentDim(latentDim);
    }
    if (maxLevel != null) {
      b.maxLevel(maxLevel);
    }
    if (encoderHidden != null) {
      b.encoderHidden(encoderHidden);
    }
    if (decoder != null) {
      b.decoder(Decoder.of(decoder));
    }
    if (decoderHidden != null) {
      b.decoderHidden(decoderHidden);
    }
    if (likelihood != null) {
      b.likelihood(Likelihood.of(likelihood));
    }
    if (sigmaX != null) {
      b.sigmaXInit(sigmaX);
    }
    if (fixedSigmaX != null) {
      b.learnSigmaX(!fixedSigmaX);
    }
    if (klV != null) {
      b.klV(KlV.of(klV));
    }
    if (hard != null) {
      b.straightThrough(hard);
    }
    if (tau0 != null) {
      b.tau0(tau0);
    }
    if (tauMin != null) {
      b.tauMin(tauMin);
    }
    if (tauRate != null) {
      b.tauRate(tauRate);
    }
    if (tauPerEpoch != null) {
      b.tauPerEpoch(tauPerEpoch);
    }
    if (prior != null) {
      b.levelPrior(LevelPrior.of(prior));
    }
    if (rho != null) {
      b.rho(rho);
    }
    if (priorPhase != null) {
      if (priorPhase.size() != 2) {
        throw new org.sdlgm.SdlgmException(
            "--prior-phase takes two epochs, E1,E2; got " + priorPhase);
      }
      b.priorPhase(priorPhase.get(0), priorPhase.get(1));
    }
    if (learnSelectionPrior != null) {
      b.learnSelectionPrior(learnSelectionPrior);
    }
    if (betaL != null) {
      b.betaL(betaL);
    }
    if (betaS != null) {
      b.betaS(betaS);
    }
    if (betaV != null) {
      b.betaV(betaV);
    }
    if (warmup != null) {
      b.warmupEpochs(warmup);
    }
    if (settle != null) {
      b.settleFraction(settle);
    }
    if (selection != null) {
      b.selection(Selection.of(selection));
    }
    if (selectionScale != null) {
      b.selectionScale(selectionScale);
    }
    if (selectionGradient != null) {
      b.selectionGradient(SelectionGradient.of(selectionGradient));
    } else if (selection != null && Selection.of(selection) == Selection.HEAD) {
      // A selection head of its own learns only from the relaxation's gradient; asking for one
      // asks for that gradient too.
      b.selectionGradient(SelectionGradient.RELAXED);
    }
    if (levelEstimator != null) {
      b.levelEstimator(LevelEstimator.of(levelEstimator));
    }
    if (levelPosterior != null) {
      b.levelPosterior(LevelPosterior.of(levelPosterior));
    }
    if (clipMean != null) {
      b.clipMean(clipMean);
    }
    if (levelInference != null) {
      b.levelInference(LevelInference.of(levelInference));
    }
    if (targetNnz != null) {
      b.targetNnz(targetNnz);
      if (prior == null) {
        b.levelPrior(LevelPrior.GEOMETRIC);
      }
    }
    return b.build();
  }
}
