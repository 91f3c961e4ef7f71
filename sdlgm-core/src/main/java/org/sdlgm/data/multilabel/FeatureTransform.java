package org.sdlgm.data.multilabel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataException;
import org.sdlgm.data.Preprocessing;

/**
 * Feature preprocessing fitted on the training set and applied identically to every later set
 * (validation, test, prediction input), stored with the model as JSON: {@code kind} plus the
 * per-feature statistics that kind needs ({@code idf} for tf-idf, {@code mean} and {@code std} for
 * standardisation; absent otherwise). Kinds: {@code none}; {@code binary} (x ≠ 0 → 1); {@code
 * tfidf} (x · idf with scikit-learn's smooth idf = ln((1+n)/(1+df)) + 1, then each row scaled to
 * unit L2 norm); {@code standardize} ((x − mean)/std per feature over all training rows, implicit
 * zeros included; a constant feature gets std 1); and {@code auto}, which exists only as a request:
 * {@link #fit} resolves it from the training matrix (density ≥ 0.5 → standardize, else tfidf when
 * no value is negative, else none) and the resolved kind is what is recorded, so a saved model
 * never depends on the data it is later applied to.
 *
 * <p>The data stay sparse; {@link #denseRows} is the one place a mini-batch is densified (and
 * transformed on the way), so a 10^5-feature set is never held dense as a whole.
 *
 * @param kind the resolved kind (never {@link Kind#AUTO})
 * @param numFeatures D of the training data; inputs must have the same
 * @param idf per-feature idf for {@code tfidf}, else null
 * @param mean per-feature mean for {@code standardize}, else null
 * @param std per-feature standard deviation (constant features: 1) for {@code standardize}, else
 *     null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureTransform(Kind kind, int numFeatures, float[] idf, float[] mean, float[] std)
    implements FeatureRows, Preprocessing {

  /** The preprocessing kinds; JSON and command-line names are lower case. */
  public enum Kind {
    NONE,
    BINARY,
    TFIDF,
    STANDARDIZE,
    AUTO;

    @JsonValue
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a lower- or upper-case name; the error lists the valid ones. */
    @JsonCreator
    public static Kind of(String id) {
      for (Kind k : values()) {
        if (k.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
          return k;
        }
      }
      throw new SdlgmException(
          "unknown feature transform '"
              + id
              + "'; valid are none, binary, tfidf, standardize, auto");
    }

    @Override
    public String toString() {
      return id();
    }
  }

  /** Density at or above which {@code auto} treats the data as dense and standardises. */
  public static final double AUTO_DENSE = 0.5;

  /** Checks that the arrays match the kind, so a hand-edited or truncated JSON fails on load. */
  public FeatureTransform {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.AUTO) {
      throw new IllegalArgumentException("auto must be resolved by fit() before it is recorded");
    }
    if (numFeatures < 0) {
      throw new IllegalArgumentException("numFeatures < 0");
    }
    // Copied in and out (see the accessors) so that the recorded statistics cannot change.
    idf = idf == null ? null : idf.clone();
    mean = mean == null ? null : mean.clone();
    std = std == null ? null : std.clone();
    check("idf", idf, kind == Kind.TFIDF, numFeatures);
    check("mean", mean, kind == Kind.STANDARDIZE, numFeatures);
    check("std", std, kind == Kind.STANDARDIZE, numFeatures);
    if (std != null) {
      for (int j = 0; j < std.length; j++) {
        if (!(std[j] > 0) || !Float.isFinite(std[j]) || !Float.isFinite(mean[j])) {
          throw new IllegalArgumentException(
              "feature "
                  + j
                  + ": mean "
                  + mean[j]
                  + ", std "
                  + std[j]
                  + " (std must be finite and > 0)");
        }
      }
    }
  }

  private static void check(String what, float[] a, boolean needed, int d) {
    if (needed && (a == null || a.length != d)) {
      throw new IllegalArgumentException(
          what + " needs " + d + " values, has " + (a == null ? "none" : a.length));
    }
    if (!needed && a != null) {
      throw new IllegalArgumentException(what + " is not used by this kind");
    }
  }

  @Override
  public float[] idf() {
    return idf == null ? null : idf.clone();
  }

  @Override
  public float[] mean() {
    return mean == null ? null : mean.clone();
  }

  @Override
  public float[] std() {
    return std == null ? null : std.clone();
  }

  @JsonIgnore
  @Override
  public int columns() {
    return numFeatures;
  }

  /** The identity transform for {@code d} features. */
  public static FeatureTransform none(int d) {
    return new FeatureTransform(Kind.NONE, d, null, null, null);
  }

  /**
   * Fits {@code kind} on {@code train}. Statistics are accumulated in double over the stored
   * non-zeros only (implicit zeros are accounted for by count), so fitting costs O(nnz + D).
   *
   * @throws DataException if a stored value is NaN or infinite (naming set, row and feature)
   */
  public static FeatureTransform fit(Kind kind, MultiLabelDataset train) {
    Objects.requireNonNull(kind, "kind");
    int n = train.size();
    int d = train.numFeatures();
    int nnz = train.numFeatureNonZeros();
    boolean negative = false;
    for (int r = 0; r < n; r++) {
      for (int k = train.rowStart(r), e = train.rowEnd(r); k < e; k++) {
        float v = train.featureValueAt(k);
        if (!Float.isFinite(v)) {
          int j = train.featureIndexAt(k);
          throw new DataException(
              train.name()
                  + ": row "
                  + (r + 1)
                  + ", feature "
                  + j
                  + featureName(train, j)
                  + " is "
                  + v
                  + "; feature transforms need finite values");
        }
        negative |= v < 0;
      }
    }
    Kind resolved = kind;
    if (kind == Kind.AUTO) {
      double density = n == 0 || d == 0 ? 0 : nnz / ((double) n * d);
      resolved = density >= AUTO_DENSE ? Kind.STANDARDIZE : negative ? Kind.NONE : Kind.TFIDF;
    }
    switch (resolved) {
      case TFIDF:
        return new FeatureTransform(resolved, d, idf(train), null, null);
      case STANDARDIZE:
        return standardize(train);
      default:
        return new FeatureTransform(resolved, d, null, null, null);
    }
  }

  private static String featureName(MultiLabelDataset ds, int j) {
    return ds.featureNames().isEmpty() ? "" : " ('" + ds.featureNames().get(j) + "')";
  }

  private static float[] idf(MultiLabelDataset train) {
    int n = train.size();
    int[] df = new int[train.numFeatures()];
    for (int k = 0; k < train.numFeatureNonZeros(); k++) {
      if (train.featureValueAt(k) != 0f) {
        df[train.featureIndexAt(k)]++;
      }
    }
    float[] idf = new float[df.length];
    for (int j = 0; j < df.length; j++) {
      idf[j] = (float) (Math.log((1.0 + n) / (1.0 + df[j])) + 1.0);
    }
    return idf;
  }

  private static FeatureTransform standardize(MultiLabelDataset train) {
    int n = train.size();
    int d = train.numFeatures();
    int nnz = train.numFeatureNonZeros();
    double[] sum = new double[d];
    int[] count = new int[d];
    float[] min = new float[d];
    float[] max = new float[d];
    for (int k = 0; k < nnz; k++) {
      int j = train.featureIndexAt(k);
      float v = train.featureValueAt(k);
      sum[j] += v;
      min[j] = count[j] == 0 ? v : Math.min(min[j], v);
      max[j] = count[j] == 0 ? v : Math.max(max[j], v);
      count[j]++;
    }
    double[] mu = new double[d];
    for (int j = 0; j < d; j++) {
      mu[j] = n == 0 ? 0 : sum[j] / n;
    }
    // Two-pass variance (about the mean) rather than E[x²] − mean², which cancels badly for
    // features with a large mean and a small spread; implicit zeros add (0 − mean)² each.
    double[] ss = new double[d];
    for (int k = 0; k < nnz; k++) {
      int j = train.featureIndexAt(k);
      double dev = train.featureValueAt(k) - mu[j];
      ss[j] += dev * dev;
    }
    float[] mean = new float[d];
    float[] std = new float[d];
    for (int j = 0; j < d; j++) {
      if (count[j] < n) {
        // The implicit zeros take part in min/max too.
        min[j] = count[j] == 0 ? 0f : Math.min(min[j], 0f);
        max[j] = count[j] == 0 ? 0f : Math.max(max[j], 0f);
      }
      mean[j] = (float) mu[j];
      double var = n == 0 ? 0 : (ss[j] + (double) (n - count[j]) * mu[j] * mu[j]) / n;
      // Constant is decided exactly (min == max), not by a tolerance on the rounded variance,
      // which for a constant feature is a tiny non-zero number that would blow noise up to ~1.
      float s = (float) Math.sqrt(var);
      std[j] = n == 0 || min[j] == max[j] || !(s > 0) ? 1f : s;
    }
    return new FeatureTransform(Kind.STANDARDIZE, d, null, mean, std);
  }

  /**
   * Fills {@code dst[0 .. count*numFeatures)} (row-major) with the transformed dense rows {@code
   * ds[rows[from]], ..., ds[rows[from+count-1]]}; the rest of {@code dst} is untouched, so one
   * buffer can serve every batch.
   *
   * @throws DataException if {@code ds} has a different number of features than the training data,
   *     or a selected row holds a non-finite value
   */
  @Override
  public void denseRows(MultiLabelDataset ds, int[] rows, int from, int count, float[] dst) {
    checkPositions(rows, from, count);
    prepare(ds, count, dst);
    for (int i = 0; i < count; i++) {
      int r = checkRow(ds, rows[from + i]);
      row(ds, r, dst, i * numFeatures);
    }
  }

  /**
   * {@link #denseRows(MultiLabelDataset, int[], int, int, float[])} for the consecutive rows {@code
   * [from, from+count)}.
   */
  public void denseRows(MultiLabelDataset ds, int from, int count, float[] dst) {
    if (from < 0 || count < 0 || from > ds.size() - count) {
      throw new IndexOutOfBoundsException(
          "rows [" + from + ", " + from + "+" + count + ") of " + ds.size());
    }
    prepare(ds, count, dst);
    for (int i = 0; i < count; i++) {
      row(ds, from + i, dst, i * numFeatures);
    }
  }

  /**
   * True when the transform maps 0 to 0 (every kind but {@code standardize}), so that a transformed
   * row is as sparse as the raw one and {@link #sparseRows} applies.
   */
  public boolean keepsZeros() {
    return kind != Kind.STANDARDIZE;
  }

  /**
   * The transformed rows {@code ds[rows[from]], ..., ds[rows[from+count-1]]} as a padded sparse
   * batch, or null when the transform does not keep zeros ({@link #keepsZeros}): the same values
   * {@link #denseRows} writes, at the row's non-zero positions.
   *
   * @throws DataException as {@link #denseRows}
   */
  @Override
  public SparseBatch sparseRows(MultiLabelDataset ds, int[] rows, int from, int count) {
    if (!keepsZeros()) {
      return null;
    }
    checkPositions(rows, from, count);
    checkFeatures(ds);
    int width = 1;
    for (int i = 0; i < count; i++) {
      int r = checkRow(ds, rows[from + i]);
      width = Math.max(width, ds.rowEnd(r) - ds.rowStart(r));
    }
    int[] indices = new int[count * width];
    float[] values = new float[count * width];
    long nonZeros = 0;
    for (int i = 0; i < count; i++) {
      int r = rows[from + i];
      int base = i * width;
      double sq = 0;
      int n = 0;
      for (int k = ds.rowStart(r), e = ds.rowEnd(r); k < e; k++, n++) {
        int j = ds.featureIndexAt(k);
        float t = transformed(ds, r, k);
        sq += (double) t * t;
        indices[base + n] = j;
        values[base + n] = t;
      }
      nonZeros += n;
      if (kind == Kind.TFIDF && sq > 0) {
        float inv = (float) (1.0 / Math.sqrt(sq));
        for (int q = 0; q < n; q++) {
          values[base + q] *= inv;
        }
      }
    }
    return new SparseBatch(count, width, indices, values, nonZeros);
  }

  private static void checkPositions(int[] rows, int from, int count) {
    if (from < 0 || count < 0 || from > rows.length - count) {
      throw new IndexOutOfBoundsException(
          "positions [" + from + ", " + from + "+" + count + ") of " + rows.length + " rows");
    }
  }

  private static int checkRow(MultiLabelDataset ds, int r) {
    if (r < 0 || r >= ds.size()) {
      throw new IndexOutOfBoundsException("row " + r + " of " + ds.size());
    }
    return r;
  }

  private void checkFeatures(MultiLabelDataset ds) {
    if (ds.numFeatures() != numFeatures) {
      throw new DataException(
          ds.name()
              + ": "
              + ds.numFeatures()
              + " features, but the feature transform was fitted on "
              + numFeatures);
    }
  }

  private void prepare(MultiLabelDataset ds, int count, float[] dst) {
    checkFeatures(ds);
    long need = (long) count * numFeatures;
    if (dst.length < need) {
      throw new IllegalArgumentException("dst has " + dst.length + " floats, needs " + need);
    }
  }

  /**
   * The transformed value of non-zero {@code k} (of row {@code r}) before tf-idf's row
   * normalisation; the one place both {@link #denseRows} and {@link #sparseRows} compute it.
   */
  private float transformed(MultiLabelDataset ds, int r, int k) {
    int j = ds.featureIndexAt(k);
    float v = ds.featureValueAt(k);
    if (!Float.isFinite(v)) {
      throw new DataException(
          ds.name()
              + ": row "
              + (r + 1)
              + ", feature "
              + j
              + featureName(ds, j)
              + " is "
              + v
              + "; feature transforms need finite values");
    }
    return switch (kind) {
      case BINARY -> v != 0f ? 1f : 0f;
      case TFIDF -> v * idf[j];
      case STANDARDIZE -> (v - mean[j]) / std[j];
      default -> v;
    };
  }

  private void row(MultiLabelDataset ds, int r, float[] dst, int base) {
    int d = numFeatures;
    if (kind == Kind.STANDARDIZE) {
      // Every implicit zero becomes −mean/std, so the row is written in full first.
      for (int j = 0; j < d; j++) {
        dst[base + j] = -mean[j] / std[j];
      }
    } else {
      Arrays.fill(dst, base, base + d, 0f);
    }
    double sq = 0;
    for (int k = ds.rowStart(r), e = ds.rowEnd(r); k < e; k++) {
      int j = ds.featureIndexAt(k);
      float t = transformed(ds, r, k);
      if (kind == Kind.TFIDF) {
        sq += (double) t * t;
      }
      dst[base + j] = t;
    }
    if (kind == Kind.TFIDF && sq > 0) {
      float inv = (float) (1.0 / Math.sqrt(sq));
      for (int k = ds.rowStart(r), e = ds.rowEnd(r); k < e; k++) {
        dst[base + ds.featureIndexAt(k)] *= inv;
      }
    }
  }

  // Arrays make the record's generated equals/hashCode compare identities; compare contents so
  // that a transform read back from JSON equals the one written.
  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureTransform t
        && kind == t.kind
        && numFeatures == t.numFeatures
        && Arrays.equals(idf, t.idf)
        && Arrays.equals(mean, t.mean)
        && Arrays.equals(std, t.std);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        kind, numFeatures, Arrays.hashCode(idf), Arrays.hashCode(mean), Arrays.hashCode(std));
  }

  @Override
  public String toString() {
    return "FeatureTransform[" + kind + ", " + numFeatures + " features]";
  }
}
