package org.sdlgm.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How encoding chooses an input's level L̂. {@code head} (default): the mode of the amortised q(L |
 * x), the level head's softmax — one linear map. {@code exact}: the mode of the level posterior
 * that is optimal for the input's deterministic code, q*(l | x) ∝ π_l·exp(F_l / β_L), where F_l is
 * the objective restricted to level l (log p(x | z_l) − β_S·KL_S,l − β_v·KL_v,l, z_l the values μ
 * on the top l dimensions of α) — what the head approximates, computed with one decoder pass per
 * level, so encoding costs L0 decoder passes more. {@code search}: the same q*, scored only on the
 * levels of a local search that starts at the head's mode and climbs to a local maximum — about
 * three decoder passes per row, and the exact mode wherever the profile over levels has one peak
 * (docs/model.md, choice 38). The level probabilities written with each code are then q*'s (for
 * {@code search}, renormalised over the levels it scored).
 */
public enum LevelInference {
  HEAD("head"),
  EXACT("exact"),
  SEARCH("search");

  private final String id;

  LevelInference(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  @JsonCreator
  public static LevelInference of(String id) {
    return Method.Options.parse(LevelInference.class, id, LevelInference::id, "level inference");
  }

  @Override
  public String toString() {
    return id;
  }
}
