package org.sdlgm.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import org.sdlgm.SdlgmException;

/**
 * Every hyperparameter that defines a model and its objective: architecture, likelihood, the two
 * Gumbel-Softmax relaxations and their temperature schedule, the priors and the KL weights. An
 * immutable value with a {@link Builder} and a JSON form (it is written to the model directory's
 * {@code config.json}); the defaults are the plain model's (docs/model.md), and the recommended
 * recipe switches ({@code straightThrough}, {@code klV = selected}, a geometric level prior phased
 * in) are documented in {@code docs/model.md}.
 *
 * <p>{@code inputDim} is the data's D; the trainer fills it in from the data when it is 0.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record SdlgmConfig(
    Method method,
    int inputDim,
    int latentDim,
    int maxLevel,
    List<Integer> encoderHidden,
    Decoder decoder,
    List<Integer> decoderHidden,
    Likelihood likelihood,
    boolean learnSigmaX,
    double sigmaXInit,
    KlV klV,
    boolean straightThrough,
    double tau0,
    double tauMin,
    double tauRate,
    boolean tauPerEpoch,
    LevelPrior levelPrior,
    double rho,
    int priorPhaseStart,
    int priorPhaseEnd,
    boolean learnSelectionPrior,
    double betaL,
    double betaS,
    double betaV,
    int warmupEpochs,
    double targetNnz,
    Selection selection,
    double selectionScale,
    SelectionGradient selectionGradient,
    double settleFraction,
    LevelEstimator levelEstimator,
    LevelPosterior levelPosterior,
    boolean clipMean,
    LevelInference levelInference,
    boolean trainAtCap) {

  public SdlgmConfig {
    // Model directories written before these fields existed used the plain model's selection head.
    selection = selection == null ? Selection.HEAD : selection;
    selectionGradient = selectionGradient == null ? SelectionGradient.RELAXED : selectionGradient;
    levelEstimator = levelEstimator == null ? LevelEstimator.RELAXED : levelEstimator;
    levelPosterior = levelPosterior == null ? LevelPosterior.CATEGORICAL : levelPosterior;
    levelInference = levelInference == null ? LevelInference.HEAD : levelInference;
    if (!(selectionScale >= 0) || Double.isInfinite(selectionScale)) {
      throw new SdlgmException(
          "the selection scale c must be > 0 (0 = the default of the "
              + "selection form), got "
              + selectionScale);
    }
    if (selectionGradient == SelectionGradient.NONE && selection != Selection.VALUES) {
      throw new SdlgmException(
          "--selection-gradient none needs --selection values: a selection head that gets no "
              + "gradient never learns (use --selection-gradient relaxed with the head)");
    }
    if (!(settleFraction >= 0 && settleFraction <= 1)) {
      throw new SdlgmException(
          "the settling share of the epochs must be in [0, 1], got " + settleFraction);
    }
    encoderHidden = List.copyOf(encoderHidden);
    decoderHidden = List.copyOf(decoderHidden);
    validate(
        method,
        inputDim,
        latentDim,
        maxLevel,
        tau0,
        tauMin,
        levelPrior,
        rho,
        priorPhaseStart,
        priorPhaseEnd,
        sigmaXInit,
        encoderHidden,
        decoderHidden);
    if (!(targetNnz >= 0) || targetNnz > maxLevel) {
      throw new SdlgmException(
          "the target mean number of non-zeros must be in [0, L0 = "
              + maxLevel
              + "] (0 = no target), got "
              + targetNnz);
    }
    // sdlgm-fixed has one level, so either inference gives it; the baselines have none.
    if (levelInference != LevelInference.HEAD && !method.isSdlgm()) {
      throw new SdlgmException(
          levelInference
              + " level inference scores the levels of sdlgm's code; "
              + method
              + " has no level to infer");
    }
    if (clipMean && likelihood != Likelihood.GAUSSIAN) {
      throw new SdlgmException(
          "clipping the decoder's mean to [0, 1] applies to the Gaussian likelihood only; the "
              + likelihood
              + " likelihood's mean is already in [0, 1]");
    }
    if (trainAtCap && (method != Method.SDLGM || targetNnz <= 0)) {
      throw new SdlgmException(
          "training every code at the cap meets the budget with the level cost set after"
              + " training: it needs sdlgm with a budget (--target-nnz), not "
              + (method != Method.SDLGM ? method : "a model without a budget"));
    }
    if (targetNnz > 0 && method == Method.SDLGM && levelPrior != LevelPrior.GEOMETRIC) {
      throw new SdlgmException(
          "a target mean number of non-zeros steers the cost of the "
              + "geometric level prior; it cannot be combined with the "
              + levelPrior
              + " prior");
    }
  }

  private static void validate(
      Method method,
      int inputDim,
      int latentDim,
      int maxLevel,
      double tau0,
      double tauMin,
      LevelPrior prior,
      double rho,
      int phaseStart,
      int phaseEnd,
      double sigmaXInit,
      List<Integer> enc,
      List<Integer> dec) {
    if (method == null) {
      throw new SdlgmException("method must be set");
    }
    if (inputDim < 0) {
      throw new SdlgmException(
          "input dimension must be ≥ 0 (0 = take it from the data), got " + inputDim);
    }
    if (latentDim < 1) {
      throw new SdlgmException("latent-dim K must be ≥ 1, got " + latentDim);
    }
    if (maxLevel < 1) {
      throw new SdlgmException("max-level L0 must be ≥ 1, got " + maxLevel);
    }
    if (maxLevel > latentDim) {
      throw new SdlgmException(
          "max-level L0 = " + maxLevel + " must be ≤ latent-dim K = " + latentDim);
    }
    if (!(tau0 > 0) || !(tauMin > 0) || tauMin > tau0) {
      throw new SdlgmException(
          "temperatures must satisfy 0 < tau-min ≤ tau0, got tau0 = "
              + tau0
              + ", tau-min = "
              + tauMin);
    }
    if (prior == LevelPrior.GEOMETRIC && !(rho > 0 && rho < 1)) {
      throw new SdlgmException("the geometric level prior needs 0 < rho < 1, got " + rho);
    }
    if (phaseEnd < phaseStart || phaseStart < 0) {
      throw new SdlgmException(
          "prior phase-in needs 0 ≤ start ≤ end, got " + phaseStart + "→" + phaseEnd);
    }
    if (!(sigmaXInit > 0)) {
      throw new SdlgmException("sigma-x must be > 0, got " + sigmaXInit);
    }
    for (int h : enc) {
      if (h < 1) {
        throw new SdlgmException("encoder hidden sizes must be ≥ 1, got " + enc);
      }
    }
    for (int h : dec) {
      if (h < 1) {
        throw new SdlgmException("decoder hidden sizes must be ≥ 1, got " + dec);
      }
    }
  }

  /**
   * Default c of {@link Selection#VALUES} (α = c·|μ|): a value of 1 puts its dimension 3 nats ahead
   * of a zero one. Chosen on Fashion-MNIST (budget 5, 20 epochs): c = 2, 3, 5, 20 gave
   * reconstruction errors 12.46, 12.32, 12.46, 13.81 — enough noise to keep exploring dimensions,
   * not so much that the codes of training differ much from the deterministic ones.
   */
  public static final double DEFAULT_SELECTION_SCALE = 3.0;

  /**
   * The factor c of the selection logits: α = c·a_S(h) ({@link Selection#HEAD}) or c·|μ| ({@link
   * Selection#VALUES}). {@code selectionScale} 0 means the form's default: 1 for the head (the
   * plain model's α = a_S(h)), {@link #DEFAULT_SELECTION_SCALE} for values.
   */
  public double selectionFactor() {
    if (selectionScale > 0) {
      return selectionScale;
    }
    return selection == Selection.VALUES ? DEFAULT_SELECTION_SCALE : 1.0;
  }

  /**
   * How many of a run of {@code epochs} epochs, at its end, train without sampling noise: the
   * Gumbel noise of the level and of the selection keys and the Gaussian noise of the values are
   * scaled to 0, so those epochs fit the deterministic codes that encoding outputs (the KL terms
   * still weigh on q). round(epochs · settleFraction).
   */
  public int settleEpochs(int epochs) {
    return (int) Math.round(epochs * settleFraction);
  }

  /** The plain model's defaults: K = 200, L0 = 20, 784-512-256 MLPs, Bernoulli, uniform prior. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised with this config's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Refuses what a model may be read with but not trained with: training at the cap ({@link
   * #trainAtCap}) under the level head's inference. Such a model meets its budget only through the
   * level cost set after training, which the head does not read, so its codes would sit near the
   * cap; encoding an at-cap model with the head (for its speed) stays possible, with {@link
   * #headAtCapNote} to say what it gives.
   */
  public void checkTrainable() {
    if (trainAtCap && levelInference == LevelInference.HEAD) {
      throw new SdlgmException(
          "training every code at the cap meets the budget with the level cost set after"
              + " training, which the level head's inference does not read: give --level-inference"
              + " exact or search, or --no-train-at-cap to train the head to the budget");
    }
  }

  /**
   * A note for the user when this config reads the levels of a model trained at the cap from its
   * level head: that head learned the levels of training, which were the cap, so the codes have
   * about L0 non-zeros rather than the budget. Reading them is allowed (the head is the fastest
   * mode), so callers print this rather than refuse; empty otherwise.
   */
  public java.util.Optional<String> headAtCapNote() {
    if (!trainAtCap || levelInference != LevelInference.HEAD) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        String.format(
            java.util.Locale.ROOT,
            "note: this model was trained at the cap (train-at-cap, the default objective's); its"
                + " level head predicts levels near L0 = %d, so head codes have about %d non-zeros,"
                + " not the budget of %s. search or exact level inference meet the budget; a model"
                + " trained with --no-train-at-cap has a head trained to it.",
            maxLevel,
            maxLevel,
            targetNnz));
  }

  /**
   * The same config encoding with {@code v} (this one when it already does): only encoding reads
   * the level inference, so a trained model's parameters serve under any of them. Refused, as by
   * the builder, for a method without a level.
   */
  public SdlgmConfig withLevelInference(LevelInference v) {
    return v == levelInference ? this : toBuilder().levelInference(v).build();
  }

  /** The same config with the input dimension set. */
  public SdlgmConfig withInputDim(int d) {
    return toBuilder().inputDim(d).build();
  }

  /**
   * The number of latent dimensions a code may use: L0 for the sparse methods, K for the dense VAE
   * (whose codes are dense by construction).
   */
  public int codeCap() {
    return method == Method.VAE ? latentDim : maxLevel;
  }

  /** Builder for {@link SdlgmConfig}; every setter returns this. */
  public static final class Builder {
    private Method method = Method.SDLGM;
    private int inputDim = 0;
    private int latentDim = 200;
    private int maxLevel = 20;
    private List<Integer> encoderHidden = List.of(512, 256);
    private Decoder decoder = Decoder.MLP;
    private List<Integer> decoderHidden = List.of(256, 512);
    private Likelihood likelihood = Likelihood.BERNOULLI;
    private boolean learnSigmaX = true;
    private double sigmaXInit = 1.0;
    private KlV klV = KlV.ALL;
    private boolean straightThrough = false;
    private double tau0 = 1.0;
    private double tauMin = 0.5;
    private double tauRate = 1e-4;
    private boolean tauPerEpoch = false;
    private LevelPrior levelPrior = LevelPrior.UNIFORM;
    private double rho = 0.5;
    private int priorPhaseStart = 0;
    private int priorPhaseEnd = 0;
    private boolean learnSelectionPrior = false;
    private double betaL = 1.0;
    private double betaS = 1.0;
    private double betaV = 1.0;
    private int warmupEpochs = 0;
    private double targetNnz = 0;
    private Selection selection = Selection.HEAD;
    private double selectionScale = 0;
    private SelectionGradient selectionGradient = SelectionGradient.RELAXED;
    private double settleFraction = 0;
    private LevelEstimator levelEstimator = LevelEstimator.RELAXED;
    private LevelPosterior levelPosterior = LevelPosterior.CATEGORICAL;
    private boolean clipMean;
    private LevelInference levelInference = LevelInference.HEAD;
    private boolean trainAtCap;

    private Builder() {}

    private Builder(SdlgmConfig c) {
      method = c.method;
      inputDim = c.inputDim;
      latentDim = c.latentDim;
      maxLevel = c.maxLevel;
      encoderHidden = c.encoderHidden;
      decoder = c.decoder;
      decoderHidden = c.decoderHidden;
      likelihood = c.likelihood;
      learnSigmaX = c.learnSigmaX;
      sigmaXInit = c.sigmaXInit;
      klV = c.klV;
      straightThrough = c.straightThrough;
      tau0 = c.tau0;
      tauMin = c.tauMin;
      tauRate = c.tauRate;
      tauPerEpoch = c.tauPerEpoch;
      levelPrior = c.levelPrior;
      rho = c.rho;
      priorPhaseStart = c.priorPhaseStart;
      priorPhaseEnd = c.priorPhaseEnd;
      learnSelectionPrior = c.learnSelectionPrior;
      betaL = c.betaL;
      betaS = c.betaS;
      betaV = c.betaV;
      warmupEpochs = c.warmupEpochs;
      targetNnz = c.targetNnz;
      selection = c.selection;
      selectionScale = c.selectionScale;
      selectionGradient = c.selectionGradient;
      settleFraction = c.settleFraction;
      levelEstimator = c.levelEstimator;
      levelPosterior = c.levelPosterior;
      clipMean = c.clipMean;
      levelInference = c.levelInference;
      trainAtCap = c.trainAtCap;
    }

    public Builder method(Method v) {
      method = v;
      return this;
    }

    public Builder inputDim(int v) {
      inputDim = v;
      return this;
    }

    public Builder latentDim(int v) {
      latentDim = v;
      return this;
    }

    public Builder maxLevel(int v) {
      maxLevel = v;
      return this;
    }

    public Builder encoderHidden(List<Integer> v) {
      encoderHidden = v;
      return this;
    }

    public Builder decoder(Decoder v) {
      decoder = v;
      return this;
    }

    public Builder decoderHidden(List<Integer> v) {
      decoderHidden = v;
      return this;
    }

    public Builder likelihood(Likelihood v) {
      likelihood = v;
      return this;
    }

    public Builder learnSigmaX(boolean v) {
      learnSigmaX = v;
      return this;
    }

    public Builder sigmaXInit(double v) {
      sigmaXInit = v;
      return this;
    }

    public Builder klV(KlV v) {
      klV = v;
      return this;
    }

    public Builder straightThrough(boolean v) {
      straightThrough = v;
      return this;
    }

    public Builder tau0(double v) {
      tau0 = v;
      return this;
    }

    public Builder tauMin(double v) {
      tauMin = v;
      return this;
    }

    public Builder tauRate(double v) {
      tauRate = v;
      return this;
    }

    public Builder tauPerEpoch(boolean v) {
      tauPerEpoch = v;
      return this;
    }

    public Builder levelPrior(LevelPrior v) {
      levelPrior = v;
      return this;
    }

    public Builder rho(double v) {
      rho = v;
      return this;
    }

    public Builder priorPhase(int start, int end) {
      priorPhaseStart = start;
      priorPhaseEnd = end;
      return this;
    }

    public Builder learnSelectionPrior(boolean v) {
      learnSelectionPrior = v;
      return this;
    }

    public Builder betaL(double v) {
      betaL = v;
      return this;
    }

    public Builder betaS(double v) {
      betaS = v;
      return this;
    }

    public Builder betaV(double v) {
      betaV = v;
      return this;
    }

    public Builder warmupEpochs(int v) {
      warmupEpochs = v;
      return this;
    }

    /** The budget: a target mean number of non-zeros per code (0 = none). */
    public Builder targetNnz(double v) {
      targetNnz = v;
      return this;
    }

    public Builder selection(Selection v) {
      selection = v;
      return this;
    }

    /**
     * The share of a run's epochs, at its end, trained without sampling noise (the settling epochs;
     * {@link #settleEpochs}).
     */
    public Builder settleFraction(double v) {
      settleFraction = v;
      return this;
    }

    /** c of the selection logits ({@link #selectionFactor}); 0 = the form's default. */
    public Builder selectionScale(double v) {
      selectionScale = v;
      return this;
    }

    /** What trains the selection logits ({@link SelectionGradient}; default relaxed). */
    public Builder selectionGradient(SelectionGradient v) {
      selectionGradient = v;
      return this;
    }

    /** How training takes the expectation over the level ({@link LevelEstimator}). */
    public Builder levelEstimator(LevelEstimator v) {
      levelEstimator = v;
      return this;
    }

    /** The family of q(L | x) ({@link LevelPosterior}). */
    public Builder levelPosterior(LevelPosterior v) {
      levelPosterior = v;
      return this;
    }

    /**
     * Gaussian likelihood only: the decoder's mean is min(max(g, 0), 1), for data that lie in [0,
     * 1] because they were clipped there (default false: the mean is g).
     */
    public Builder clipMean(boolean v) {
      clipMean = v;
      return this;
    }

    /** How encoding chooses the level L̂ (default {@link LevelInference#HEAD}). */
    public Builder levelInference(LevelInference v) {
      levelInference = v;
      return this;
    }

    /**
     * Train every code at the cap L0 (the level cost steered to L0 during training) and meet the
     * budget only with the level cost set after training (default false: training steers to the
     * budget itself).
     */
    public Builder trainAtCap(boolean v) {
      trainAtCap = v;
      return this;
    }

    public SdlgmConfig build() {
      return new SdlgmConfig(
          method,
          inputDim,
          latentDim,
          maxLevel,
          encoderHidden,
          decoder,
          decoderHidden,
          likelihood,
          learnSigmaX,
          sigmaXInit,
          klV,
          straightThrough,
          tau0,
          tauMin,
          tauRate,
          tauPerEpoch,
          levelPrior,
          rho,
          priorPhaseStart,
          priorPhaseEnd,
          learnSelectionPrior,
          betaL,
          betaS,
          betaV,
          warmupEpochs,
          targetNnz,
          selection,
          selectionScale,
          selectionGradient,
          settleFraction,
          levelEstimator,
          levelPosterior,
          clipMean,
          levelInference,
          trainAtCap);
    }
  }
}
