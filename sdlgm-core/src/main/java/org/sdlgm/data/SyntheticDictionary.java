package org.sdlgm.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.sdlgm.SdlgmException;

/**
 * The embedded default data: a synthetic sparse-dictionary generator with ground truth. A
 * dictionary of {@code atoms} atoms in R^{@code dim} is drawn first; each example then draws its
 * own true level L uniformly from 1..{@code lmax}, picks L distinct atoms, weights each by U[{@code
 * wmin}, {@code wmax}], sums them, adds N(0, {@code noise}²) per feature and clips to [0, 1].
 * Because each example's L and support are known, a run on this data can measure how well a model
 * recovers per-example sparsity — a check no real data set offers.
 *
 * <p>Output is a pure function of the parameters: all randomness comes from {@link
 * SplittableRandom} seeded with {@code seed}, Gaussians use Box–Muller on {@link StrictMath}, so
 * arrays are bit-identical on every run and JVM. The dictionary comes from its own stream split off
 * first, so changing {@code n} or {@code test} never changes the dictionary; test rows follow the
 * training rows in the example stream.
 *
 * <p>{@link Kind#SPARSE} atoms switch on {@code dim/10} random features with values U[0.5, 1].
 * {@link Kind#STROKES} atoms (dim = 784 only) are smooth pen strokes on a 28×28 grid: a line
 * segment or circular arc of random length drawn with a Gaussian brush of σ = {@value #BRUSH_SIGMA}
 * px and peak value 1, so that results can be viewed as images.
 */
public final class SyntheticDictionary implements DataSource {
  /** How atoms look. */
  public enum Kind {
    SPARSE,
    STROKES
  }

  /** Gaussian brush width (standard deviation, pixels) of stroke atoms. */
  public static final double BRUSH_SIGMA = 1.5;

  private static final int SIDE = 28;

  private final String spec;
  private final int n;
  private final int test;
  private final long seed;
  private final int atoms;
  private final int dim;
  private final int lmax;
  private final double noise;
  private final double wmin;
  private final double wmax;
  private final Kind kind;

  private SyntheticDictionary(Builder b) {
    this.n = b.n;
    this.test = b.test;
    this.seed = b.seed;
    this.atoms = b.atoms;
    this.dim = b.dim;
    this.lmax = b.lmax;
    this.noise = b.noise;
    this.wmin = b.wmin;
    this.wmax = b.wmax;
    this.kind = b.kind;
    this.spec =
        b.spec != null
            ? b.spec
            : String.format(
                Locale.ROOT,
                "synthetic:n=%d,test=%d,seed=%d,atoms=%d,dim=%d,lmax=%d,noise=%s,wmin=%s,wmax=%s,kind=%s",
                n,
                test,
                seed,
                atoms,
                dim,
                lmax,
                noise,
                wmin,
                wmax,
                kind.name().toLowerCase(Locale.ROOT));
  }

  /** A builder holding the documented defaults (the demo's data, docs/results.md §1). */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String spec() {
    return spec;
  }

  /** Generates the dictionary, then {@code n} training and {@code test} test examples. */
  @Override
  public TrainTest load() {
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom dictRng = root.split();
    SplittableRandom exampleRng = root.split();
    float[][] dict = dictionary(dictRng);
    int[][] nz = nonZeros(dict);
    Dataset train = examples("synthetic/train", n, dict, nz, exampleRng);
    Dataset testPart = test > 0 ? examples("synthetic/test", test, dict, nz, exampleRng) : null;
    return new TrainTest(train, testPart);
  }

  /** The generating dictionary alone (atoms × dim), identical to the one {@link #load()} uses. */
  public float[][] dictionary() {
    return dictionary(new SplittableRandom(seed).split());
  }

  private float[][] dictionary(SplittableRandom rng) {
    float[][] d = new float[atoms][];
    for (int a = 0; a < atoms; a++) {
      d[a] = kind == Kind.STROKES ? strokeAtom(rng) : sparseAtom(rng);
    }
    return d;
  }

  private float[] sparseAtom(SplittableRandom rng) {
    float[] atom = new float[dim];
    int on = Math.max(1, dim / 10);
    int[] idx = identity(dim);
    for (int i = 0; i < on; i++) {
      int j = i + rng.nextInt(dim - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      atom[idx[i]] = (float) (0.5 + 0.5 * rng.nextDouble());
    }
    return atom;
  }

  /** A curve sampled densely, then rendered as max over samples of a Gaussian bump. */
  private float[] strokeAtom(SplittableRandom rng) {
    double[] xs;
    double[] ys;
    // Redraw until the whole stroke stays away from the border, so the brush is not cut off.
    while (true) {
      int samples = 64;
      xs = new double[samples];
      ys = new double[samples];
      if (rng.nextBoolean()) {
        double x0 = uniform(rng, 4, 23);
        double y0 = uniform(rng, 4, 23);
        double angle = uniform(rng, 0, 2 * Math.PI);
        double length = uniform(rng, 6, 18);
        for (int s = 0; s < samples; s++) {
          double t = length * s / (samples - 1);
          xs[s] = x0 + t * StrictMath.cos(angle);
          ys[s] = y0 + t * StrictMath.sin(angle);
        }
      } else {
        double cx = uniform(rng, 9, 18);
        double cy = uniform(rng, 9, 18);
        double r = uniform(rng, 4, 9);
        double start = uniform(rng, 0, 2 * Math.PI);
        double sweep = uniform(rng, Math.PI / 3, 1.5 * Math.PI);
        for (int s = 0; s < samples; s++) {
          double a = start + sweep * s / (samples - 1);
          xs[s] = cx + r * StrictMath.cos(a);
          ys[s] = cy + r * StrictMath.sin(a);
        }
      }
      if (inside(xs) && inside(ys)) {
        break;
      }
    }
    float[] atom = new float[SIDE * SIDE];
    double twoSigma2 = 2 * BRUSH_SIGMA * BRUSH_SIGMA;
    for (int py = 0; py < SIDE; py++) {
      for (int px = 0; px < SIDE; px++) {
        double best = Double.MAX_VALUE;
        for (int s = 0; s < xs.length; s++) {
          double dx = px - xs[s];
          double dy = py - ys[s];
          best = Math.min(best, dx * dx + dy * dy);
        }
        double v = StrictMath.exp(-best / twoSigma2);
        // Drop the far tail so atoms are genuinely local (and sparse in storage terms).
        atom[py * SIDE + px] = v < 1e-3 ? 0f : (float) v;
      }
    }
    return atom;
  }

  private static boolean inside(double[] c) {
    for (double v : c) {
      if (v < 2 || v > SIDE - 3) {
        return false;
      }
    }
    return true;
  }

  private Dataset examples(
      String name, int count, float[][] dict, int[][] nz, SplittableRandom rng) {
    float[] x = new float[count * dim];
    int[] levels = new int[count];
    int[][] supports = new int[count][];
    int[] perm = identity(atoms);
    double[] acc = new double[dim];
    double[] gauss = new double[2];
    for (int i = 0; i < count; i++) {
      int l = 1 + rng.nextInt(lmax);
      // Partial Fisher–Yates: the first l entries of perm become a uniform l-subset.
      for (int j = 0; j < l; j++) {
        int k = j + rng.nextInt(atoms - j);
        int t = perm[j];
        perm[j] = perm[k];
        perm[k] = t;
      }
      int[] support = Arrays.copyOf(perm, l);
      Arrays.fill(acc, 0);
      for (int j = 0; j < l; j++) {
        double w = uniform(rng, wmin, wmax);
        float[] atom = dict[support[j]];
        for (int f : nz[support[j]]) {
          acc[f] += w * atom[f];
        }
      }
      Arrays.sort(support);
      int base = i * dim;
      for (int f = 0; f < dim; f++) {
        double v = acc[f];
        if (noise > 0) {
          if ((f & 1) == 0) {
            gaussianPair(rng, gauss);
          }
          v += noise * gauss[f & 1];
        }
        x[base + f] = (float) Math.min(1.0, Math.max(0.0, v));
      }
      levels[i] = l;
      supports[i] = support;
    }
    Dataset.Builder b =
        Dataset.builder(name, dim, x).trueLevels(levels).trueSupports(supports).dictionary(dict);
    if (dim == SIDE * SIDE) {
      b.imageShape(SIDE, SIDE);
    }
    return b.build();
  }

  /** Box–Muller with StrictMath: reproducible bit for bit, unlike nextGaussian's algorithm. */
  private static void gaussianPair(SplittableRandom rng, double[] out) {
    double u1 = 1.0 - rng.nextDouble(); // (0, 1], keeps log finite
    double u2 = rng.nextDouble();
    double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
    double a = 2 * Math.PI * u2;
    out[0] = r * StrictMath.cos(a);
    out[1] = r * StrictMath.sin(a);
  }

  private static double uniform(SplittableRandom rng, double lo, double hi) {
    return lo + (hi - lo) * rng.nextDouble();
  }

  private static int[] identity(int size) {
    int[] a = new int[size];
    for (int i = 0; i < size; i++) {
      a[i] = i;
    }
    return a;
  }

  private static int[][] nonZeros(float[][] dict) {
    int[][] nz = new int[dict.length][];
    for (int a = 0; a < dict.length; a++) {
      float[] atom = dict[a];
      nz[a] = java.util.stream.IntStream.range(0, atom.length).filter(f -> atom[f] != 0f).toArray();
    }
    return nz;
  }

  /** Parameters with the defaults of the reference configuration; {@link #build()} validates. */
  public static final class Builder {
    private String spec;
    private int n = 10000;
    private int test = 2000;
    private long seed = 1;
    private int atoms = 32;
    private int dim = 784;
    private int lmax = 6;
    private double noise = 0.05;
    private double wmin = 0.6;
    private double wmax = 1.0;
    private Kind kind = Kind.SPARSE;

    private Builder() {}

    /** Training examples (default 10000). */
    public Builder n(int v) {
      this.n = v;
      return this;
    }

    /** Test examples (default 2000; 0 for none). */
    public Builder test(int v) {
      this.test = v;
      return this;
    }

    public Builder seed(long v) {
      this.seed = v;
      return this;
    }

    /** Number of dictionary atoms, K_true (default 32). */
    public Builder atoms(int v) {
      this.atoms = v;
      return this;
    }

    /** Features per example (default 784). */
    public Builder dim(int v) {
      this.dim = v;
      return this;
    }

    /** Largest true level, L_true_max (default 6). */
    public Builder lmax(int v) {
      this.lmax = v;
      return this;
    }

    /** Standard deviation of the per-feature Gaussian noise (default 0.05). */
    public Builder noise(double v) {
      this.noise = v;
      return this;
    }

    public Builder wmin(double v) {
      this.wmin = v;
      return this;
    }

    public Builder wmax(double v) {
      this.wmax = v;
      return this;
    }

    public Builder kind(Kind v) {
      this.kind = v;
      return this;
    }

    /** The spec string to report from {@link SyntheticDictionary#spec()}; derived if unset. */
    public Builder spec(String v) {
      this.spec = v;
      return this;
    }

    public SyntheticDictionary build() {
      require(n >= 1, "n must be at least 1, got " + n);
      require(test >= 0, "test must be 0 or more, got " + test);
      require(atoms >= 1, "atoms must be at least 1, got " + atoms);
      require(dim >= 1, "dim must be at least 1, got " + dim);
      require(lmax >= 1 && lmax <= atoms, "lmax must be in 1..atoms (" + atoms + "), got " + lmax);
      require(
          Double.isFinite(noise) && noise >= 0, "noise must be a finite number >= 0, got " + noise);
      require(
          Double.isFinite(wmin) && Double.isFinite(wmax) && wmin >= 0 && wmin <= wmax,
          "weights need 0 <= wmin <= wmax, got wmin=" + wmin + ", wmax=" + wmax);
      require(
          kind != Kind.STROKES || dim == SIDE * SIDE,
          "kind=strokes draws on a 28x28 grid and needs dim=784, got dim=" + dim);
      require(
          (n + (long) test) * dim <= Integer.MAX_VALUE - 64,
          "n, test and dim are too large: " + n + "+" + test + " rows x " + dim + " features");
      return new SyntheticDictionary(this);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new SdlgmException("synthetic data: " + message);
      }
    }
  }
}
