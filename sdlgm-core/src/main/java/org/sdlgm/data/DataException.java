package org.sdlgm.data;

import org.sdlgm.SdlgmException;

/**
 * Bad input data: a file that cannot be read as the format it claims to be. The message always
 * starts with the file name and, where it applies, the 1-based line (or record) number, so that a
 * user can open the file at the offending place.
 */
public class DataException extends SdlgmException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }

  /** "file:line: problem" — the conventional compiler-style location prefix. */
  public static DataException at(String file, long line, String problem) {
    return new DataException(file + ":" + line + ": " + problem);
  }
}
