package org.sdlgm.model.multilabel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.sdlgm.model.Method;

/**
 * How a predicted label set is formed from the scores: {@code count} (the SDLGM rule: the top L̂
 * labels with L̂ = argmax q(L | x)), {@code threshold} (every label whose probability exceeds the
 * threshold — binary relevance) or {@code top-k} (always the k best labels).
 */
public enum SetRule {
  COUNT("count"),
  THRESHOLD("threshold"),
  TOP_K("top-k");

  private final String id;

  SetRule(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  @JsonCreator
  public static SetRule of(String id) {
    return Method.Options.parse(SetRule.class, id, SetRule::id, "set rule");
  }

  @Override
  public String toString() {
    return id;
  }
}
