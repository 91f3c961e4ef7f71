package org.sdlgm;

/**
 * A problem caused by the user's input (data file, configuration, model directory or output path)
 * rather than by a bug. The message is meant to be shown as is: it names the file, the line or
 * field where known, and what was expected. The CLI maps it to exit code 2.
 */
public class SdlgmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SdlgmException(String message) {
    super(message);
  }

  public SdlgmException(String message, Throwable cause) {
    super(message, cause);
  }
}
