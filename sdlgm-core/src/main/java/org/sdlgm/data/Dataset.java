package org.sdlgm.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * An in-memory, dense, row-major table of examples: the unit that training, evaluation and encoding
 * consume. Optional side information travels with the rows: class labels (used for per-class
 * statistics and the linear probe), and for synthetic data the ground truth — each example's true
 * sparsity level, its true atom indices, and the generating dictionary.
 *
 * <p>Instances are immutable by convention: the arrays are not copied, callers must not modify them
 * after construction.
 */
public final class Dataset {
  private final String name;
  private final int size;
  private final int dim;
  private final float[] features;
  private final int[] labels;
  private final int[] trueLevels;
  private final int[][] trueSupports;
  private final float[][] dictionary;
  private final int imageHeight;
  private final int imageWidth;

  private Dataset(Builder b) {
    this.name = Objects.requireNonNull(b.name, "name");
    this.dim = b.dim;
    this.features = Objects.requireNonNull(b.features, "features");
    if (dim <= 0 || features.length % dim != 0) {
      throw new IllegalArgumentException(
          "features length " + features.length + " is not a multiple of dim " + dim);
    }
    this.size = features.length / dim;
    this.labels = b.labels;
    this.trueLevels = b.trueLevels;
    this.trueSupports = b.trueSupports;
    this.dictionary = b.dictionary;
    this.imageHeight = b.imageHeight;
    this.imageWidth = b.imageWidth;
    checkLength("labels", labels);
    checkLength("trueLevels", trueLevels);
    if (trueSupports != null && trueSupports.length != size) {
      throw new IllegalArgumentException(
          "trueSupports has " + trueSupports.length + " rows, expected " + size);
    }
  }

  private void checkLength(String what, int[] a) {
    if (a != null && a.length != size) {
      throw new IllegalArgumentException(what + " has " + a.length + " entries, expected " + size);
    }
  }

  public static Builder builder(String name, int dim, float[] features) {
    return new Builder(name, dim, features);
  }

  /** A short human-readable name (e.g. "fashion-mnist/train"). */
  public String name() {
    return name;
  }

  /** Number of examples. */
  public int size() {
    return size;
  }

  /** Number of features per example (D). */
  public int dim() {
    return dim;
  }

  /** Row-major features, {@code size() * dim()} floats. Do not modify. */
  public float[] features() {
    return features;
  }

  /** A copy of row {@code i} (0-based). */
  public float[] row(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("row " + i + " of " + size + " in " + name);
    }
    float[] r = new float[dim];
    System.arraycopy(features, i * dim, r, 0, dim);
    return r;
  }

  /** Class labels in 0..numClasses-1, or null when the data has none. */
  public int[] labels() {
    return labels;
  }

  /** True sparsity level of each example (synthetic data only), or null. */
  public int[] trueLevels() {
    return trueLevels;
  }

  /** True atom indices of each example (synthetic data only), or null. */
  public int[][] trueSupports() {
    return trueSupports;
  }

  /** The generating dictionary, one atom (length dim) per row (synthetic data only), or null. */
  public float[][] dictionary() {
    return dictionary;
  }

  /** Image height when rows are images (for reports), else 0. */
  public int imageHeight() {
    return imageHeight;
  }

  /** Image width when rows are images (for reports), else 0. */
  public int imageWidth() {
    return imageWidth;
  }

  public boolean hasLabels() {
    return labels != null;
  }

  public boolean hasGroundTruth() {
    return trueLevels != null;
  }

  /** Number of classes (max label + 1), or 0 without labels. */
  public int numClasses() {
    if (labels == null) {
      return 0;
    }
    int max = -1;
    for (int l : labels) {
      max = Math.max(max, l);
    }
    return max + 1;
  }

  /** Copies the features of rows {@code [from, to)} into {@code dst} starting at 0. */
  public void copyRows(int from, int to, float[] dst) {
    System.arraycopy(features, from * dim, dst, 0, (to - from) * dim);
  }

  /** Minimum and maximum feature value. */
  public float[] range() {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float v : features) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return new float[] {lo, hi};
  }

  /** A new dataset holding the given rows, in the given order, with their side information. */
  public Dataset select(int[] rows, String newName) {
    float[] f = new float[rows.length * dim];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(features, rows[i] * dim, f, i * dim, dim);
    }
    Builder b =
        new Builder(newName, dim, f).dictionary(dictionary).imageShape(imageHeight, imageWidth);
    if (labels != null) {
      b.labels(pick(labels, rows));
    }
    if (trueLevels != null) {
      b.trueLevels(pick(trueLevels, rows));
    }
    if (trueSupports != null) {
      int[][] s = new int[rows.length][];
      for (int i = 0; i < rows.length; i++) {
        s[i] = trueSupports[rows[i]];
      }
      b.trueSupports(s);
    }
    return b.build();
  }

  /** The first {@code n} rows (or all when n is larger). */
  public Dataset head(int n) {
    if (n >= size) {
      return this;
    }
    int[] rows = new int[n];
    Arrays.setAll(rows, i -> i);
    return select(rows, name);
  }

  private static int[] pick(int[] a, int[] rows) {
    int[] out = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = a[rows[i]];
    }
    return out;
  }

  /** Builder: features and dim are required, everything else optional. */
  public static final class Builder {
    private final String name;
    private final int dim;
    private final float[] features;
    private int[] labels;
    private int[] trueLevels;
    private int[][] trueSupports;
    private float[][] dictionary;
    private int imageHeight;
    private int imageWidth;

    private Builder(String name, int dim, float[] features) {
      this.name = name;
      this.dim = dim;
      this.features = features;
    }

    public Builder labels(int[] v) {
      this.labels = v;
      return this;
    }

    public Builder trueLevels(int[] v) {
      this.trueLevels = v;
      return this;
    }

    public Builder trueSupports(int[][] v) {
      this.trueSupports = v;
      return this;
    }

    public Builder dictionary(float[][] v) {
      this.dictionary = v;
      return this;
    }

    public Builder imageShape(int h, int w) {
      this.imageHeight = h;
      this.imageWidth = w;
      return this;
    }

    public Dataset build() {
      return new Dataset(this);
    }
  }
}
