package org.sdlgm.train.multilabel;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.multilabel.FeatureRows;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.SparseBatch;
import org.sdlgm.engine.AdamUpdates;
import org.sdlgm.eval.multilabel.MultiLabelEvaluation;
import org.sdlgm.eval.multilabel.TaggerEvaluator;
import org.sdlgm.io.Checkpoint;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.io.RunOptions;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.multilabel.SetRule;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerBlock;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.train.RunningMeans;
import org.sdlgm.train.TrainerSettings;
import org.sdlgm.train.TrainingListener;
import org.sdlgm.train.TrainingLoop;
import org.sdlgm.train.TrainingRun;

/**
 * Fits a multi-label model by mini-batch Adam on its objective (docs/multilabel.md, "The model"):
 * for {@code sdlgm}, λ·(−log q(n(Y) | x)) plus the relaxed-BCE or Plackett–Luce set loss; for
 * {@code br-mlp}, per-label BCE. Only one mini-batch of features and labels is ever dense.
 *
 * <p>Seeded, guarded and checkpointed like the unsupervised trainer, by the same {@link
 * TrainingLoop}. Each step runs in its own {@link NDScope}, so memory stays flat. After each epoch
 * the validation rows (if any) are scored with the model's own set rule; with {@link #keepBest} the
 * parameters of the epoch with the best validation example-F1 are the ones returned. With an {@link
 * #outputDir}, every epoch leaves a {@link Checkpoint} there ({@code model.params}, {@code
 * adam.state} (the fused Adam's moments), {@code best.params}, {@code history.csv}, published
 * atomically with its position and options), and {@link #resume} continues from it at the next
 * epoch, as the unsupervised trainer does. The {@link #features} (the fitted {@link
 * FeatureTransform}) go into the trained model, which applies them again at prediction.
 */
public final class TaggerTrainer extends TrainerSettings<MultiLabelDataset, Tagger, TaggerTrainer> {
  private final TaggerConfig config;
  private final TrainConfig training;
  private FeatureRows features;
  private boolean keepBest;
  private Boolean sparseRows;

  @Override
  protected TaggerTrainer self() {
    return this;
  }

  /** {@code config} must have numFeatures and numLabels resolved. */
  public TaggerTrainer(TaggerConfig config, TrainConfig training) {
    this.config = config;
    this.training = training;
  }

  /**
   * The rows training reads: the fitted {@link FeatureTransform} of the training rows, which the
   * trained model keeps, or any other {@link FeatureRows} (the model then keeps none). Default: the
   * raw features.
   */
  public TaggerTrainer features(FeatureRows rows) {
    features = rows;
    return this;
  }

  /**
   * How training reads its rows: null (the default) chooses ({@link #SPARSE_TRAINING_FEATURES});
   * true asks for sparse rows (refused where the network or transform cannot take them), false for
   * dense batches.
   */
  public TaggerTrainer sparseRows(Boolean v) {
    sparseRows = v;
    return this;
  }

  /**
   * The number of features from which training reads sparse rows when it may (fewer than 10%
   * non-zero, a hidden layer, a transform that keeps zeros, the fused Adam): below it a dense batch
   * is cheap, and the dense path is the one the multi-label results of results.md were measured
   * with.
   */
  public static final int SPARSE_TRAINING_FEATURES = 10_000;

  /**
   * Return the parameters of the epoch with the best validation example-F1 (needs validation rows).
   */
  public TaggerTrainer keepBest(boolean v) {
    keepBest = v;
    return this;
  }

  private RunOptions runOptions() {
    RunOptions.Builder b =
        RunOptions.builder()
            .putAll(dataOptions())
            .putTraining(training)
            .put("--keep-best", keepBest)
            .putFields("model", config);
    // Recorded only when asked for: auto decides the same way again on resume.
    if (sparseRows != null) {
      b.put("--sparse-rows", sparseRows ? "on" : "off");
    }
    return b.build();
  }

  /** The parameters of the best epoch so far in a checkpoint (with {@link #keepBest}). */
  private static final String BEST = "best.params";

  /**
   * The refusals of {@link #fit} that need no model — {@link #keepBest} without validation rows,
   * sparse rows asked for where training cannot read them — for a workflow to call before it clears
   * the model folder, so that a refused run leaves the previous model in place.
   */
  public void check(MultiLabelDataset train, MultiLabelDataset validation) {
    if (keepBest && (validation == null || validation.size() == 0)) {
      throw new SdlgmException("selecting the best epoch needs validation rows (--validation > 0)");
    }
    if (Boolean.TRUE.equals(sparseRows)) {
      String impossible = sparseImpossible(train, featureRows());
      if (impossible != null) {
        throw new SdlgmException("sparse training rows asked for, but " + impossible);
      }
    }
  }

  /** The fitted preprocessing the rows go through: {@link #features}, else none. */
  private FeatureRows featureRows() {
    return features != null ? features : FeatureTransform.none(config.numFeatures());
  }

  /**
   * Why training cannot read {@code train} as sparse rows (the network cannot, or DJL's Adam would
   * update every weight anyway), or null when it can. Needs no model: {@link #check} asks before
   * one is built.
   */
  private String sparseImpossible(MultiLabelDataset train, FeatureRows features) {
    String impossible = Tagger.sparseUnsupported(config, train, features);
    if (impossible == null && training.adam() == TrainConfig.AdamImpl.DJL) {
      impossible = "DJL's Adam updates every weight";
    }
    return impossible;
  }

  @Override
  public TrainingRun<Tagger> fit(MultiLabelDataset train, MultiLabelDataset validation) {
    FeatureRows features = featureRows();
    if (train.numFeatures() != config.numFeatures() || train.numLabels() != config.numLabels()) {
      throw new SdlgmException(
          train.name()
              + ": "
              + train.numFeatures()
              + " features and "
              + train.numLabels()
              + " labels, but the model was configured for "
              + config.numFeatures()
              + " and "
              + config.numLabels());
    }
    if (train.size() == 0) {
      throw new SdlgmException(train.name() + ": no training rows");
    }
    check(train, validation);
    TrainingLoop plumbing = newLoop(training, Tagger.FORMAT);
    plumbing.seedInitialisation();
    RunOptions options = runOptions();
    TrainingLoop.Start start = start(plumbing, options);
    Tagger tagger =
        start == null
            ? Tagger.create(config, transformOf(features))
            : Tagger.load(config, start.params(), transformOf(features));
    try (AdamUpdates adam =
        new AdamUpdates(
            tagger.block(),
            training.learningRate(),
            training.gradClip(),
            training.adam() == TrainConfig.AdamImpl.FUSED,
            tagger.workers())) {
      if (start != null) {
        adam.load(start.adamState());
      }
      return loop(
          tagger, new Step(tagger, adam), plumbing, train, validation, features, start, options);
    } catch (RuntimeException e) {
      tagger.close();
      throw e;
    }
  }

  /** The fitted preprocessing the model keeps: {@code features} when it is one, else none. */
  private static FeatureTransform transformOf(FeatureRows features) {
    return features instanceof FeatureTransform t ? t : null;
  }

  private TrainingRun<Tagger> loop(
      Tagger tagger,
      Step step,
      TrainingLoop plumbing,
      MultiLabelDataset train,
      MultiLabelDataset validation,
      FeatureRows features,
      TrainingLoop.Start start,
      RunOptions options) {
    int n = train.size();
    int d = config.numFeatures();
    int c = config.numLabels();
    int nl = config.numLevels();
    int bs = training.batchSize();
    int batches = (n + bs - 1) / bs;
    boolean sparse = readsSparse(tagger, train, features, plumbing);
    float[] x = sparse ? null : new float[bs * d];
    float[] y = new float[bs * c];
    float[] count = new float[bs * nl];
    List<EpochRecord> history = TrainingLoop.history(start);
    TrainingLoop.Position at = start == null ? null : start.position();
    long global = at == null ? 0 : at.step();
    double seconds = 0;
    double bestScore = at == null ? -1 : at.bestScore(); // example-F1 ≥ 0; JSON has no −∞
    int bestEpoch = at == null ? 0 : at.bestEpoch();
    byte[] bestParams = null;
    if (start != null && keepBest && bestEpoch > 0) {
      Path best = start.checkpoint().file(BEST);
      try {
        bestParams = java.nio.file.Files.readAllBytes(best);
      } catch (java.io.IOException e) {
        throw new SdlgmException(best + ": missing or unreadable", e);
      }
    }
    for (int epoch = at == null ? 0 : at.epoch(); epoch < training.epochs(); epoch++) {
      int[] order = plumbing.beginEpoch(epoch, n);
      RunningMeans means = new RunningMeans();
      int skipped = 0;
      long t0 = System.nanoTime();
      double tau = config.tauAt(global);
      for (int bi = 0; bi < batches; bi++) {
        int from = bi * bs;
        int b = Math.min(bs, n - from);
        SparseBatch rows = sparse ? features.sparseRows(train, order, from, b) : null;
        if (!sparse) {
          features.denseRows(train, order, from, b, x);
        }
        train.denseLabels(order, from, b, y);
        java.util.Arrays.fill(count, 0, b * nl, 0f);
        for (int i = 0; i < b; i++) {
          int size = train.labelCount(order[from + i]);
          count[i * nl + config.countTarget(size) - config.minLevel()] = 1f;
        }
        tau = config.tauAt(global);
        float[] v =
            sparse
                ? step.forwardBackward(rows, y, count, tau)
                : step.forwardBackward(x, y, count, b, tau);
        if (!Float.isFinite(v[0])) {
          throw plumbing.diverged(epoch, global, "loss is " + v[0]);
        }
        if (plumbing.gradientsFinite(v[v.length - 1], epoch, global)) {
          step.update();
        } else {
          step.zeroGradients();
          skipped++;
        }
        global++;
        Map<String, Float> batchMeans = new LinkedHashMap<>();
        batchMeans.put(LOSS, v[0]);
        for (int t = 0; t < TaggerBlock.TERMS.size(); t++) {
          batchMeans.put(TaggerBlock.TERMS.get(t), v[1 + t]);
        }
        means.add(batchMeans, b);
        double el = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> now = means.means();
        Map<String, Double> terms = new LinkedHashMap<>(now);
        terms.remove(LOSS);
        plumbing.step(
            epoch,
            bi + 1,
            batches,
            new TrainingListener.StepStats(
                global, now.get(LOSS), terms, Double.NaN, tau, means.seen() / Math.max(el, 1e-9)));
      }
      double el = (System.nanoTime() - t0) / 1e9;
      seconds += el;
      MultiLabelEvaluation val = null;
      if (validation != null && validation.size() > 0) {
        Map<SetRule, MultiLabelEvaluation> all =
            TaggerEvaluator.evaluate(
                tagger, validation, features, 500, List.of(config.setRules().get(0)));
        val = all.values().iterator().next();
      }
      EpochRecord rec =
          new EpochRecord(
              epoch + 1,
              global,
              el,
              means.seen() / Math.max(el, 1e-9),
              new EpochRecord.Values()
                  .put("tau", tau)
                  .putAll(EpochRecord.TRAIN, means.means())
                  .put("val_p1", val == null ? Double.NaN : val.p1())
                  .put("val_p3", val == null ? Double.NaN : val.p3())
                  .put("val_example_f1", val == null ? Double.NaN : val.exampleF1())
                  .put("val_count_accuracy", val == null ? Double.NaN : val.countAccuracy())
                  .put("val_mean_set_size", val == null ? Double.NaN : val.meanPredictedSetSize())
                  .map(),
              skipped);
      history.add(rec);
      if (keepBest && val.exampleF1() > bestScore) {
        bestScore = val.exampleF1();
        bestEpoch = epoch + 1;
        bestParams = tagger.parameters();
      }
      if (plumbing.checkpoints()) {
        // The best epoch's parameters go into every checkpoint: each one stands alone.
        byte[] best = bestParams;
        plumbing.checkpoint(
            tagger,
            step.adam,
            best == null
                ? List.of()
                : List.of(
                    new TrainingLoop.Extra(
                        BEST, f -> org.sdlgm.util.AtomicFiles.write(f, out -> out.write(best)))),
            history,
            new TrainingLoop.Position(epoch + 1, 0, global, bestEpoch, bestScore),
            options);
      }
      plumbing.epoch(rec);
    }
    if (keepBest && bestEpoch != training.epochs()) {
      Tagger best = Tagger.load(config, bestParams, tagger.transform());
      tagger.close();
      return new TrainingRun<>(best, history, seconds, bestEpoch);
    }
    return new TrainingRun<>(tagger, history, seconds, training.epochs());
  }

  /** One optimisation step: forward and backward, then {@link AdamUpdates}. */
  /** Chooses how this run reads its rows and tells the listeners why. */
  private boolean readsSparse(
      Tagger tagger, MultiLabelDataset train, FeatureRows features, TrainingLoop plumbing) {
    String impossible = sparseImpossible(train, features);
    String dense;
    if (Boolean.TRUE.equals(sparseRows)) {
      if (impossible != null) {
        throw new SdlgmException("sparse training rows asked for, but " + impossible);
      }
      dense = null;
    } else if (Boolean.FALSE.equals(sparseRows)) {
      dense = "dense rows asked for";
    } else if (impossible != null) {
      dense = impossible;
    } else if (config.numFeatures() < SPARSE_TRAINING_FEATURES) {
      dense =
          String.format(
              java.util.Locale.ROOT, "%,d features: a dense batch is cheap", config.numFeatures());
    } else {
      dense = tagger.denseReason(train, features);
    }
    String why =
        dense != null
            ? dense
            : String.format(
                java.util.Locale.ROOT,
                "%.1f non-zeros of %,d features per row; the first layer's columns are updated"
                    + " only where a batch has non-zeros",
                train.rowEnd(train.size() - 1) / (double) train.size(),
                config.numFeatures());
    plumbing.inputPath(dense == null, why);
    return dense == null;
  }

  /** The history name of the loss, a step's first value. */
  private static final String LOSS = "loss";

  private static final class Step {
    private final Tagger tagger;
    final AdamUpdates adam;

    /** The first layer's column gradient of a sparse step, for {@link #update}. */
    private AdamUpdates.ColumnGradient pending;

    private final Parameter sentinel;

    Step(Tagger tagger, AdamUpdates adam) {
      this.tagger = tagger;
      this.adam = adam;
      Parameter first = null;
      for (Pair<String, Parameter> p : tagger.block().getParameters()) {
        if (first == null && p.getValue().requiresGradient() && p.getKey().endsWith("weight")) {
          first = p.getValue();
        }
      }
      // Every gradient reaches the first weight matrix (trunk, or the heads without a trunk):
      // its sum is non-finite whenever any upstream gradient is.
      sentinel = first;
    }

    /**
     * Returns the batch means of the loss and of {@link TaggerBlock#TERMS}, in order, then a
     * gradient sentinel sum.
     */
    float[] forwardBackward(float[] x, float[] y, float[] count, int b, double tau) {
      TaggerConfig c = tagger.config();
      try (NDManager sub = tagger.manager().newSubManager();
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray xs = SparseCoder.tensor(sub, x, 0, new Shape(b, c.numFeatures()));
        NDArray ys = SparseCoder.tensor(sub, y, 0, new Shape(b, c.numLabels()));
        NDArray cs = SparseCoder.tensor(sub, count, 0, new Shape(b, c.numLevels()));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDList t = tagger.block().loss(tagger.store(), xs, ys, cs, tau, true);
          return backward(gc, t, sentinel.getArray().getGradient()::sum);
        }
      }
    }

    /**
     * Back-propagates the batch mean of the total of {@code t} and returns the means of its terms
     * with the sentinel gradient's sum: the loss, {@link TaggerBlock#TERMS} in order, Σ sentinel.
     */
    private static float[] backward(
        GradientCollector gc, NDList t, java.util.function.Supplier<NDArray> sentinelSum) {
      NDArray loss = t.get(0).mean();
      gc.backward(loss);
      NDList stats = new NDList(loss);
      for (int i = 1; i < t.size(); i++) {
        stats.add(t.get(i).mean());
      }
      stats.add(sentinelSum.get());
      return NDArrays.stack(stats).toFloatArray();
    }

    /**
     * One step on sparse rows: the first layer reads only the columns of W the batch uses, as a
     * leaf of their own, so that its gradient is (H, U) for the U distinct features, and {@link
     * #update} applies it to those columns alone.
     */
    float[] forwardBackward(SparseBatch rows, float[] y, float[] count, double tau) {
      TaggerConfig c = tagger.config();
      int b = rows.rows();
      int[] idx = rows.indices();
      int[] columns = java.util.Arrays.stream(idx).distinct().sorted().toArray();
      int[] local = new int[idx.length];
      for (int i = 0; i < idx.length; i++) {
        local[i] = java.util.Arrays.binarySearch(columns, idx[i]);
      }
      Parameter first = tagger.block().firstWeight();
      try (NDManager sub = tagger.manager().newSubManager();
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        Shape shape = new Shape(b, rows.width());
        NDArray at = sub.create(columns).toType(ai.djl.ndarray.types.DataType.INT64, false);
        NDArray w =
            first.getArray().get(new ai.djl.ndarray.index.NDIndex(":, {}", at)).stopGradient();
        w.setRequiresGradient(true);
        NDArray positions =
            sub.create(local, shape).toType(ai.djl.ndarray.types.DataType.INT64, false);
        NDArray values = SparseCoder.tensor(sub, rows.values(), 0, shape);
        NDArray ys = SparseCoder.tensor(sub, y, 0, new Shape(b, c.numLabels()));
        NDArray cs = SparseCoder.tensor(sub, count, 0, new Shape(b, c.numLevels()));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDList t =
              tagger.block().sparseLoss(tagger.store(), w, positions, values, ys, cs, tau, true);
          // The columns' gradient is the first layer's: every other gradient reaches it.
          float[] out = backward(gc, t, () -> w.getGradient().sum());
          pending = new AdamUpdates.ColumnGradient(first, columns, w.getGradient().toFloatArray());
          return out;
        }
      }
    }

    void update() {
      if (pending != null) {
        adam.apply(pending);
        pending = null;
      } else {
        adam.apply();
      }
    }

    void zeroGradients() {
      pending = null;
      adam.discard();
    }
  }
}
