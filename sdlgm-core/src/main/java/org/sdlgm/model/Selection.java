package org.sdlgm.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How the encoder parametrises the selection logits α of q(S | x, L). {@code head}: a linear head
 * of its own on the encoder trunk (the plain model's). {@code values}: α_k = c·|μ_k|, the scaled
 * magnitude of the value means, so that the dimensions an input would give large values are the
 * ones it tends to select. Either way q(S | x, L) is a distribution of successive draws from
 * softmax(α) and the bound stays valid; {@code values} ties which dimensions are chosen to what
 * they would carry, which keeps many dimensions in use (with its own head the selection settles on
 * the same few dimensions for every input; docs/model.md).
 */
public enum Selection {
  HEAD("head"),
  VALUES("values");

  private final String id;

  Selection(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  @JsonCreator
  public static Selection of(String id) {
    return Method.Options.parse(Selection.class, id, Selection::id, "selection");
  }

  @Override
  public String toString() {
    return id;
  }
}
