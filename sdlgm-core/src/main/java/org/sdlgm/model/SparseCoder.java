package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sdlgm.SdlgmException;
import org.sdlgm.SdlgmRuntime;
import org.sdlgm.data.InputScaling;
import org.sdlgm.engine.Tensors;
import org.sdlgm.engine.Workers;

/**
 * An unsupervised model in memory — configuration, network and parameters — and what you do with a
 * trained one: turn rows into deterministic sparse codes, reconstruct them, save and load
 * parameters. The {@link TrainedModel} of the unsupervised task; it owns a native memory scope,
 * close it when done.
 *
 * <p>A coder loaded with an {@link InputScaling} (as {@code ModelDirectory.loadCoder} does) scales
 * the rows given to {@link #encode} itself, so callers pass raw rows of the training source; every
 * other method, and the network, work on scaled rows (x̂ of {@link #decodeMean} is in the scaled
 * space).
 *
 * <p>Its computations are shared among its own {@link #workers()} threads, made on first use and
 * ended by {@link #close}.
 */
public final class SparseCoder implements TrainedModel<SdlgmConfig> {
  /** The kind of model directory (and checkpoint) that holds a coder. */
  public static final String FORMAT = "sdlgm-model";

  private final SdlgmConfig config;
  private final NDManager manager;
  private final LatentBlock block;
  private final ParameterStore store;
  private final InputScaling inputScaling;
  private Workers workers;

  private SparseCoder(SdlgmConfig config, InputScaling inputScaling) {
    this.config = config;
    this.inputScaling = inputScaling != null ? inputScaling : InputScaling.none(config.inputDim());
    this.inputScaling.checkDim(config.inputDim(), "model");
    this.manager = NDManager.newBaseManager();
    this.block = LatentBlock.of(config);
    block.initialize(manager, DataType.FLOAT32, new Shape(1, config.inputDim()));
    this.store = new ParameterStore(manager, false);
  }

  /**
   * A freshly initialised model. Initialisation draws from libtorch's generator: seed it first
   * ({@code Engine.getInstance().setRandomSeed}) for reproducible runs.
   */
  public static SparseCoder create(SdlgmConfig config) {
    return new SparseCoder(config, null);
  }

  /** A model with parameters read from a file written by {@link #saveParameters}. */
  public static SparseCoder load(SdlgmConfig config, Path params) {
    return load(config, params, null);
  }

  /**
   * As {@link #load(SdlgmConfig, Path)}, with the input scaling that {@link #encode} applies to its
   * rows (null: none).
   */
  public static SparseCoder load(SdlgmConfig config, Path params, InputScaling inputScaling) {
    SparseCoder coder = new SparseCoder(config, inputScaling);
    try {
      Parameters.read(coder.block, coder.manager, new Shape(1, config.inputDim()), params);
    } catch (RuntimeException e) {
      coder.close();
      throw e;
    }
    return coder;
  }

  @Override
  public String format() {
    return FORMAT;
  }

  /** The model's {@link #inputScaling()}. */
  @Override
  public InputScaling preprocessing() {
    return inputScaling;
  }

  @Override
  public SdlgmConfig config() {
    return config;
  }

  /** The scaling {@link #encode} applies to its rows (the identity unless loaded with one). */
  public InputScaling inputScaling() {
    return inputScaling;
  }

  /** The network (for training and evaluation code in this library). */
  @Override
  public LatentBlock block() {
    return block;
  }

  /** The manager that owns the parameters. */
  public NDManager manager() {
    return manager;
  }

  /** A parameter store reading this model's parameters directly (no copies). */
  public ParameterStore store() {
    return store;
  }

  /**
   * The threads that share this model's batches (encoding, training steps and their updates, the
   * hard-sample ELBO): {@link SdlgmRuntime#threads()} of them, made on the first call and ended by
   * {@link #close}.
   */
  @Override
  public synchronized Workers workers() {
    if (workers == null) {
      workers = new Workers(SdlgmRuntime.threads());
    }
    return workers;
  }

  /** Current σ_x of a Gaussian likelihood, NaN for Bernoulli. */
  public double sigmaX() {
    return block.sigmaX(store, manager);
  }

  /**
   * The deterministic code of one input row, as the data gives it (the model's input scaling is
   * applied here). For many rows, {@link #encode(float[], int, int)} batches the passes.
   */
  public SparseCode encode(float[] row) {
    if (row.length != config.inputDim()) {
      throw new SdlgmException(
          "the row has " + row.length + " values; this model takes " + config.inputDim());
    }
    return encode(row, 1, 1).get(0);
  }

  /** The rows per forward pass of {@link #encode(float[][])}. */
  public static final int ENCODE_BATCH = 1000;

  /**
   * The deterministic codes of {@code rows}, one array per row as the data gives it (the model's
   * input scaling is applied here), in forward passes of {@link #ENCODE_BATCH} rows.
   */
  public List<SparseCode> encode(float[][] rows) {
    int d = config.inputDim();
    float[] flat = new float[Math.multiplyExact(rows.length, d)];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d) {
        throw new SdlgmException(
            "row " + i + " has " + rows[i].length + " values; this model takes " + d);
      }
      System.arraycopy(rows[i], 0, flat, i * d, d);
    }
    return encode(flat, rows.length, ENCODE_BATCH);
  }

  /**
   * Deterministic codes of {@code n} rows (row-major, {@code n × inputDim} floats), in forward
   * passes of {@code batchSize} rows. The {@link #workers()} threads each take a whole batch at a
   * time; when there are fewer batches than threads, each batch is split among them instead. A
   * row's code is defined row by row (the matrix products' rounding can still differ with the
   * batch's row count, which matters only where two entries nearly tie). Each pass's rows are
   * scaled (in a copy of that pass) by {@link #inputScaling()}.
   */
  @SuppressWarnings("try") // the join is a scope; its body need not name it
  public List<SparseCode> encode(float[] raw, int n, int batchSize) {
    checkBatch(batchSize);
    Workers workers = workers();
    // The forward passes as [first row, rows]: the batches, or their parts when there are
    // fewer batches than workers.
    boolean split = (n + batchSize - 1) / batchSize < workers.size();
    List<int[]> passes = new ArrayList<>();
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      long[] bounds = Workers.bounds(b, split ? workers.partsFor(b) : 1);
      for (int i = 0; i + 1 < bounds.length; i++) {
        passes.add(new int[] {from + (int) bounds[i], (int) (bounds[i + 1] - bounds[i])});
      }
    }
    List<SparseCode> out = new ArrayList<>(n);
    try (NDManager call = manager.newSubManager();
        Workers.Joined joined = workers.join()) {
      NDList weights = block.encodingWeights(store, call);
      for (int first = 0; first < passes.size(); first += workers.size()) {
        int start = first;
        int group = Math.min(workers.size(), passes.size() - first);
        for (List<SparseCode> codes :
            workers.run(
                group,
                i ->
                    encodeRows(raw, passes.get(start + i)[0], passes.get(start + i)[1], weights))) {
          out.addAll(codes);
        }
      }
    }
    return out;
  }

  /**
   * Codes of rows [from, from + b) of {@code rows} (raw: scaled here), in one forward pass; {@code
   * weights} from {@link LatentBlock#encodingWeights}, or null for the dense path.
   */
  private List<SparseCode> encodeRows(float[] rows, int from, int b, NDList weights) {
    int d = config.inputDim();
    int k = config.latentDim();
    List<SparseCode> out = new ArrayList<>(b);
    try (NDManager sub = manager.newSubManager();
        NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray xs;
      if (inputScaling.isIdentity()) {
        xs = tensor(sub, rows, from * d, new Shape(b, d));
      } else {
        // Scaled one pass at a time: no copy of the whole input.
        float[] part = java.util.Arrays.copyOfRange(rows, from * d, (from + b) * d);
        inputScaling.applyInPlace(part, b);
        xs = tensor(sub, part, new Shape(b, d));
      }
      if (weights != null) {
        NDArray heads = block.encodeHeads(store, xs, weights);
        addFromHeads(out, values(heads), (int) heads.size(), b);
      } else {
        CodeBatch codes = block.encode(store, xs);
        addDense(
            out,
            codes.z().toFloatArray(),
            codes.levels().toLongArray(),
            codes.levelProbs() == null ? null : codes.levelProbs().toFloatArray(),
            b,
            k);
      }
    }
    return out;
  }

  /**
   * Codes from {@link LatentBlock#encodeHeads}'s layout (docs/model.md, "Deterministic encoding"):
   * L̂ = argmax q(L | x) (the first maximum on ties, as libtorch's argmax), S = the top-L̂ of α
   * (the lower index first on ties), z_S = μ_S; indices ascending, exact zeros dropped.
   */
  private void addFromHeads(List<SparseCode> out, float[] c, int size, int b) {
    int k = config.latentDim();
    int l0 = config.maxLevel();
    int width = size / b;
    boolean counted = width > 2 * k;
    int[] top = new int[l0];
    for (int i = 0; i < b; i++) {
      int base = i * width;
      int level = l0;
      if (counted) {
        int best = 0;
        for (int l = 1; l < l0; l++) {
          if (c[base + 2 * k + l] > c[base + 2 * k + best]) {
            best = l;
          }
        }
        level = best + 1;
      }
      // Partial selection: the `level` largest α in descending order, by insertion.
      int n = 0;
      for (int j = 0; j < k; j++) {
        float v = c[base + j];
        if (n == level && !(v > c[base + top[n - 1]])) {
          continue;
        }
        int pos = n < level ? n++ : n - 1;
        while (pos > 0 && v > c[base + top[pos - 1]]) {
          top[pos] = top[pos - 1];
          pos--;
        }
        top[pos] = j;
      }
      java.util.Arrays.sort(top, 0, n);
      int nnz = 0;
      for (int t = 0; t < n; t++) {
        if (c[base + k + top[t]] != 0f) {
          nnz++;
        }
      }
      int[] ri = new int[nnz];
      float[] rv = new float[nnz];
      int m = 0;
      for (int t = 0; t < n; t++) {
        float v = c[base + k + top[t]];
        if (v != 0f) {
          ri[m] = top[t];
          rv[m++] = v;
        }
      }
      float[] p = counted ? softmax(c, base + 2 * k, l0) : null;
      out.add(new SparseCode(level, ri, rv, p));
    }
  }

  /** This thread's buffer for the heads of a batch (reused: a batch of 1,000 rows is 1.7 MB). */
  private static final ThreadLocal<float[]> HEADS = ThreadLocal.withInitial(() -> new float[0]);

  /**
   * The values of a contiguous tensor, copied into this thread's reusable buffer (only the first
   * {@code a.size()} entries are meaningful): one copy, and no fresh array to zero.
   */
  private static float[] values(NDArray a) {
    int n = Math.toIntExact(a.size());
    float[] buf = HEADS.get();
    if (buf.length < n) {
      buf = new float[n];
      HEADS.set(buf);
    }
    view(a).get(buf, 0, n);
    return buf;
  }

  /** softmax of the {@code n} values of {@code c} from {@code from}, in double precision. */
  private static float[] softmax(float[] c, int from, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int l = 0; l < n; l++) {
      max = Math.max(max, c[from + l]);
    }
    double[] e = new double[n];
    double sum = 0;
    for (int l = 0; l < n; l++) {
      e[l] = Math.exp(c[from + l] - max);
      sum += e[l];
    }
    float[] p = new float[n];
    for (int l = 0; l < n; l++) {
      p[l] = (float) (e[l] / sum);
    }
    return p;
  }

  private void addDense(
      List<SparseCode> out, float[] z, long[] levels, float[] probs, int b, int k) {
    int l0 = config.maxLevel();
    for (int i = 0; i < b; i++) {
      int nnz = 0;
      for (int j = 0; j < k; j++) {
        if (z[i * k + j] != 0f) {
          nnz++;
        }
      }
      int[] idx = new int[nnz];
      float[] val = new float[nnz];
      int t = 0;
      for (int j = 0; j < k; j++) {
        float v = z[i * k + j];
        if (v != 0f) {
          idx[t] = j;
          val[t++] = v;
        }
      }
      float[] p = null;
      if (probs != null) {
        p = new float[l0];
        System.arraycopy(probs, i * l0, p, 0, l0);
      }
      out.add(new SparseCode((int) levels[i], idx, val, p));
    }
  }

  /** The decoder's mean x̂ for each given code (dense, row-major {@code n × K}), in batches. */
  public float[] decodeMean(float[] codes, int n, int batchSize) {
    checkBatch(batchSize);
    int k = config.latentDim();
    int d = config.inputDim();
    float[] out = new float[n * d];
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      try (NDManager sub = manager.newSubManager();
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray mean = block.decodeMean(store, tensor(sub, codes, from * k, new Shape(b, k)));
        System.arraycopy(mean.toFloatArray(), 0, out, from * d, b * d);
      }
    }
    return out;
  }

  /** As {@link Tensors#tensor(NDManager, float[], Shape)}. */
  public static NDArray tensor(NDManager manager, float[] data, Shape shape) {
    return Tensors.tensor(manager, data, shape);
  }

  /** As {@link Tensors#tensor(NDManager, float[], int, Shape)}. */
  public static NDArray tensor(NDManager manager, float[] data, int offset, Shape shape) {
    return Tensors.tensor(manager, data, offset, shape);
  }

  /** As {@link Tensors#view(NDArray)}. */
  public static java.nio.FloatBuffer view(NDArray a) {
    return Tensors.view(a);
  }

  private static void checkBatch(int batchSize) {
    if (batchSize < 1) {
      throw new SdlgmException("batch size must be ≥ 1, got " + batchSize);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (workers != null) {
        workers.close();
      }
    }
    manager.close();
  }
}
