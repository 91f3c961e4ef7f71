package org.sdlgm.experiment;

/**
 * One run of an experiment grid: a data set, a method, an L0 value ("auto" for the command's
 * default), a budget {@code target} (the mean number of non-zeros aimed for; null in a grid over L0
 * values) and a seed. In a grid over targets, {@code l0} is the cap the cell passes with {@code -L}
 * (derived from the target by {@link ExperimentSpec#trainArguments}), or "auto" for a method that
 * takes neither. Its {@link #name} is the run's folder under the experiment's output: {@code
 * DATA-METHOD-L<l0>-s<seed>}, or {@code DATA-METHOD-T<target>-s<seed>} in a grid over targets (a
 * variant {@code base:variant} is written {@code base_variant} there).
 */
public record ExperimentCell(String dataset, String method, String l0, String target, long seed) {
  /** A cell of a grid over L0 values (no target). */
  public ExperimentCell(String dataset, String method, String l0, long seed) {
    this(dataset, method, l0, null, seed);
  }

  public String name() {
    String axis = target == null ? "L" + l0 : "T" + target;
    return dataset + "-" + method.replace(':', '_') + "-" + axis + "-s" + seed;
  }
}
