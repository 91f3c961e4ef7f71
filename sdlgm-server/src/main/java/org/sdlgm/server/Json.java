package org.sdlgm.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The server's JSON mapper: the library's mapper without indentation (responses are compact).
 * Records of the library serialise as they do in {@code config.json}.
 */
final class Json {
  static final ObjectMapper MAPPER =
      org.sdlgm.io.ModelDirectory.json().copy().disable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}
}
