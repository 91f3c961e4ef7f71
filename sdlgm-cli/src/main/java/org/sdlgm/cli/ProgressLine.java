package org.sdlgm.cli;

import java.io.PrintStream;

/**
 * The terminal mechanics both progress displays share: on a terminal, a status line redrawn in
 * place at most five times a second (and at the end of each epoch); off a terminal (logs, CI) no
 * redraws, only the per-epoch lines.
 */
final class ProgressLine {
  private final PrintStream out;
  private final boolean interactive;
  private long lastDraw;

  // Java 17: System.console() is null exactly when standard input and output are not a terminal.
  @SuppressWarnings("SystemConsoleNull")
  ProgressLine(PrintStream out) {
    this.out = out;
    this.interactive = System.console() != null;
  }

  /**
   * Redraws the status line when on a terminal and one is due after batch {@code batch} of {@code
   * batches}.
   */
  void redraw(int batch, int batches, java.util.function.Supplier<String> text) {
    if (!interactive) {
      return;
    }
    long now = System.nanoTime();
    if (batch < batches && now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    out.print("\r" + text.get());
    out.flush();
  }

  /** Prints a finished line, replacing the status line on a terminal. */
  void line(String text) {
    if (interactive) {
      out.print("\r");
    }
    out.println(text);
    out.flush();
  }
}
