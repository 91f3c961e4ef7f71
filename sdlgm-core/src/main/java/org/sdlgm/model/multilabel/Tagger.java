package org.sdlgm.model.multilabel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import org.sdlgm.SdlgmException;
import org.sdlgm.SdlgmRuntime;
import org.sdlgm.data.multilabel.FeatureRows;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.SparseBatch;
import org.sdlgm.engine.Workers;
import org.sdlgm.model.Parameters;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.TrainedModel;

/**
 * A multi-label model in memory — configuration, fitted feature preprocessing, network and
 * parameters — and what a trained one does: score a batch of (transformed) feature rows and turn
 * the scores into label sets with their size L̂ ≤ L0 ({@link #predict(MultiLabelDataset, SetRule,
 * int, int)} does both for raw rows, applying the model's own {@link #transform()}). The {@link
 * TrainedModel} of the multi-label task; it owns a native memory scope, and the {@link #workers()}
 * threads its training shares out its updates to; close it when done.
 */
public final class Tagger implements TrainedModel<TaggerConfig> {
  /** The kind of model directory (and checkpoint) that holds a tagger. */
  public static final String FORMAT = "sdlgm-tagger";

  private final TaggerConfig config;
  private final FeatureTransform transform;
  private final NDManager manager;
  private final TaggerBlock block;
  private final ParameterStore store;
  private Workers workers;

  private Tagger(TaggerConfig config, FeatureTransform transform) {
    this.config = config;
    this.transform = transform != null ? transform : FeatureTransform.none(config.numFeatures());
    if (this.transform.numFeatures() != config.numFeatures()) {
      throw new SdlgmException(
          "feature preprocessing for "
              + this.transform.numFeatures()
              + " features, but the model has "
              + config.numFeatures());
    }
    this.manager = NDManager.newBaseManager();
    this.block = new TaggerBlock(config);
    block.initialize(manager, DataType.FLOAT32, inputShape(config));
    this.store = new ParameterStore(manager, false);
  }

  private static Shape inputShape(TaggerConfig config) {
    return new Shape(1, config.numFeatures());
  }

  /**
   * A freshly initialised model without feature preprocessing (seed libtorch first for reproducible
   * initialisation).
   */
  public static Tagger create(TaggerConfig config) {
    return new Tagger(config, null);
  }

  /**
   * A freshly initialised model that applies {@code transform} (null: none) to the raw rows {@link
   * #predict(MultiLabelDataset, SetRule, int, int)} is given.
   */
  public static Tagger create(TaggerConfig config, FeatureTransform transform) {
    return new Tagger(config, transform);
  }

  /** A model with parameters read from a file written by {@link #saveParameters}. */
  public static Tagger load(TaggerConfig config, Path params) {
    return load(config, params, null);
  }

  /** As {@link #load(TaggerConfig, Path)}, with its fitted feature preprocessing (null: none). */
  public static Tagger load(TaggerConfig config, Path params, FeatureTransform transform) {
    return withParameters(
        config, transform, t -> Parameters.read(t.block, t.manager, inputShape(config), params));
  }

  /** A model with parameters as returned by {@link #parameters()}, and {@code transform}. */
  public static Tagger load(TaggerConfig config, byte[] params, FeatureTransform transform) {
    return withParameters(
        config, transform, t -> Parameters.read(t.block, t.manager, inputShape(config), params));
  }

  /** A new model whose parameters {@code read} fills in; closed again if that fails. */
  private static Tagger withParameters(
      TaggerConfig config, FeatureTransform transform, java.util.function.Consumer<Tagger> read) {
    Tagger t = new Tagger(config, transform);
    try {
      read.accept(t);
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  @Override
  public String format() {
    return FORMAT;
  }

  /** The fitted feature preprocessing this model applies to the raw rows it predicts for. */
  public FeatureTransform transform() {
    return transform;
  }

  /** The model's {@link #transform()}. */
  @Override
  public FeatureTransform preprocessing() {
    return transform;
  }

  @Override
  public TaggerConfig config() {
    return config;
  }

  /**
   * The threads the training's parameter updates are shared among: {@link SdlgmRuntime#threads()}
   * of them, made on the first call and ended by {@link #close}.
   */
  @Override
  public synchronized Workers workers() {
    if (workers == null) {
      workers = new Workers(SdlgmRuntime.threads());
    }
    return workers;
  }

  /** The network (for the trainer). */
  @Override
  public TaggerBlock block() {
    return block;
  }

  public NDManager manager() {
    return manager;
  }

  public ParameterStore store() {
    return store;
  }

  /**
   * Raw outputs for {@code b} rows (row-major {@code b × numFeatures}, already transformed): the
   * label scores (b × C; α, or σ(α) for br-mlp, with α kept as the ranking keys) and q(L | x) (b ×
   * levels, or null).
   */
  public Scores score(float[] x, int b) {
    int d = config.numFeatures();
    if (x.length < (long) b * d) {
      throw new IllegalArgumentException("need " + b + " × " + d + " features, got " + x.length);
    }
    try (NDManager sub = manager.newSubManager();
        NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDList out =
          block.forward(store, new NDList(SparseCoder.tensor(sub, x, 0, new Shape(b, d))), false);
      return scores(b, out);
    }
  }

  /**
   * The {@link Scores} of a forward pass's outputs (α, and q(L | x) with a count head). For br-mlp
   * the label scores are σ(α), which float32 rounds to exactly 1 from α ≈ 16.6 on (and to 0 far
   * below zero), so α is kept beside them to rank by: saturated labels keep the order of their
   * logits.
   */
  private Scores scores(int b, NDList out) {
    NDArray alpha = out.get(0);
    float[] levels = out.size() > 1 ? out.get(1).toFloatArray() : null;
    if (config.method() == TaggerMethod.BR_MLP) {
      float[] probs = ai.djl.nn.Activation.sigmoid(alpha).toFloatArray();
      return new Scores(b, probs, levels, alpha.toFloatArray());
    }
    return new Scores(b, alpha.toFloatArray(), levels);
  }

  /**
   * {@link #score(float[], int)} for sparse rows, through the first layer's sparse product when the
   * network has a hidden layer (else densified here, one batch at a time).
   */
  public Scores score(SparseBatch rows) {
    int b = rows.rows();
    if (!block.readsSparseRows()) {
      float[] x = new float[b * config.numFeatures()];
      for (int i = 0; i < rows.indices().length; i++) {
        x[(i / rows.width()) * config.numFeatures() + rows.indices()[i]] += rows.values()[i];
      }
      return score(x, b);
    }
    try (NDManager sub = manager.newSubManager();
        NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray[] in = sparseInput(sub, rows);
      NDList out = block.sparseForward(store, in[0], in[1]);
      return scores(b, out);
    }
  }

  /**
   * Share of non-zero features below which prediction reads sparse rows: a dense pass costs B·D·H,
   * a sparse one B·M·H for the batch's widest row M plus a gather, so below a few percent the
   * sparse pass wins by far, and above a tenth the dense product is about as cheap (results.md,
   * "Sparse inputs").
   */
  public static final double SPARSE_DENSITY = 0.1;

  /**
   * Why this network should read {@code data} as dense rows, or null when it should read them
   * sparse: it has a hidden layer, {@code features} gives sparse rows, and fewer than {@link
   * #SPARSE_DENSITY} of the entries are non-zero. Evaluation and prediction ask this one rule, so a
   * data set always takes the same path; training asks it too, from a minimum width on (the
   * multi-label trainer's {@code SPARSE_TRAINING_FEATURES}).
   */
  public String denseReason(MultiLabelDataset data, FeatureRows features) {
    String unsupported = sparseUnsupported(data, features);
    if (unsupported != null) {
      return unsupported;
    }
    double density = data.rowEnd(data.size() - 1) / ((double) data.size() * config.numFeatures());
    if (density >= SPARSE_DENSITY) {
      return String.format(
          java.util.Locale.ROOT, "%.1f%% of the features are non-zero", 100 * density);
    }
    return null;
  }

  /**
   * Why this network cannot read {@code data} as sparse rows at all (no hidden layer, or a feature
   * transform that fills in zeros), or null when it can.
   */
  public String sparseUnsupported(MultiLabelDataset data, FeatureRows features) {
    return sparseUnsupported(config, data, features);
  }

  /**
   * {@link #sparseUnsupported(MultiLabelDataset, FeatureRows)} for a network of {@code config},
   * decided without building it.
   */
  public static String sparseUnsupported(
      TaggerConfig config, MultiLabelDataset data, FeatureRows features) {
    if (config.hidden().isEmpty()) {
      return "the network has no hidden layer";
    }
    if (data.size() == 0 || features.sparseRows(data, new int[] {0}, 0, 1) == null) {
      return "the feature transform fills in zeros";
    }
    return null;
  }

  /**
   * Scores of rows {@code rows[from .. from + count)} of {@code data}, read through the path {@code
   * sparse} names (as {@link #denseReason} chose it): a sparse batch, or a dense one in {@code
   * dense} (at least count × D floats; unused and may be null for sparse).
   */
  public Scores score(
      MultiLabelDataset data,
      FeatureRows features,
      int[] rows,
      int from,
      int count,
      boolean sparse,
      float[] dense) {
    if (sparse) {
      return score(features.sparseRows(data, rows, from, count));
    }
    features.denseRows(data, rows, from, count, dense);
    return score(dense, count);
  }

  /** The index (int64) and value tensors of a sparse batch, (rows, width) each. */
  public static NDArray[] sparseInput(NDManager manager, SparseBatch rows) {
    Shape shape = new Shape(rows.rows(), rows.width());
    NDArray idx = manager.create(rows.indices(), shape).toType(DataType.INT64, false);
    return new NDArray[] {idx, SparseCoder.tensor(manager, rows.values(), 0, shape)};
  }

  /**
   * Scores of a batch: {@code labels} is b × C, the scores written out (α for the SDLGM methods,
   * σ(α) for br-mlp); {@code levels} b × (L0 − L_min + 1) or null; {@code logits} b × C, the logits
   * α when {@code labels} holds something else that can tie where α does not (br-mlp's float32
   * probabilities saturate at 0 and 1), else null. Labels are ranked by {@link #rankKeys()}.
   */
  public record Scores(int rows, float[] labels, float[] levels, float[] logits) {
    /** Scores whose {@code labels} rank themselves (no separate logits). */
    public Scores(int rows, float[] labels, float[] levels) {
      this(rows, labels, levels, null);
    }

    /**
     * What ranks the labels (b × C): the logits α when given, else {@code labels}. Monotone in
     * {@code labels} (σ is increasing), so it only orders labels whose written scores are equal.
     */
    public float[] rankKeys() {
      return logits != null ? logits : labels;
    }
  }

  /**
   * Predictions for the rows of {@code s} under {@code rule}, each with the {@code top} best labels
   * ranked beyond the predicted set (0 for none). Labels are ranked by {@link Scores#rankKeys()}
   * (α; equal keys: lower label index first) and reported with their {@link Scores#labels()}
   * scores; the threshold rule counts the labels whose score exceeds the threshold.
   */
  public LabelPrediction[] predict(Scores s, SetRule rule, int top) {
    int c = config.numLabels();
    int nl = config.numLevels();
    LabelPrediction[] out = new LabelPrediction[s.rows()];
    for (int i = 0; i < s.rows(); i++) {
      int level;
      float[] probs = null;
      if (s.levels() != null) {
        probs = java.util.Arrays.copyOfRange(s.levels(), i * nl, (i + 1) * nl);
      }
      int[] rankedAll = null;
      switch (rule) {
        case COUNT:
          if (probs == null) {
            throw new SdlgmException(
                "set rule 'count' needs a model with a count head (method sdlgm)");
          }
          int best = 0;
          for (int l = 1; l < nl; l++) {
            if (probs[l] > probs[best]) {
              best = l;
            }
          }
          level = best + config.minLevel();
          break;
        case TOP_K:
          level = Math.min(c, config.effectiveTopK());
          break;
        default:
          level = 0;
          for (int j = 0; j < c; j++) {
            if (s.labels()[i * c + j] > config.threshold()) {
              level++;
            }
          }
      }
      int want = Math.max(level, top);
      rankedAll = topIndices(s.rankKeys(), i * c, c, want);
      int[] labels = java.util.Arrays.copyOf(rankedAll, level);
      float[] scores = new float[level];
      float[] rankedScores = new float[rankedAll.length];
      for (int t = 0; t < rankedAll.length; t++) {
        rankedScores[t] = s.labels()[i * c + rankedAll[t]];
        if (t < level) {
          scores[t] = rankedScores[t];
        }
      }
      out[i] = new LabelPrediction(level, labels, scores, rankedAll, rankedScores, probs);
    }
    return out;
  }

  /**
   * Predictions for every row of {@code data} (raw rows of the training source: this model's {@link
   * #transform()} is applied here) under {@code rule}, each with the {@code top} best labels ranked
   * beyond the predicted set, scored in batches of {@code batchSize} rows through the path {@link
   * #denseReason} chooses.
   */
  public java.util.List<LabelPrediction> predict(
      MultiLabelDataset data, SetRule rule, int top, int batchSize) {
    if (batchSize < 1) {
      throw new SdlgmException("batch size must be ≥ 1, got " + batchSize);
    }
    int n = data.size();
    int[] all = java.util.stream.IntStream.range(0, n).toArray();
    boolean sparse = n > 0 && denseReason(data, transform) == null;
    float[] x = sparse ? null : new float[Math.min(batchSize, n) * config.numFeatures()];
    java.util.List<LabelPrediction> out = new java.util.ArrayList<>(n);
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      out.addAll(
          java.util.Arrays.asList(
              predict(score(data, transform, all, from, b, sparse, x), rule, top)));
    }
    return out;
  }

  /** The {@code k} largest entries of {@code a[off, off + n)}, best first (ties: lower index). */
  static int[] topIndices(float[] a, int off, int n, int k) {
    k = Math.min(k, n);
    int[] best = new int[k];
    if (k == 0) {
      return best;
    }
    int size = 0;
    for (int j = 0; j < n; j++) {
      float v = a[off + j];
      if (size == k && !(v > a[off + best[size - 1]])) {
        continue;
      }
      int pos = size < k ? size++ : k - 1;
      while (pos > 0 && v > a[off + best[pos - 1]]) {
        best[pos] = best[pos - 1];
        pos--;
      }
      best[pos] = j;
    }
    return best;
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
