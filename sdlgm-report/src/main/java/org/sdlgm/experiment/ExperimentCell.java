package org.sdlgm.experiment;

/**
 * One run of an experiment grid: a data set, a method, an L0 value ("auto" for the command's
 * default) and a seed. Its {@link #name} is the run's folder under the experiment's output
 * (a variant {@code base:variant} is written {@code base_variant} there).
 */
public record ExperimentCell(String dataset, String method, String l0, long seed) {
  public String name() {
    return dataset + "-" + method.replace(':', '_') + "-L" + l0 + "-s" + seed;
  }
}
