package org.sdlgm.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which dimensions the KL of the values v counts. {@code all}: q(v|x) = N(μ, σ²) on every dimension
 * (the plain model's). {@code selected}: unselected values equal the prior, so only the selected
 * dimensions pay KL — a tighter valid bound, part of the recommended recipe.
 */
public enum KlV {
  ALL("all"),
  SELECTED("selected");

  private final String id;

  KlV(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  @JsonCreator
  public static KlV of(String id) {
    return Method.Options.parse(KlV.class, id, KlV::id, "kl-v mode");
  }

  @Override
  public String toString() {
    return id;
  }
}
