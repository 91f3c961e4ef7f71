package org.sdlgm.data.multilabel;

/**
 * Turns selected rows of a sparse data set into one dense, preprocessed mini-batch. Training,
 * evaluation and prediction go through this one function so that the features a model sees
 * are always transformed the same way, and so that no more than one batch is ever dense.
 */
@FunctionalInterface
public interface FeatureRows {
  /**
   * Fills {@code dst} (row-major, {@code count × numFeatures}) with rows
   * {@code rows[from .. from + count)} of {@code data}.
   */
  void denseRows(MultiLabelDataset data, int[] rows, int from, int count, float[] dst);
}
