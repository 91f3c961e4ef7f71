package org.sdlgm.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What trains the selection logits α of q(S | x, L) in a training pass. {@code relaxed} (the plain
 * model's): the Gumbel-Softmax relaxation of the selection carries the likelihood's and KL_S's
 * gradients into α (with straight-through, the relaxed mask's Jacobian stands in for the hard
 * mask's). {@code none}: α gets no gradient of its own; the hard selection is treated as the
 * piecewise-constant function it is, so with {@link Selection#VALUES} (α = c·|μ|) the selection
 * follows the values, which learn from the dimensions they are selected in, as in a top-k
 * autoencoder. With {@link Selection#HEAD} a selection head would never learn, so {@code none}
 * requires {@code values}.
 */
public enum SelectionGradient {
  RELAXED("relaxed"),
  NONE("none");

  private final String id;

  SelectionGradient(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  @JsonCreator
  public static SelectionGradient of(String id) {
    return Method.Options.parse(
        SelectionGradient.class, id, SelectionGradient::id, "selection gradient");
  }

  @Override
  public String toString() {
    return id;
  }
}
