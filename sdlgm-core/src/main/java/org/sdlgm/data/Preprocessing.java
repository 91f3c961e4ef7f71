package org.sdlgm.data;

/**
 * A transformation of input rows fitted on the training rows and kept with the model, so that the
 * model applies it again to every row it is given: the unsupervised model's {@link InputScaling},
 * the multi-label model's {@code FeatureTransform}. Its JSON form is stored in the model directory.
 */
public interface Preprocessing {
  /** The number of input columns it was fitted on (and the model takes). */
  int columns();
}
