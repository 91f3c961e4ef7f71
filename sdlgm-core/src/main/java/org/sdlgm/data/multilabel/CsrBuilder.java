package org.sdlgm.data.multilabel;

import java.util.Arrays;
import java.util.List;

/**
 * Growable CSR storage shared by the readers: rows are appended one at a time, so memory is
 * proportional to the non-zeros, never to rows×features.
 */
final class CsrBuilder {
  private int rows;
  private int[] rowPtr = new int[1024];
  private int[] labelPtr = new int[1024];
  private int[] featIdx = new int[4096];
  private float[] featVal = new float[4096];
  private int[] labelIdx = new int[1024];
  private int nnz;
  private int lnz;

  void addFeature(int idx, float val) {
    if (nnz == featIdx.length) {
      featIdx = Arrays.copyOf(featIdx, grow(nnz));
      featVal = Arrays.copyOf(featVal, featIdx.length);
    }
    featIdx[nnz] = idx;
    featVal[nnz++] = val;
  }

  void addLabel(int idx) {
    if (lnz == labelIdx.length) {
      labelIdx = Arrays.copyOf(labelIdx, grow(lnz));
    }
    labelIdx[lnz++] = idx;
  }

  /** Index where the current (unfinished) row's features start. */
  int rowFeatureStart() {
    return rowPtr[rows];
  }

  int rowLabelStart() {
    return labelPtr[rows];
  }

  int featureCount() {
    return nnz;
  }

  int featureIndexAt(int k) {
    return featIdx[k];
  }

  /**
   * Closes the current row: sorts its features and labels by index (readers may see them out of
   * order), drops repeated labels and zero-valued features (after looking for repeats among all of
   * them). Returns the index of a duplicated feature, or -1.
   */
  int endRow() {
    int dup = sortFeatures(rowPtr[rows], nnz);
    int kept = rowPtr[rows];
    for (int k = rowPtr[rows]; k < nnz; k++) {
      if (featVal[k] != 0f) {
        featIdx[kept] = featIdx[k];
        featVal[kept++] = featVal[k];
      }
    }
    nnz = kept;
    int ls = labelPtr[rows];
    Arrays.sort(labelIdx, ls, lnz);
    int w = ls;
    for (int k = ls; k < lnz; k++) {
      if (w == ls || labelIdx[k] != labelIdx[w - 1]) {
        labelIdx[w++] = labelIdx[k];
      }
    }
    lnz = w;
    if (rows + 2 > rowPtr.length) {
      rowPtr = Arrays.copyOf(rowPtr, grow(rowPtr.length));
      labelPtr = Arrays.copyOf(labelPtr, rowPtr.length);
    }
    rows++;
    rowPtr[rows] = nnz;
    labelPtr[rows] = lnz;
    return dup;
  }

  private int sortFeatures(int from, int to) {
    boolean sorted = true;
    for (int k = from + 1; k < to; k++) {
      if (featIdx[k] <= featIdx[k - 1]) {
        sorted = false;
        break;
      }
    }
    if (sorted) {
      return -1;
    }
    // Rare path (out-of-order sparse input): sort (index, value) pairs via packed longs.
    int n = to - from;
    long[] packed = new long[n];
    for (int k = 0; k < n; k++) {
      packed[k] =
          ((long) featIdx[from + k] << 32)
              | (Float.floatToRawIntBits(featVal[from + k]) & 0xffffffffL);
    }
    Arrays.sort(packed);
    int dup = -1;
    for (int k = 0; k < n; k++) {
      featIdx[from + k] = (int) (packed[k] >>> 32);
      featVal[from + k] = Float.intBitsToFloat((int) packed[k]);
      if (k > 0 && featIdx[from + k] == featIdx[from + k - 1]) {
        dup = featIdx[from + k];
      }
    }
    return dup;
  }

  int rows() {
    return rows;
  }

  private static int grow(int n) {
    long m = Math.max(16L, (long) n + (n >> 1));
    if (m > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("data set too large for int-indexed CSR");
    }
    return (int) m;
  }

  MultiLabelDataset build(
      String name, int numFeatures, List<String> featureNames, List<String> labelNames) {
    return new MultiLabelDataset(
        name,
        numFeatures,
        featureNames,
        labelNames,
        Arrays.copyOf(rowPtr, rows + 1),
        Arrays.copyOf(featIdx, nnz),
        Arrays.copyOf(featVal, nnz),
        Arrays.copyOf(labelPtr, rows + 1),
        Arrays.copyOf(labelIdx, lnz));
  }
}
