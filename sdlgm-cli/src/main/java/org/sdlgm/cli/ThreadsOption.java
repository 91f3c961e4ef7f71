package org.sdlgm.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --threads} option. Its value is read by {@link Main} before parsing (libtorch
 * takes its thread count when it loads); this mixin makes it known to picocli and its help.
 */
public final class ThreadsOption {
  @Option(names = "--threads", paramLabel = "N", description = "libtorch intra-op threads (default: all cores).")
  int threads;
}
