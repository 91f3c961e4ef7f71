package org.sdlgm.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The family of q(L | x). {@code categorical}: a softmax over the L0 level logits of a head with L0
 * outputs (the plain model's). {@code ordinal}: a discretised Gaussian over the levels, q(l | x) ∝
 * exp(−(l − m(x))² / (2 s(x)²)), from a head with two outputs, a location m and a spread s ≥ {@link
 * #MIN_SPREAD}. Its mass always reaches the neighbouring levels, so every term's gradient can move
 * it from one level to the next; a categorical posterior that settled on one level with probability
 * ≈ 1 sends the other levels gradients proportional to their vanishing mass (docs/model.md,
 * "Identifiability of L", and choice 36).
 */
public enum LevelPosterior {
  CATEGORICAL("categorical"),
  ORDINAL("ordinal");

  /** The smallest spread s of the ordinal form, in levels. */
  public static final float MIN_SPREAD = 0.3f;

  private final String id;

  LevelPosterior(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  @JsonCreator
  public static LevelPosterior of(String id) {
    return Method.Options.parse(LevelPosterior.class, id, LevelPosterior::id, "level posterior");
  }

  @Override
  public String toString() {
    return id;
  }
}
