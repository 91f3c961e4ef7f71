package org.sdlgm.data.multilabel;

import java.util.Arrays;
import java.util.List;

/**
 * An immutable multi-label data set (x, Y) held sparse: features in CSR form ({@code rowPtr},
 * {@code featIdx}, {@code featVal}) and label sets in CSR form ({@code labelPtr}, {@code labelIdx},
 * strictly increasing within each row). Nothing here ever builds a rows×features matrix, because
 * extreme-classification sets have 10^5–10^6 features; the only densification is {@link
 * #denseBatch}, which fills a caller-owned buffer for one mini-batch. Accessors return copies so
 * that the arrays cannot be changed from outside.
 */
public final class MultiLabelDataset {
  private final String name;
  private final int numFeatures;
  private final List<String> featureNames;
  private final List<String> labelNames;
  private final int[] rowPtr;
  private final int[] featIdx;
  private final float[] featVal;
  private final int[] labelPtr;
  private final int[] labelIdx;

  /**
   * Builds a data set; the arrays are copied and checked (CSR shape, indices in range, label
   * indices strictly increasing per row) so that a bad reader cannot produce a corrupt set.
   *
   * @param featureNames one name per feature, or an empty list when the format has none
   */
  public MultiLabelDataset(
      String name,
      int numFeatures,
      List<String> featureNames,
      List<String> labelNames,
      int[] rowPtr,
      int[] featIdx,
      float[] featVal,
      int[] labelPtr,
      int[] labelIdx) {
    this.name = name;
    this.numFeatures = numFeatures;
    this.featureNames = List.copyOf(featureNames);
    this.labelNames = List.copyOf(labelNames);
    this.rowPtr = rowPtr.clone();
    this.featIdx = featIdx.clone();
    this.featVal = featVal.clone();
    this.labelPtr = labelPtr.clone();
    this.labelIdx = labelIdx.clone();
    validate();
  }

  /**
   * Adopts arrays that come from an already validated set (subsets, renames): no copy, no check.
   */
  private MultiLabelDataset(
      MultiLabelDataset from,
      String name,
      int[] rowPtr,
      int[] featIdx,
      float[] featVal,
      int[] labelPtr,
      int[] labelIdx) {
    this.name = name;
    this.numFeatures = from.numFeatures;
    this.featureNames = from.featureNames;
    this.labelNames = from.labelNames;
    this.rowPtr = rowPtr;
    this.featIdx = featIdx;
    this.featVal = featVal;
    this.labelPtr = labelPtr;
    this.labelIdx = labelIdx;
  }

  private void validate() {
    if (numFeatures < 0) {
      throw new IllegalArgumentException("numFeatures < 0");
    }
    if (!featureNames.isEmpty() && featureNames.size() != numFeatures) {
      throw new IllegalArgumentException(
          "featureNames has " + featureNames.size() + " names for " + numFeatures + " features");
    }
    if (rowPtr.length == 0 || labelPtr.length != rowPtr.length) {
      throw new IllegalArgumentException("rowPtr and labelPtr must both have size()+1 entries");
    }
    if (featIdx.length != featVal.length
        || rowPtr[0] != 0
        || labelPtr[0] != 0
        || rowPtr[rowPtr.length - 1] != featIdx.length
        || labelPtr[labelPtr.length - 1] != labelIdx.length) {
      throw new IllegalArgumentException("inconsistent CSR arrays");
    }
    int c = labelNames.size();
    for (int r = 0; r + 1 < rowPtr.length; r++) {
      if (rowPtr[r + 1] < rowPtr[r] || labelPtr[r + 1] < labelPtr[r]) {
        throw new IllegalArgumentException("row pointers decrease at row " + r);
      }
      for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
        if (featIdx[k] < 0 || featIdx[k] >= numFeatures) {
          throw new IllegalArgumentException("feature index " + featIdx[k] + " out of range");
        }
      }
      for (int k = labelPtr[r]; k < labelPtr[r + 1]; k++) {
        if (labelIdx[k] < 0 || labelIdx[k] >= c) {
          throw new IllegalArgumentException("label index " + labelIdx[k] + " out of range");
        }
        if (k > labelPtr[r] && labelIdx[k] <= labelIdx[k - 1]) {
          throw new IllegalArgumentException("labels of row " + r + " not strictly increasing");
        }
      }
    }
  }

  public String name() {
    return name;
  }

  public int numFeatures() {
    return numFeatures;
  }

  /** Feature names in feature-index order; empty for formats without names (XC, LIBSVM). */
  public List<String> featureNames() {
    return featureNames;
  }

  /** Label names in label-index order (C = {@link #numLabels()}). */
  public List<String> labelNames() {
    return labelNames;
  }

  public int size() {
    return rowPtr.length - 1;
  }

  public int numLabels() {
    return labelNames.size();
  }

  /** Label indices of a row, strictly increasing. */
  public int[] labels(int row) {
    return Arrays.copyOfRange(labelIdx, labelPtr[row], labelPtr[row + 1]);
  }

  /** Indices of the non-zero features of a row, in the order the reader stored them. */
  public int[] featureIndices(int row) {
    return Arrays.copyOfRange(featIdx, rowPtr[row], rowPtr[row + 1]);
  }

  /** Values matching {@link #featureIndices(int)}. */
  public float[] featureValues(int row) {
    return Arrays.copyOfRange(featVal, rowPtr[row], rowPtr[row + 1]);
  }

  /** Number of stored (non-zero) feature entries over all rows. */
  public int numFeatureNonZeros() {
    return featIdx.length;
  }

  /** Number of (row, label) pairs over all rows. */
  public int numLabelNonZeros() {
    return labelIdx.length;
  }

  /**
   * Writes rows [from, to) densely, row-major, into {@code dst[0 .. (to-from)*numFeatures)}; the
   * region is zeroed first because the buffer is meant to be reused across batches.
   */
  public void denseBatch(int from, int to, float[] dst) {
    if (from < 0 || to > size() || from > to) {
      throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + size());
    }
    long need = (long) (to - from) * numFeatures;
    if (dst.length < need) {
      throw new IllegalArgumentException("dst has " + dst.length + " floats, needs " + need);
    }
    Arrays.fill(dst, 0, (int) need, 0f);
    for (int r = from; r < to; r++) {
      int base = (r - from) * numFeatures;
      for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
        dst[base + featIdx[k]] = featVal[k];
      }
    }
  }

  /**
   * Writes the label sets of rows {@code rows[from .. from+count)} as 0/1 indicators, row-major,
   * into {@code dst[0 .. count*numLabels)} (zeroed first): the training target of one mini-batch,
   * built without ever materialising the whole rows×labels matrix.
   */
  public void denseLabels(int[] rows, int from, int count, float[] dst) {
    if (from < 0 || count < 0 || from > rows.length - count) {
      throw new IndexOutOfBoundsException(
          "positions [" + from + ", " + from + "+" + count + ") of " + rows.length + " rows");
    }
    int c = numLabels();
    long need = (long) count * c;
    if (dst.length < need) {
      throw new IllegalArgumentException("dst has " + dst.length + " floats, needs " + need);
    }
    Arrays.fill(dst, 0, (int) need, 0f);
    for (int i = 0; i < count; i++) {
      int r = rows[from + i];
      if (r < 0 || r >= size()) {
        throw new IndexOutOfBoundsException("row " + r + " of " + size());
      }
      for (int k = labelPtr[r]; k < labelPtr[r + 1]; k++) {
        dst[i * c + labelIdx[k]] = 1f;
      }
    }
  }

  /**
   * Where row {@code row}'s stored features start in the flat non-zero arrays read by {@link
   * #featureIndexAt} and {@link #featureValueAt}; together with {@link #rowEnd} this walks a row
   * without the copy that {@link #featureIndices} makes, for per-batch hot loops.
   */
  public int rowStart(int row) {
    checkRow(row);
    return rowPtr[row];
  }

  /** One past the last stored feature of {@code row}; see {@link #rowStart}. */
  public int rowEnd(int row) {
    checkRow(row);
    return rowPtr[row + 1];
  }

  /** Feature index of the k-th stored non-zero, 0 &lt;= k &lt; {@link #numFeatureNonZeros()}. */
  public int featureIndexAt(int k) {
    return featIdx[k];
  }

  /** Value of the k-th stored non-zero. */
  public float featureValueAt(int k) {
    return featVal[k];
  }

  /** Number of labels of a row, |Y|. */
  public int labelCount(int row) {
    checkRow(row);
    return labelPtr[row + 1] - labelPtr[row];
  }

  private void checkRow(int row) {
    if (row < 0 || row >= size()) {
      throw new IndexOutOfBoundsException("row " + row + " of " + size());
    }
  }

  /**
   * The rows {@code rows} (in that order; repeats allowed, e.g. for a bootstrap) as a new set named
   * {@code name} with the same features and labels: what seeded splits and validation hold-outs are
   * made of.
   */
  public MultiLabelDataset subset(int[] rows, String name) {
    int nnz = 0;
    int lnz = 0;
    for (int r : rows) {
      checkRow(r);
      nnz += rowPtr[r + 1] - rowPtr[r];
      lnz += labelPtr[r + 1] - labelPtr[r];
    }
    int[] rp = new int[rows.length + 1];
    int[] fi = new int[nnz];
    float[] fv = new float[nnz];
    int[] lp = new int[rows.length + 1];
    int[] li = new int[lnz];
    for (int i = 0; i < rows.length; i++) {
      int r = rows[i];
      int fn = rowPtr[r + 1] - rowPtr[r];
      System.arraycopy(featIdx, rowPtr[r], fi, rp[i], fn);
      System.arraycopy(featVal, rowPtr[r], fv, rp[i], fn);
      rp[i + 1] = rp[i] + fn;
      int ln = labelPtr[r + 1] - labelPtr[r];
      System.arraycopy(labelIdx, labelPtr[r], li, lp[i], ln);
      lp[i + 1] = lp[i] + ln;
    }
    return new MultiLabelDataset(this, name, rp, fi, fv, lp, li);
  }

  /** {@link #subset(int[], String)} keeping this set's name. */
  public MultiLabelDataset subset(int[] rows) {
    return subset(rows, name);
  }

  /** The same data under another name (arrays are shared, which is safe: both are immutable). */
  public MultiLabelDataset withName(String newName) {
    return new MultiLabelDataset(this, newName, rowPtr, featIdx, featVal, labelPtr, labelIdx);
  }

  /** Mean label-set size |Y| over rows (0 for an empty set). */
  public double labelCardinality() {
    return size() == 0 ? 0.0 : (double) labelIdx.length / size();
  }

  /** Number of rows whose label set is empty. */
  public int emptyLabelRows() {
    int n = 0;
    for (int r = 0; r < size(); r++) {
      if (labelPtr[r + 1] == labelPtr[r]) {
        n++;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return name
        + ": "
        + size()
        + " rows x "
        + numFeatures
        + " features x "
        + numLabels()
        + " labels";
  }
}
