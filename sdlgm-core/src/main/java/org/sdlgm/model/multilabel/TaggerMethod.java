package org.sdlgm.model.multilabel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.sdlgm.model.Method;

/**
 * Which multi-label model a run trains: {@code sdlgm} (a count head q(L | x) and label logits α,
 * trained through the two Gumbel-Softmax relaxations), {@code sdlgm-fixed} (the ablation that
 * always predicts L0 labels) and {@code br-mlp} (binary relevance: the same trunk with one sigmoid
 * per label, sets by threshold or fixed top-k).
 */
public enum TaggerMethod {
  SDLGM("sdlgm"),
  SDLGM_FIXED("sdlgm-fixed"),
  BR_MLP("br-mlp");

  private final String id;

  TaggerMethod(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  /** True when the model has a count head (predicts its own set size). */
  public boolean hasCountHead() {
    return this == SDLGM;
  }

  @JsonCreator
  public static TaggerMethod of(String id) {
    return Method.Options.parse(TaggerMethod.class, id, TaggerMethod::id, "multi-label method");
  }

  @Override
  public String toString() {
    return id;
  }
}
