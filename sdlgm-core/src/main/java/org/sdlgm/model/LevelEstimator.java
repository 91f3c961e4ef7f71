package org.sdlgm.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How training takes the expectation over the level L in the likelihood term E_q[log p(x | z)].
 * {@code relaxed}: at one Gumbel-Softmax sample of L per input (the plain model's). {@code exact}:
 * summed over all L0 levels, Σ_l q(l | x)·log p(x | z_l), where z_l keeps the first l dimensions of
 * the one sampled selection order — one decoder pass per level. The sum gives q(L | x) the exact
 * gradient of the likelihood term, where the relaxed sample's linearised gradient is biased upward:
 * a level below the data's makes the reconstruction much worse and says so, a level above it costs
 * little and says nothing, so the relaxed model settles one or two levels above (docs/model.md,
 * choice 35). {@code marginal}: summed over all levels as well, but under the level posterior that
 * is optimal for the sampled selection and values, q*(l | x) ∝ π_l·exp(F_l) with F_l the objective
 * at level l, which marginalises the level exactly; the level head, which encoding reads, is fitted
 * to q* by cross-entropy (docs/model.md, choice 37). The selection and values keep their
 * relaxations.
 */
public enum LevelEstimator {
  RELAXED("relaxed"),
  EXACT("exact"),
  MARGINAL("marginal");

  private final String id;

  LevelEstimator(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  @JsonCreator
  public static LevelEstimator of(String id) {
    return Method.Options.parse(LevelEstimator.class, id, LevelEstimator::id, "level estimator");
  }

  @Override
  public String toString() {
    return id;
  }
}
