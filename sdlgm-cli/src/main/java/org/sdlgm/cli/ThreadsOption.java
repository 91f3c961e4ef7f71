package org.sdlgm.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --threads} option: how many {@link org.sdlgm.Workers} threads share each batch.
 * Its value is read by {@link Main} before parsing (libtorch takes its thread count when it
 * loads); this mixin makes it known to picocli and its help.
 */
public final class ThreadsOption {
  @Option(names = "--threads", paramLabel = "N", description = "Threads to use (default: all cores). Training, evaluation and encoding split each batch (or take whole batches) across them, each running libtorch single-threaded.")
  int threads;
}
