package org.sdlgm.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --threads} option: how many {@link org.sdlgm.engine.Workers} threads share each batch.
 * Its value is read by {@link Main} before parsing (libtorch takes its thread count when it loads);
 * this mixin makes it known to picocli and its help.
 */
public final class ThreadsOption {
  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "Threads to use (default: all cores). Training steps, ELBO evaluation and encoding spread each batch over this many worker threads, each running libtorch single-threaded; other work runs libtorch with N threads.")
  int threads;
}
