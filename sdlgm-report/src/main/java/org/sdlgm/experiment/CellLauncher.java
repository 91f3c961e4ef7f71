package org.sdlgm.experiment;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs one {@code sdlgm train} for an experiment cell. The CLI launches each run as a child JVM
 * (isolated memory, one libtorch per process, a crash costs one cell); tests may run in-process.
 */
@FunctionalInterface
public interface CellLauncher {
  /**
   * Runs {@code sdlgm} with {@code args}, writing its output to {@code log}; returns the exit code.
   */
  int run(List<String> args, Path log) throws Exception;
}
