package org.sdlgm.server;

/**
 * A request the server refuses, with the HTTP status, a one-line message and the request field at
 * fault (null when no single field is): the server answers it as {@code {"error": message, "field":
 * field}}, never with a stack trace.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String field;

  public ApiException(int status, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  /** A 400 naming {@code field}. */
  public static ApiException badField(String field, String message) {
    return new ApiException(400, field + ": " + message, field);
  }

  public int status() {
    return status;
  }

  public String field() {
    return field;
  }
}
