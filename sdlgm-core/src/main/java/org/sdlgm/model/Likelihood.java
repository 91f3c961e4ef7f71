package org.sdlgm.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The observation model p(x | z). {@code bernoulli} suits data in [0,1] (images); it is evaluated
 * in the numerically stable logits form. {@code gaussian} is N(g(z), σ_x² I) with σ_x learned
 * (initialised at {@code sigmaXInit}) or fixed, for real-valued data.
 */
public enum Likelihood {
  BERNOULLI("bernoulli"),
  GAUSSIAN("gaussian");

  private final String id;

  Likelihood(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  @JsonCreator
  public static Likelihood of(String id) {
    return Method.Options.parse(Likelihood.class, id, Likelihood::id, "likelihood");
  }

  @Override
  public String toString() {
    return id;
  }
}
