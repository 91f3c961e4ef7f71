package org.sdlgm.data.multilabel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.sdlgm.SdlgmException;

/**
 * A seeded generator of learnable extreme multi-label data with known ground truth, so that the
 * multi-label pipeline can be tested at realistic scale (10^5 features, 10^4 labels) without
 * downloading anything. Each of the C labels owns a random <em>signature</em>: sigmin..sigmax
 * distinct features out of D. A row draws its label-set size |Y| uniformly from 1..lmax (or 0 with
 * probability {@code empty}), draws that many distinct labels (uniformly, or by Zipf popularity
 * with exponent {@code zipf} over a random ranking of the labels), and emits, for each of its
 * labels, every signature feature independently with probability {@code keep} (at least one per
 * label, so no label is invisible), plus {@code noise} uniformly random features. Values are 1
 * ({@link Values#BINARY}) or, for {@link Values#COUNT}, the sum over a feature's emissions of a
 * count in 1..3, like term frequencies.
 *
 * <p>Rows are appended straight into CSR form, so memory and time are proportional to the non-zeros
 * (about n·(lmax·sigmax·keep + noise)), never to n·D or n·C: the default 3000 × 100000 × 10000 set
 * takes a few megabytes. Output is a pure function of the parameters: signatures, the popularity
 * ranking, training rows and test rows each come from their own {@link SplittableRandom} stream
 * split off the seed in that order, so changing {@code n} or {@code test} changes neither the
 * signatures nor the other part's rows.
 */
public final class SyntheticMultiLabel {
  /** How feature values look. */
  public enum Values {
    BINARY,
    COUNT
  }

  private final String spec;
  private final int n;
  private final int test;
  private final int features;
  private final int labels;
  private final int lmax;
  private final long seed;
  private final int sigMin;
  private final int sigMax;
  private final double keep;
  private final int noise;
  private final double empty;
  private final double zipf;
  private final Values values;
  // Signatures in CSR form (label -> sorted feature indices); drawn once, read-only afterwards.
  private final int[] sigPtr;
  private final int[] sigIdx;
  // Cumulative popularity over labels for Zipf sampling, or null for uniform.
  private final double[] cumulative;

  private SyntheticMultiLabel(Builder b) {
    this.n = b.n;
    this.test = b.test;
    this.features = b.features;
    this.labels = b.labels;
    this.lmax = b.lmax;
    this.seed = b.seed;
    this.sigMin = b.sigMin;
    this.sigMax = b.sigMax;
    this.keep = b.keep;
    this.noise = b.noise;
    this.empty = b.empty;
    this.zipf = b.zipf;
    this.values = b.values;
    this.spec =
        b.spec != null
            ? b.spec
            : String.format(
                Locale.ROOT,
                "synthetic-ml:n=%d,test=%d,features=%d,labels=%d,lmax=%d,seed=%d,sigmin=%d,sigmax=%d,"
                    + "keep=%s,noise=%d,empty=%s,zipf=%s,values=%s",
                n,
                test,
                features,
                labels,
                lmax,
                seed,
                sigMin,
                sigMax,
                keep,
                noise,
                empty,
                zipf,
                values.name().toLowerCase(Locale.ROOT));
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom sigRng = root.split();
    SplittableRandom popRng = root.split();
    this.sigPtr = new int[labels + 1];
    this.sigIdx = signatures(sigRng);
    this.cumulative = zipf > 0 ? popularity(popRng) : null;
  }

  /** A builder holding the documented defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The spec string this generator was built from (or its canonical form). */
  public String spec() {
    return spec;
  }

  public int numFeatures() {
    return features;
  }

  public int numLabels() {
    return labels;
  }

  /** The ground truth: the features label {@code label} emits from, sorted ascending. */
  public int[] signature(int label) {
    return Arrays.copyOfRange(sigIdx, sigPtr[label], sigPtr[label + 1]);
  }

  /**
   * Generates {@code n} training rows ({@code synthetic-ml/train}) and, when {@code test} &gt; 0,
   * {@code test} test rows ({@code synthetic-ml/test}) from the same signatures.
   */
  public MultiLabelTrainTest load() {
    SplittableRandom root = new SplittableRandom(seed);
    root.split(); // signatures
    root.split(); // popularity
    SplittableRandom trainRng = root.split();
    SplittableRandom testRng = root.split();
    List<String> names = new ArrayList<>(labels);
    for (int c = 0; c < labels; c++) {
      names.add(Integer.toString(c));
    }
    MultiLabelDataset train = rows("synthetic-ml/train", n, names, trainRng);
    MultiLabelDataset testPart = test > 0 ? rows("synthetic-ml/test", test, names, testRng) : null;
    return new MultiLabelTrainTest(train, testPart);
  }

  private int[] signatures(SplittableRandom rng) {
    int[] idx = new int[labels * sigMax];
    int w = 0;
    int[] scratch = null;
    for (int c = 0; c < labels; c++) {
      int s = sigMin + rng.nextInt(sigMax - sigMin + 1);
      int st = w;
      if ((long) s * 4 >= features) {
        // Signature is a large share of D: partial Fisher–Yates, rejection would loop a lot.
        if (scratch == null) {
          scratch = new int[features];
        }
        for (int j = 0; j < features; j++) {
          scratch[j] = j;
        }
        for (int i = 0; i < s; i++) {
          int j = i + rng.nextInt(features - i);
          int t = scratch[i];
          scratch[i] = scratch[j];
          scratch[j] = t;
          idx[w++] = scratch[i];
        }
      } else {
        while (w - st < s) {
          int f = rng.nextInt(features);
          if (!contains(idx, st, w, f)) {
            idx[w++] = f;
          }
        }
      }
      Arrays.sort(idx, st, w);
      sigPtr[c + 1] = w;
    }
    return Arrays.copyOf(idx, w);
  }

  /** Zipf weights 1/rank^zipf handed to the labels in a random order, as a cumulative table. */
  private double[] popularity(SplittableRandom rng) {
    int[] rank = org.sdlgm.data.Splits.shuffled(labels, rng);
    double[] cum = new double[labels];
    double total = 0;
    for (int c = 0; c < labels; c++) {
      // StrictMath: the table, hence every draw, must be identical on every JVM.
      total += 1.0 / StrictMath.pow(rank[c] + 1.0, zipf);
      cum[c] = total;
    }
    return cum;
  }

  private int drawLabel(SplittableRandom rng) {
    if (cumulative == null) {
      return rng.nextInt(labels);
    }
    double u = rng.nextDouble() * cumulative[labels - 1];
    int lo = 0;
    int hi = labels - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > u) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private MultiLabelDataset rows(String name, int count, List<String> names, SplittableRandom rng) {
    CsrBuilder csr = new CsrBuilder();
    int[] chosen = new int[lmax];
    // Emissions of one row packed as (feature << 32 | count), sorted to merge repeats.
    long[] emit = new long[lmax * sigMax + noise];
    for (int r = 0; r < count; r++) {
      int k = empty > 0 && rng.nextDouble() < empty ? 0 : 1 + rng.nextInt(lmax);
      for (int i = 0; i < k; i++) {
        int c = drawLabel(rng);
        // A steep Zipf makes repeats common; after a bounded number of tries fall back to a
        // uniform draw so a row can never spin on the few most popular labels.
        for (int tries = 0; contains(chosen, 0, i, c); tries++) {
          c = tries < 64 ? drawLabel(rng) : rng.nextInt(labels);
        }
        chosen[i] = c;
      }
      Arrays.sort(chosen, 0, k);
      int e = 0;
      for (int i = 0; i < k; i++) {
        int c = chosen[i];
        csr.addLabel(c);
        int before = e;
        for (int p = sigPtr[c]; p < sigPtr[c + 1]; p++) {
          if (rng.nextDouble() < keep) {
            e = emit(emit, e, sigIdx[p], rng);
          }
        }
        if (e == before) {
          e = emit(emit, e, sigIdx[sigPtr[c] + rng.nextInt(sigPtr[c + 1] - sigPtr[c])], rng);
        }
      }
      for (int i = 0; i < noise; i++) {
        e = emit(emit, e, rng.nextInt(features), rng);
      }
      Arrays.sort(emit, 0, e);
      for (int i = 0; i < e; ) {
        int f = (int) (emit[i] >>> 32);
        int sum = 0;
        for (; i < e && (int) (emit[i] >>> 32) == f; i++) {
          sum += (int) emit[i];
        }
        csr.addFeature(f, values == Values.BINARY ? 1f : sum);
      }
      csr.endRow();
    }
    return csr.build(name, features, List.of(), names);
  }

  private int emit(long[] emit, int e, int feature, SplittableRandom rng) {
    int v = values == Values.COUNT ? 1 + rng.nextInt(3) : 1;
    emit[e] = ((long) feature << 32) | v;
    return e + 1;
  }

  private static boolean contains(int[] a, int from, int to, int v) {
    for (int i = from; i < to; i++) {
      if (a[i] == v) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return spec;
  }

  /** Parameters with defaults; {@link #build()} checks them all. */
  public static final class Builder {
    private String spec;
    private int n = 3000;
    private int test = 1000;
    private int features = 100_000;
    private int labels = 10_000;
    private int lmax = 5;
    private long seed = 1;
    private int sigMin = 10;
    private int sigMax = 30;
    private double keep = 0.5;
    private int noise = 5;
    private double empty = 0;
    private double zipf = 0;
    private Values values = Values.BINARY;

    private Builder() {}

    /** Training rows (default 3000). */
    public Builder n(int v) {
      this.n = v;
      return this;
    }

    /** Test rows (default 1000; 0 for none). */
    public Builder test(int v) {
      this.test = v;
      return this;
    }

    /** D, the number of features (default 100000). */
    public Builder features(int v) {
      this.features = v;
      return this;
    }

    /** C, the number of labels (default 10000). */
    public Builder labels(int v) {
      this.labels = v;
      return this;
    }

    /** Largest label-set size (default 5); |Y| is uniform on 1..lmax. */
    public Builder lmax(int v) {
      this.lmax = v;
      return this;
    }

    public Builder seed(long v) {
      this.seed = v;
      return this;
    }

    /** Smallest signature size (default 10). */
    public Builder sigMin(int v) {
      this.sigMin = v;
      return this;
    }

    /** Largest signature size (default 30). */
    public Builder sigMax(int v) {
      this.sigMax = v;
      return this;
    }

    /** Probability that a row emits each signature feature of each of its labels (default 0.5). */
    public Builder keep(double v) {
      this.keep = v;
      return this;
    }

    /** Uniformly random noise features per row (default 5). */
    public Builder noise(int v) {
      this.noise = v;
      return this;
    }

    /** Probability that a row has no labels (and then only noise features); default 0. */
    public Builder empty(double v) {
      this.empty = v;
      return this;
    }

    /** Zipf exponent of label popularity; 0 (default) draws labels uniformly. */
    public Builder zipf(double v) {
      this.zipf = v;
      return this;
    }

    public Builder values(Values v) {
      this.values = v;
      return this;
    }

    /** The spec string to report from {@link SyntheticMultiLabel#spec()}; derived if unset. */
    public Builder spec(String v) {
      this.spec = v;
      return this;
    }

    public SyntheticMultiLabel build() {
      require(n >= 1, "n must be at least 1, got " + n);
      require(test >= 0, "test must be 0 or more, got " + test);
      require(features >= 1, "features must be at least 1, got " + features);
      require(labels >= 1, "labels must be at least 1, got " + labels);
      require(
          lmax >= 1 && lmax <= labels, "lmax must be in 1..labels (" + labels + "), got " + lmax);
      require(
          sigMin >= 1 && sigMin <= sigMax && sigMax <= features,
          "signature sizes need 1 <= sigmin <= sigmax <= features ("
              + features
              + "), got sigmin="
              + sigMin
              + ", sigmax="
              + sigMax);
      require(keep > 0 && keep <= 1, "keep must be in (0, 1], got " + keep);
      require(noise >= 0, "noise must be 0 or more, got " + noise);
      require(empty >= 0 && empty < 1, "empty must be in [0, 1), got " + empty);
      require(Double.isFinite(zipf) && zipf >= 0, "zipf must be a finite number >= 0, got " + zipf);
      require(values != null, "values must be binary or count");
      long perRow = (long) lmax * sigMax + noise;
      require(
          (long) labels * sigMax <= Integer.MAX_VALUE - 64
              && Math.max(n, test) * perRow <= Integer.MAX_VALUE - 64,
          "too large for int-indexed CSR: "
              + Math.max(n, test)
              + " rows x up to "
              + perRow
              + " non-zeros, "
              + labels
              + " labels x up to "
              + sigMax
              + " signature features");
      return new SyntheticMultiLabel(this);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new SdlgmException("synthetic-ml data: " + message);
      }
    }
  }
}
