package org.sdlgm.data.multilabel;

/**
 * A mini-batch of transformed sparse rows, padded to a common width so that the model can gather
 * its first layer's columns in one operation: row i's non-zeros are {@code indices[i·width ..
 * i·width + width)} with their {@code values}; a row with fewer than {@code width} non-zeros is
 * padded with feature 0 and value 0, which adds nothing to the product and receives no gradient.
 *
 * @param rows the number of rows
 * @param width the largest number of non-zeros in a row of this batch (at least 1)
 * @param indices feature indices, {@code rows × width}, row-major
 * @param values transformed values, {@code rows × width}, row-major
 * @param nonZeros the number of entries that are not padding
 */
public record SparseBatch(int rows, int width, int[] indices, float[] values, long nonZeros) {}
