package org.sdlgm.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The prior π over the sparsity level L ∈ {1..L0}. {@code uniform} is the plain model's; {@code
 * learned} is softmax of free logits; {@code geometric} is π_l ∝ ρ^l, which charges log(1/ρ) nats
 * per extra level and is what makes the ELBO prefer the smallest sufficient L (see docs/model.md,
 * "Identifiability of L"). The geometric prior can be phased in linearly from uniform between two
 * epochs.
 */
public enum LevelPrior {
  UNIFORM("uniform"),
  LEARNED("learned"),
  GEOMETRIC("geometric");

  private final String id;

  LevelPrior(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  @JsonCreator
  public static LevelPrior of(String id) {
    return Method.Options.parse(LevelPrior.class, id, LevelPrior::id, "level prior");
  }

  @Override
  public String toString() {
    return id;
  }
}
