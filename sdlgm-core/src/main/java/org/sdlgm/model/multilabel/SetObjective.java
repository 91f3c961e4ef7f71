package org.sdlgm.model.multilabel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.sdlgm.model.Method;

/**
 * The set likelihood of the supervised SDLGM (docs/multilabel.md): {@code relaxed-bce}, the
 * expected binary cross-entropy between the label indicator and the relaxed mask of the two
 * Gumbel-Softmax steps (the default), or {@code plackett-luce}, the lower bound −log P(order o of
 * Y′ | x, L = |Y′|) with o a uniformly random permutation of the true set.
 */
public enum SetObjective {
  RELAXED_BCE("relaxed-bce"),
  PLACKETT_LUCE("plackett-luce");

  private final String id;

  SetObjective(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  @JsonCreator
  public static SetObjective of(String id) {
    return Method.Options.parse(SetObjective.class, id, SetObjective::id, "objective");
  }

  @Override
  public String toString() {
    return id;
  }
}
