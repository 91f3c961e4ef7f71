package org.sdlgm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the tool reports an exception nobody expected — a bug, not bad input: one line on stderr that
 * says so, with the exception's type and message and the path of a log file (in the temporary
 * folder) that holds the command and the full stack trace, and the exit code {@value #EXIT},
 * distinct from bad input's 2.
 */
final class BugReport {
  /** The exit code of a bug (EX_SOFTWARE of sysexits.h). */
  static final int EXIT = 70;

  private BugReport() {}

  /** Writes the log, prints the line and returns {@value #EXIT}. */
  static int report(Throwable ex, String[] args, PrintWriter err) {
    String where = log(ex, args);
    String what =
        ex.getClass().getName()
            + (ex.getMessage() == null
                ? ""
                : ": " + ex.getMessage().lines().findFirst().orElse(""));
    err.println(
        "error: internal error, a bug in sdlgm rather than in your input ("
            + what
            + "); "
            + where
            + "; please report it with that file");
    err.flush();
    return EXIT;
  }

  /**
   * Writes the command and the stack trace to a new log file in the temporary folder; returns "the
   * full trace is in FILE" (or why it could not be written).
   */
  static String log(Throwable ex, String[] args) {
    StringWriter trace = new StringWriter();
    try (PrintWriter w = new PrintWriter(trace)) {
      try {
        w.println(new Main.Version().getVersion()[0]);
      } catch (RuntimeException | LinkageError e) {
        w.println("sdlgm (version unknown: " + e + ")");
      }
      w.println("command: sdlgm " + String.join(" ", args));
      ex.printStackTrace(w);
    }
    try {
      Path log = Files.createTempFile("sdlgm-bug-", ".log");
      Files.writeString(log, trace.toString(), StandardCharsets.UTF_8);
      return "the full trace is in " + log;
    } catch (IOException | RuntimeException e) {
      return "the trace could not be written to a log file (" + e.getMessage() + ")";
    }
  }
}
