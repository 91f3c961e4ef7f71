package org.sdlgm.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;
import org.sdlgm.SdlgmException;

/**
 * The per-column input scaling of an unsupervised model, fitted on the training rows and applied
 * identically to every later row (validation, test, {@code encode}, {@code eval}, a model loaded by
 * the library), stored with the model as {@code scaling.json}. Every kind is x′ = (x − offset) /
 * scale per column: {@code none} is the identity (no arrays); {@code minmax} has offset = the
 * training minimum and scale = max − min, so training values land in [0,1] (a constant column maps
 * to 0, scale 1); {@code standardize} has offset = the mean and scale = the population standard
 * deviation (a constant column gets scale 1). With {@code clip} every scaled value is clipped to
 * [0,1]: rows read later may lie outside the training range, and the Bernoulli likelihood is
 * undefined there, so its models clip rather than fail.
 *
 * @param kind the scaling kind
 * @param dim the number of columns (D) it was fitted on
 * @param clip whether scaled values are clipped to [0,1]
 * @param offset per-column offset, null for {@code none}
 * @param scale per-column divisor (finite, > 0), null for {@code none}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "dim", "clip", "offset", "scale"})
public record InputScaling(Kind kind, int dim, boolean clip, float[] offset, float[] scale)
    implements Preprocessing {

  /** The scaling kinds; JSON and command-line names are lower case. */
  public enum Kind {
    NONE,
    MINMAX,
    STANDARDIZE;

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
          "unknown input scaling '" + id + "'; valid are none, minmax, standardize");
    }

    @Override
    public String toString() {
      return id();
    }
  }

  /**
   * Checks that the arrays match the kind, so that a hand-edited or truncated file fails on load.
   */
  public InputScaling {
    Objects.requireNonNull(kind, "kind");
    if (dim < 0) {
      throw new IllegalArgumentException("dim < 0");
    }
    // Copied in and out (see the accessors) so that a fitted scaling cannot change.
    offset = offset == null ? null : offset.clone();
    scale = scale == null ? null : scale.clone();
    boolean needed = kind != Kind.NONE;
    for (float[] a : new float[][] {offset, scale}) {
      if (needed && (a == null || a.length != dim)) {
        throw new IllegalArgumentException(
            (a == offset ? "offset" : "scale")
                + " needs "
                + dim
                + " values, has "
                + (a == null ? "none" : a.length));
      }
      if (!needed && a != null) {
        throw new IllegalArgumentException("kind none has no offset or scale");
      }
    }
    if (needed) {
      for (int j = 0; j < dim; j++) {
        if (!Float.isFinite(offset[j]) || !(scale[j] > 0) || !Float.isFinite(scale[j])) {
          throw new IllegalArgumentException(
              "column "
                  + j
                  + ": offset "
                  + offset[j]
                  + ", scale "
                  + scale[j]
                  + " (both must be finite, scale > 0)");
        }
      }
    }
  }

  @Override
  public float[] offset() {
    return offset == null ? null : offset.clone();
  }

  @Override
  public float[] scale() {
    return scale == null ? null : scale.clone();
  }

  @JsonIgnore
  @Override
  public int columns() {
    return dim;
  }

  /** The identity for {@code dim} columns: what a model directory without a scaling file has. */
  public static InputScaling none(int dim) {
    return new InputScaling(Kind.NONE, dim, false, null, null);
  }

  /** Whether {@link #apply} leaves every value as it is. */
  @JsonIgnore
  public boolean isIdentity() {
    return kind == Kind.NONE && !clip;
  }

  /** The same statistics with clipping to [0,1] switched on or off. */
  public InputScaling withClip(boolean c) {
    return new InputScaling(kind, dim, c, offset, scale);
  }

  /**
   * Fits {@code kind} on the rows of {@code train} (without clipping). Statistics are taken in
   * double; minmax's scale is the float difference max − min, so that (x − min) / scale cannot
   * round above 1 for a training value x ≤ max.
   *
   * @throws DataException when a column's range or spread does not fit in a float
   */
  public static InputScaling fit(Dataset train, Kind kind) {
    Objects.requireNonNull(kind, "kind");
    int d = train.dim();
    if (kind == Kind.NONE) {
      return none(d);
    }
    int n = train.size();
    float[] x = train.features();
    float[] min = new float[d];
    float[] max = new float[d];
    double[] sum = new double[d];
    java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
    java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
    for (int r = 0; r < n; r++) {
      for (int j = 0, o = r * d; j < d; j++) {
        float v = x[o + j];
        min[j] = Math.min(min[j], v);
        max[j] = Math.max(max[j], v);
        sum[j] += v;
      }
    }
    float[] offset = new float[d];
    float[] scale = new float[d];
    if (kind == Kind.MINMAX) {
      for (int j = 0; j < d; j++) {
        offset[j] = n == 0 ? 0f : min[j];
        scale[j] = n == 0 || max[j] == min[j] ? 1f : max[j] - min[j];
      }
    } else {
      double[] mean = new double[d];
      double[] ss = new double[d];
      for (int j = 0; j < d; j++) {
        mean[j] = n == 0 ? 0 : sum[j] / n;
      }
      // Two passes: the sum of squares about the mean does not cancel as Σx² − n·mean² can.
      for (int r = 0; r < n; r++) {
        for (int j = 0, o = r * d; j < d; j++) {
          double c = x[o + j] - mean[j];
          ss[j] += c * c;
        }
      }
      for (int j = 0; j < d; j++) {
        offset[j] = (float) mean[j];
        float sd = n == 0 ? 0f : (float) Math.sqrt(ss[j] / n);
        // A constant column's mean can be off by an ulp, leaving a spurious tiny σ that would
        // blow its rounding noise up to ±1: constant means scale 1, by the range.
        scale[j] = n == 0 || max[j] == min[j] || !(sd > 0) ? 1f : sd;
      }
    }
    for (int j = 0; j < d; j++) {
      if (!Float.isFinite(scale[j]) || !Float.isFinite(offset[j])) {
        throw new DataException(
            train.name()
                + ": column "
                + (j + 1)
                + " spans "
                + min[j]
                + " .. "
                + max[j]
                + ", too wide for "
                + kind
                + " scaling in float precision");
      }
    }
    return new InputScaling(kind, d, false, offset, scale);
  }

  /** The scaled value of {@code v} in column {@code j}, before any clipping. */
  public float scaled(float v, int j) {
    return kind == Kind.NONE ? v : (v - offset[j]) / scale[j];
  }

  /** A scaled copy of the first {@code n} rows of {@code rows} (row-major, {@code n × dim}). */
  public float[] apply(float[] rows, int n) {
    float[] out = java.util.Arrays.copyOf(rows, n * dim);
    applyInPlace(out, n);
    return out;
  }

  /** Scales the first {@code n} rows of {@code rows} in place. */
  public void applyInPlace(float[] rows, int n) {
    if (isIdentity()) {
      return;
    }
    for (int r = 0; r < n; r++) {
      for (int j = 0, o = r * dim; j < dim; j++) {
        float v = scaled(rows[o + j], j);
        rows[o + j] = clip ? Math.min(1f, Math.max(0f, v)) : v;
      }
    }
  }

  /**
   * {@code data} with scaled features and the same side information (labels, ground truth, image
   * shape); {@code data} itself when this scaling is the identity, so that unscaled runs keep
   * exactly the arrays they had.
   */
  public Dataset apply(Dataset data) {
    if (data == null || isIdentity()) {
      return data;
    }
    checkDim(data.dim(), data.name());
    return Dataset.builder(data.name(), data.dim(), apply(data.features(), data.size()))
        .labels(data.labels())
        .trueLevels(data.trueLevels())
        .trueSupports(data.trueSupports())
        .dictionary(data.dictionary())
        .imageShape(data.imageHeight(), data.imageWidth())
        .build();
  }

  /** Fails unless rows of {@code d} columns can be scaled by this scaling. */
  public void checkDim(int d, String what) {
    if (d != dim) {
      throw new SdlgmException(
          what + ": rows have " + d + " columns, but the input scaling was " + "fitted on " + dim);
    }
  }

  /** A value outside [0,1] after scaling: 0-based row and column, the raw and the scaled value. */
  public record Outlier(int row, int column, float value, float scaled) {}

  /**
   * The first value of {@code data}, in row-major order, that lies outside [0,1] after this scaling
   * (clipping ignored), or null when there is none.
   */
  public Outlier firstOutsideUnit(Dataset data) {
    checkDim(data.dim(), data.name());
    float[] x = data.features();
    int d = data.dim();
    for (int r = 0, n = data.size(); r < n; r++) {
      for (int j = 0, o = r * d; j < d; j++) {
        float s = scaled(x[o + j], j);
        // Written so that NaN counts as outside.
        if (!(s >= 0f && s <= 1f)) {
          return new Outlier(r, j, x[o + j], s);
        }
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputScaling s
        && kind == s.kind
        && dim == s.dim
        && clip == s.clip
        && java.util.Arrays.equals(offset, s.offset)
        && java.util.Arrays.equals(scale, s.scale);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        kind, dim, clip, java.util.Arrays.hashCode(offset), java.util.Arrays.hashCode(scale));
  }

  @Override
  public String toString() {
    return kind + (clip ? " (clipped to [0,1])" : "") + " over " + dim + " columns";
  }
}
