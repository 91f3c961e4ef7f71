package org.sdlgm.data.multilabel;

/**
 * Turns selected rows of a sparse data set into one dense, preprocessed mini-batch. Training,
 * evaluation and prediction go through this one function so that the features a model sees are
 * always transformed the same way, and so that no more than one batch is ever dense.
 */
@FunctionalInterface
public interface FeatureRows {
  /**
   * Fills {@code dst} (row-major, {@code count × numFeatures}) with rows {@code rows[from .. from +
   * count)} of {@code data}.
   */
  void denseRows(MultiLabelDataset data, int[] rows, int from, int count, float[] dst);

  /**
   * The same rows as a padded sparse batch, or null when this source gives dense rows only (the
   * default). A model whose first layer can read sparse rows uses this when it is not null, so that
   * a step costs in proportion to the batch's non-zeros rather than to D.
   */
  default SparseBatch sparseRows(MultiLabelDataset data, int[] rows, int from, int count) {
    return null;
  }
}
