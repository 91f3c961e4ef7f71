package org.sdlgm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sdlgm.io.Checkpoint;
import org.sdlgm.io.ModelDirectory;

/**
 * While a training runs, a shutdown hook that answers Ctrl-C or SIGTERM with where the last
 * checkpoint is and the exact command that continues the run. The training itself needs no cleanup:
 * a checkpoint is published atomically ({@link Checkpoint}) and the folder's lock dies with the
 * process. Closing removes the hook, so that a normal end says nothing.
 */
final class InterruptNotice implements AutoCloseable {
  private final Thread hook;

  InterruptNotice(Path out, List<String> args) {
    hook =
        new Thread(
            () -> System.err.println(System.lineSeparator() + message(out, args)),
            "sdlgm-interrupt-notice");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs or has run
    }
  }

  /** What to tell the user when the run in {@code out} is interrupted now. */
  static String message(Path out, List<String> args) {
    Path manifest = out.resolve(Checkpoint.DIR).resolve(Checkpoint.MANIFEST);
    // The arguments as given to sdlgm (starting with "train") or to the subcommand.
    String command = !args.isEmpty() && args.get(0).equals("train") ? "sdlgm " : "sdlgm train ";
    String resume = command + String.join(" ", quoted(resumeArgs(args)));
    if (Files.isRegularFile(manifest)) {
      String after = "";
      try {
        JsonNode m =
            ModelDirectory.json().readTree(Files.readString(manifest, StandardCharsets.UTF_8));
        after = " (after epoch " + m.path("state").path("epoch").asInt() + ")";
      } catch (IOException e) {
        // the position is a courtesy; the folder and the command are what matter
      }
      return "interrupted: the last checkpoint"
          + after
          + " is in "
          + out.resolve(Checkpoint.DIR)
          + "; continue with: "
          + resume;
    }
    if (Files.isDirectory(out.resolve(Checkpoint.NEW))
        || Files.isDirectory(out.resolve(Checkpoint.OLD))) {
      return "interrupted while publishing a checkpoint in "
          + out
          + "; --resume recovers the "
          + "last complete one; continue with: "
          + resume;
    }
    List<String> again = new ArrayList<>(args);
    again.remove("--resume");
    return "interrupted before the first checkpoint; nothing to resume in "
        + out
        + "; start again with: "
        + command
        + String.join(" ", quoted(again));
  }

  /** The same arguments with --resume and without --overwrite. */
  static List<String> resumeArgs(List<String> args) {
    List<String> a = new ArrayList<>(args);
    a.remove("--overwrite");
    if (!a.contains("--resume")) {
      a.add("--resume");
    }
    return a;
  }

  /** Arguments quoted for a POSIX shell where they need it. */
  static List<String> quoted(List<String> args) {
    List<String> q = new ArrayList<>();
    for (String a : args) {
      q.add(a.matches("[A-Za-z0-9_./:=,@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return q;
  }
}
