package org.sdlgm.model.multilabel;

import java.util.List;
import org.sdlgm.SdlgmException;

/**
 * Every hyperparameter of a multi-label model (docs/multilabel.md, "The model"): method and set
 * objective, the MLP trunk, the cap L0 and the smallest level L_min of the count head ({@code 1},
 * or {@code 0} for data with empty label sets), the weight λ of the count term, the temperature
 * schedule of the two relaxations, the BCE squash ε_b, and the set rules of the binary-relevance
 * baseline. An immutable value with a {@link Builder} and a JSON form (written to the model
 * directory's {@code config.json}).
 *
 * <p>{@code numFeatures}, {@code numLabels} and {@code topK} may be 0, meaning "take it from the
 * training data"; the trainer resolves them before building the network.
 */
public record TaggerConfig(
    TaggerMethod method,
    SetObjective objective,
    int numFeatures,
    int numLabels,
    List<Integer> hidden,
    double dropout,
    int maxLevel,
    int minLevel,
    double countWeight,
    double tau0,
    double tauMin,
    double tauRate,
    double bceEpsilon,
    boolean straightThrough,
    double threshold,
    int topK) {

  public TaggerConfig {
    hidden = List.copyOf(hidden);
    if (method == null || objective == null) {
      throw new SdlgmException("method and objective must be set");
    }
    if (numFeatures < 0 || numLabels < 0) {
      throw new SdlgmException("numFeatures and numLabels must be ≥ 0 (0 = from the data)");
    }
    if (maxLevel < 1) {
      throw new SdlgmException("max-level L0 must be ≥ 1, got " + maxLevel);
    }
    if (numLabels > 0 && maxLevel > numLabels) {
      throw new SdlgmException(
          "max-level L0 = " + maxLevel + " must be ≤ the number of labels " + numLabels);
    }
    if (minLevel != 0 && minLevel != 1) {
      throw new SdlgmException(
          "min-level must be 0 (count head over 0..L0) or 1 (over 1..L0), got " + minLevel);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new SdlgmException("dropout must be in [0, 1), got " + dropout);
    }
    if (!(countWeight >= 0)) {
      throw new SdlgmException("count weight λ must be ≥ 0, got " + countWeight);
    }
    if (!(tau0 > 0) || !(tauMin > 0) || tauMin > tau0 || !(tauRate >= 0)) {
      throw new SdlgmException(
          "temperatures must satisfy 0 < tau-min ≤ tau0 and rate ≥ 0, got tau0 = "
              + tau0
              + ", tau-min = "
              + tauMin
              + ", rate = "
              + tauRate);
    }
    if (!(bceEpsilon >= 0 && bceEpsilon < 0.5)) {
      throw new SdlgmException("bce-epsilon must be in [0, 0.5), got " + bceEpsilon);
    }
    if (!(threshold > 0 && threshold < 1)) {
      throw new SdlgmException("threshold must be in (0, 1), got " + threshold);
    }
    if (topK < 0) {
      throw new SdlgmException("top-k must be ≥ 0 (0 = training label cardinality), got " + topK);
    }
    for (int h : hidden) {
      if (h < 1) {
        throw new SdlgmException("hidden sizes must be ≥ 1, got " + hidden);
      }
    }
  }

  /** Number of levels of the count head: L0 − L_min + 1. */
  public int numLevels() {
    return maxLevel - minLevel + 1;
  }

  /** The count target n(Y) = clip(|Y|, L_min, L0). */
  public int countTarget(int setSize) {
    return Math.max(minLevel, Math.min(maxLevel, setSize));
  }

  /** The Gumbel-Softmax temperature at global training step {@code step}. */
  public double tauAt(long step) {
    return Math.max(tauMin, tau0 * Math.exp(-tauRate * step));
  }

  /**
   * The set rules this model's evaluation reports: count for SDLGM, L0 for the fixed ablation, both
   * BR rules.
   */
  public List<SetRule> setRules() {
    switch (method) {
      case BR_MLP:
        return List.of(SetRule.THRESHOLD, SetRule.TOP_K);
      case SDLGM_FIXED:
        return List.of(SetRule.TOP_K);
      default:
        return List.of(SetRule.COUNT);
    }
  }

  /** The k of the top-k rule: L0 for sdlgm-fixed, else {@link #topK()}. */
  public int effectiveTopK() {
    return method == TaggerMethod.SDLGM_FIXED ? maxLevel : topK;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Builder for {@link TaggerConfig}; defaults: sdlgm, relaxed-bce, one hidden layer of 512, L0 =
   * 10, L_min = 1, λ = 1, the unsupervised model's τ schedule, ε_b = 1e-6.
   */
  public static final class Builder {
    private TaggerMethod method = TaggerMethod.SDLGM;
    private SetObjective objective = SetObjective.RELAXED_BCE;
    private int numFeatures = 0;
    private int numLabels = 0;
    private List<Integer> hidden = List.of(512);
    private double dropout = 0.0;
    private int maxLevel = 10;
    private int minLevel = 1;
    private double countWeight = 1.0;
    private double tau0 = 1.0;
    private double tauMin = 0.5;
    private double tauRate = 1e-4;
    private double bceEpsilon = 1e-6;
    private boolean straightThrough = false;
    private double threshold = 0.5;
    private int topK = 0;

    private Builder() {}

    private Builder(TaggerConfig c) {
      method = c.method;
      objective = c.objective;
      numFeatures = c.numFeatures;
      numLabels = c.numLabels;
      hidden = c.hidden;
      dropout = c.dropout;
      maxLevel = c.maxLevel;
      minLevel = c.minLevel;
      countWeight = c.countWeight;
      tau0 = c.tau0;
      tauMin = c.tauMin;
      tauRate = c.tauRate;
      bceEpsilon = c.bceEpsilon;
      straightThrough = c.straightThrough;
      threshold = c.threshold;
      topK = c.topK;
    }

    public Builder method(TaggerMethod v) {
      method = v;
      return this;
    }

    public Builder objective(SetObjective v) {
      objective = v;
      return this;
    }

    public Builder numFeatures(int v) {
      numFeatures = v;
      return this;
    }

    public Builder numLabels(int v) {
      numLabels = v;
      return this;
    }

    public Builder hidden(List<Integer> v) {
      hidden = v;
      return this;
    }

    public Builder dropout(double v) {
      dropout = v;
      return this;
    }

    public Builder maxLevel(int v) {
      maxLevel = v;
      return this;
    }

    public Builder minLevel(int v) {
      minLevel = v;
      return this;
    }

    public Builder countWeight(double v) {
      countWeight = v;
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

    public Builder bceEpsilon(double v) {
      bceEpsilon = v;
      return this;
    }

    public Builder straightThrough(boolean v) {
      straightThrough = v;
      return this;
    }

    public Builder threshold(double v) {
      threshold = v;
      return this;
    }

    public Builder topK(int v) {
      topK = v;
      return this;
    }

    public TaggerConfig build() {
      return new TaggerConfig(
          method,
          objective,
          numFeatures,
          numLabels,
          hidden,
          dropout,
          maxLevel,
          minLevel,
          countWeight,
          tau0,
          tauMin,
          tauRate,
          bceEpsilon,
          straightThrough,
          threshold,
          topK);
    }
  }
}
