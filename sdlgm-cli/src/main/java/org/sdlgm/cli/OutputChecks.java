package org.sdlgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.sdlgm.SdlgmException;

/**
 * Checks of output options made before any work, so that a run never fails at its end for a path
 * that was unusable from the start, and of option values the commands share.
 */
final class OutputChecks {
  private OutputChecks() {}

  /**
   * Refuses an output file ({@code option}) that is a folder, or whose folder is missing, is a file
   * or cannot be written; null (option not given) passes.
   */
  static void file(Path file, String option) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw new SdlgmException(option + " " + file + ": is a folder; give a file name");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null) {
      return;
    }
    for (Path p = parent; p != null; p = p.getParent()) {
      if (Files.exists(p) && !Files.isDirectory(p)) {
        throw new SdlgmException(option + " " + file + ": " + p + " is a file, not a folder");
      }
      if (Files.isDirectory(p)) {
        if (!Files.isWritable(p)) {
          throw new SdlgmException(
              option + " " + file + ": cannot write in " + p + " (permission denied)");
        }
        break;
      }
    }
  }

  /** The effective-support threshold δ must be a positive number. */
  static void delta(double delta) {
    if (!(delta > 0) || Double.isInfinite(delta)) {
      throw new SdlgmException("--delta must be a positive number, got " + delta);
    }
  }
}
