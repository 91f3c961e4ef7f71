package org.sdlgm.train;

import java.util.Arrays;
import org.sdlgm.data.Dataset;

/**
 * Whether the linear probe of an evaluation can be fitted on a job's rows: it needs labels on both
 * parts, at least two classes among the training rows and at least {@value #MIN_ROWS} training
 * rows; on fewer its optimiser sees no usable gradient and fails. A workflow skips the probe with a
 * note instead, so that the model still gets its other metrics.
 */
final class LinearProbes {
  static final int MIN_ROWS = 10;

  private LinearProbes() {}

  static boolean feasible(Dataset train, Dataset test) {
    return why(train, test) == null;
  }

  /** Why the probe cannot be fitted, or null when it can. */
  static String why(Dataset train, Dataset test) {
    if (!train.hasLabels() || !test.hasLabels()) {
      return null; // the evaluator itself skips the probe without labels
    }
    if (train.size() < MIN_ROWS) {
      return "only " + train.size() + " training rows (it needs at least " + MIN_ROWS + ")";
    }
    long classes = Arrays.stream(train.labels()).distinct().count();
    if (classes < 2) {
      return "the training rows have a single class";
    }
    return null;
  }
}
