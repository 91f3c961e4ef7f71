package org.sdlgm.io;

import org.sdlgm.data.Dataset;

/**
 * What a model was trained on, recorded in {@code config.json} so that later steps can check their
 * input against it: the data specs and split, the feature count, the part sizes, the image shape
 * (for reports) and the number of classes.
 */
public record DataSchema(
    String spec,
    String testSpec,
    double split,
    long splitSeed,
    int inputDim,
    int trainSize,
    int validationSize,
    int testSize,
    int imageHeight,
    int imageWidth,
    int numClasses) {

  /** The data plan that reproduces this run's train/test parts. */
  public org.sdlgm.data.DataPlan plan() {
    return new org.sdlgm.data.DataPlan(spec, testSpec, split, splitSeed);
  }

  /** The schema of a training run's parts (validation and test may be null). */
  public static DataSchema of(
      org.sdlgm.data.DataPlan plan, Dataset train, Dataset validation, Dataset test) {
    int classes = Math.max(train.numClasses(), test == null ? 0 : test.numClasses());
    return new DataSchema(
        plan.data(),
        plan.test(),
        plan.split(),
        plan.seed(),
        train.dim(),
        train.size(),
        validation == null ? 0 : validation.size(),
        test == null ? 0 : test.size(),
        train.imageHeight(),
        train.imageWidth(),
        classes);
  }
}
