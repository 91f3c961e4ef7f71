package org.sdlgm.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The decoder family. {@code mlp} is a ReLU MLP with the configured hidden sizes; {@code linear} is
 * z ↦ Wz + b, the dictionary (sparse-coding) view where each active dimension adds one atom and L
 * counts atoms.
 */
public enum Decoder {
  MLP("mlp"),
  LINEAR("linear");

  private final String id;

  Decoder(String id) {
    this.id = id;
  }

  @JsonValue
  public String id() {
    return id;
  }

  @JsonCreator
  public static Decoder of(String id) {
    return Method.Options.parse(Decoder.class, id, Decoder::id, "decoder");
  }

  @Override
  public String toString() {
    return id;
  }
}
