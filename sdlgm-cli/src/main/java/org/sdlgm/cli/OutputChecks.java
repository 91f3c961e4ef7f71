package org.sdlgm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.sdlgm.SdlgmException;
import org.sdlgm.io.Checkpoint;
import org.sdlgm.io.ModelDirectory;

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

  /**
   * Refuses an output file ({@code option}) that would replace a model folder's own file ({@code
   * config.json}, {@code model.params}, anything under {@code checkpoint/}, …, see {@link
   * ModelDirectory#OWNED}): {@code --overwrite} replaces the user's earlier output, never a model.
   */
  static void notModelFile(Path file, String option) {
    if (file == null) {
      return;
    }
    Path child = file.toAbsolutePath().normalize();
    for (Path dir = child.getParent(); dir != null; child = dir, dir = dir.getParent()) {
      String name = child.getFileName().toString();
      if (ModelDirectory.OWNED.contains(name)
          && (Files.isRegularFile(dir.resolve(ModelDirectory.CONFIG))
              || Files.isDirectory(dir.resolve(Checkpoint.DIR)))) {
        throw new SdlgmException(
            option
                + " "
                + file
                + ": is a file of the model in "
                + dir
                + ", which sdlgm never replaces; choose another name");
      }
    }
  }

  /**
   * Refuses an output file ({@code option}) that is one of the input files a data spec (or a {@code
   * --labels} source) names: replacing the rows being read would lose them. Null specs pass.
   */
  static void notInput(Path file, String option, String... specs) {
    if (file == null || !Files.exists(file)) {
      return;
    }
    for (String spec : specs) {
      if (spec == null) {
        continue;
      }
      // SCHEME:PATH[,PATH][,key=value...]: every piece that names an existing file.
      String rest =
          spec.matches("^[A-Za-z][A-Za-z0-9-]*:.*") ? spec.substring(spec.indexOf(':') + 1) : spec;
      for (String piece : rest.split(",", -1)) {
        String candidate = piece.contains("=") ? piece.substring(piece.indexOf('=') + 1) : piece;
        if (candidate.isBlank()) {
          continue;
        }
        try {
          Path p = Path.of(candidate.strip());
          if (Files.isRegularFile(p) && Files.isSameFile(p, file)) {
            throw new SdlgmException(
                option
                    + " "
                    + file
                    + ": is an input file of "
                    + spec
                    + "; writing there would replace the rows being read, choose another name");
          }
        } catch (InvalidPathException | IOException e) {
          // not a path of an existing file: nothing to protect
        }
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
