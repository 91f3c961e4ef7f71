package org.sdlgm.io;

import java.util.List;

/**
 * What a multi-label model was trained on, recorded in {@code config.json}: the data specs, the
 * label override and split, the feature and label counts, the label names (used by {@code
 * predict}), the part sizes, the training label cardinality and how many training rows had no
 * label, and the feature preprocessing that was fitted ({@code features.json} holds its values).
 */
public record MultiLabelSchema(
    String spec,
    String testSpec,
    String labels,
    double split,
    long splitSeed,
    int numFeatures,
    int numLabels,
    List<String> labelNames,
    int trainSize,
    int validationSize,
    int testSize,
    double trainLabelCardinality,
    int trainRowsWithoutLabels,
    String featureTransform) {

  public MultiLabelSchema {
    labelNames = List.copyOf(labelNames);
  }

  /** The plan that reproduces this run's train/test parts. */
  public org.sdlgm.data.multilabel.MultiLabelPlan plan() {
    return new org.sdlgm.data.multilabel.MultiLabelPlan(spec, testSpec, labels, split, splitSeed);
  }
}
