package org.sdlgm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sdlgm.SdlgmException;
import org.sdlgm.SdlgmRuntime;
import org.sdlgm.data.Dataset;
import org.sdlgm.engine.AdamUpdates;
import org.sdlgm.engine.BatchNoise;
import org.sdlgm.engine.LibTorch;
import org.sdlgm.engine.Noise;
import org.sdlgm.engine.PartGradients;
import org.sdlgm.engine.Tape;
import org.sdlgm.engine.Workers;
import org.sdlgm.eval.HardElbo;
import org.sdlgm.io.Checkpoint;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.RunOptions;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.Schedule;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.TapedBlock;
import org.sdlgm.model.Terms;
import org.sdlgm.util.AtomicFiles;

/**
 * Fits a model by mini-batch Adam on the negative ELBO (or the reconstruction loss of the top-k
 * autoencoder), with the τ, warm-up and prior phase-in schedules of {@link Schedule}.
 *
 * <p>With an output folder, a checkpoint is written after every epoch and every {@link
 * TrainConfig#checkpointEvery()} steps.
 *
 * <p>Reproducible on CPU as every {@link Trainer} is ({@link TrainingLoop}: the seeds per epoch,
 * the divergence guard, the checkpoints), and a run resumed at an epoch boundary draws the same
 * noise as an uninterrupted one. Checkpoints hold the fused Adam's moments too ({@code
 * adam.state}), so such a run continues exactly: the same numbers as an uninterrupted one. (With
 * {@code --adam-impl djl} the moments restart from zero after a resume; DJL keeps them to itself.)
 * Each batch is split among the model's {@link SparseCoder#workers() workers}, which share the
 * batch's noise ({@link BatchNoise}), so the numbers depend on the seed, the data and the number of
 * threads only.
 *
 * <p>Each step runs inside its own {@link NDScope} and sub-manager, so no per-batch tensor outlives
 * the step and memory stays flat over long runs.
 */
public final class SdlgmTrainer extends TrainerSettings<Dataset, SparseCoder, SdlgmTrainer> {
  /** Sub-directory of the output directory that holds the last checkpoint ({@link Checkpoint}). */
  public static final String CHECKPOINT_DIR = Checkpoint.DIR;

  private final SdlgmConfig modelConfig;
  private final TrainConfig trainConfig;

  public SdlgmTrainer(SdlgmConfig modelConfig, TrainConfig trainConfig) {
    modelConfig.checkTrainable();
    this.modelConfig = modelConfig;
    this.trainConfig = trainConfig;
  }

  @Override
  protected SdlgmTrainer self() {
    return this;
  }

  /** Everything a checkpoint records and a resume compares. */
  private RunOptions runOptions(SdlgmConfig config) {
    return RunOptions.builder()
        .putAll(dataOptions())
        .putTraining(trainConfig)
        .put("--threads", SdlgmRuntime.threads())
        .putFields("model", config)
        .build();
  }

  @Override
  @SuppressWarnings("try") // the join is a scope; its body need not name it
  public TrainingRun<SparseCoder> fit(Dataset train, Dataset validation) {
    SdlgmConfig config =
        modelConfig.inputDim() == 0 ? modelConfig.withInputDim(train.dim()) : modelConfig;
    if (config.inputDim() != train.dim()) {
      throw new SdlgmException(
          "model expects "
              + config.inputDim()
              + " features but the data ("
              + train.name()
              + ") has "
              + train.dim());
    }
    RunOptions options = runOptions(config);
    TrainingLoop plumbing = newLoop(trainConfig, SparseCoder.FORMAT);
    TrainingLoop.Start start = start(plumbing, options);
    plumbing.seedInitialisation();
    SparseCoder coder =
        start != null ? SparseCoder.load(config, start.params()) : SparseCoder.create(config);
    List<EpochRecord> history = TrainingLoop.history(start);
    try (AdamUpdates adam =
            new AdamUpdates(
                coder.block(),
                trainConfig.learningRate(),
                trainConfig.gradClip(),
                trainConfig.adam() == TrainConfig.AdamImpl.FUSED,
                coder.workers());
        Workers.Joined joined = coder.workers().join()) {
      if (start != null) {
        adam.load(start.adamState());
      }
      double seconds =
          loop(
              config,
              coder,
              new Step(coder, adam),
              plumbing,
              train,
              validation,
              start,
              history,
              options);
      coder.block().afterTraining(coder.store(), coder.manager(), train.features(), train.size());
      return new TrainingRun<>(coder, history, seconds, trainConfig.epochs());
    } catch (RuntimeException e) {
      coder.close();
      throw e;
    }
  }

  private double loop(
      SdlgmConfig config,
      SparseCoder coder,
      Step trainer,
      TrainingLoop plumbing,
      Dataset train,
      Dataset validation,
      TrainingLoop.Start start,
      List<EpochRecord> history,
      RunOptions options) {
    int n = train.size();
    int d = config.inputDim();
    int bs = trainConfig.batchSize();
    int batches = (n + bs - 1) / bs;
    int firstEpoch = start == null ? 0 : start.position().epoch();
    int skipBatches = start == null ? 0 : start.position().batchInEpoch();
    long step = start == null ? 0 : start.position().step();
    double totalSeconds = 0;
    float[] x = new float[bs * d];
    for (int epoch = firstEpoch; epoch < trainConfig.epochs(); epoch++) {
      int[] order = plumbing.beginEpoch(epoch, n);
      RunningMeans means = new RunningMeans();
      int skipped = 0;
      if (epoch == firstEpoch && skipBatches > 0 && start.checkpoint().has(EPOCH_MEANS)) {
        // Resumed inside the epoch: its history row is to cover the steps before the checkpoint
        // too, not only those after it.
        JsonNode saved = readJson(start.checkpoint().file(EPOCH_MEANS));
        means = RunningMeans.fromJson(saved.path("means"));
        skipped = saved.path("skipped").asInt();
      }
      int rowsNow = 0;
      long t0 = System.nanoTime();
      Schedule s = Schedule.at(config, step, epoch);
      int firstBatch = epoch == firstEpoch ? skipBatches : 0;
      trainer.resetPhases();
      for (int bi = firstBatch; bi < batches; bi++) {
        int from = bi * bs;
        int b = Math.min(bs, n - from);
        float[] f = train.features();
        for (int i = 0; i < b; i++) {
          System.arraycopy(f, order[from + i] * d, x, i * d, d);
        }
        s = Schedule.at(config, step, epoch);
        if (epoch >= trainConfig.epochs() - config.settleEpochs(trainConfig.epochs())) {
          s = s.withNoiseScale(0);
        }
        StepValues v = trainer.forwardBackward(config, s, x, b);
        if (!Float.isFinite(v.loss())) {
          throw plumbing.diverged(epoch, step, "loss is " + v.loss() + " (" + v.terms() + ")");
        }
        if (plumbing.gradientsFinite(v.gradientSum(), epoch, step)) {
          trainer.update();
          // In a settling step the sampled level is the code's own (no noise), so the budget
          // is steered by it; otherwise by E_q[L | x], which the sampled level scatters around.
          coder
              .block()
              .afterStep(
                  coder.store(), coder.manager(), s.noiseScale() == 0 ? v.nnz() : v.expectedNnz());
        } else {
          // A rare non-finite gradient in libtorch's float32 backward of the successive
          // relaxation (docs/model.md) must not poison the parameters: drop this update.
          trainer.zeroGradients();
          skipped++;
        }
        step++;
        means.add(v.means(), b);
        rowsNow += b;
        double el = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> now = means.means();
        Map<String, Double> terms = new LinkedHashMap<>();
        for (String name : v.terms().keySet()) {
          terms.put(name, now.get(name));
        }
        TrainingListener.StepStats stats =
            new TrainingListener.StepStats(
                step, now.get(LOSS), terms, now.get(NNZ), s.tau(), rowsNow / Math.max(el, 1e-9));
        plumbing.step(epoch, bi + 1, batches, stats);
        if (plumbing.checkpoints()
            && trainConfig.checkpointEvery() > 0
            && step % trainConfig.checkpointEvery() == 0
            && bi + 1 < batches) {
          ObjectNode epochSoFar = JsonNodeFactory.instance.objectNode();
          epochSoFar.set("means", means.toJson());
          epochSoFar.put("skipped", skipped);
          String json = ModelDirectory.toJson(epochSoFar);
          plumbing.checkpoint(
              coder,
              trainer.adam,
              List.of(
                  new TrainingLoop.Extra(EPOCH_MEANS, file -> AtomicFiles.writeString(file, json))),
              history,
              TrainingLoop.Position.at(epoch, bi + 1, step),
              options);
        }
      }
      double el = (System.nanoTime() - t0) / 1e9;
      totalSeconds += el;
      HardElbo val =
          validation == null
              ? null
              : HardElbo.estimate(
                  coder, validation, 500, new Schedule(s.tau(), 1.0, s.priorWeight()));
      EpochRecord.Values values =
          new EpochRecord.Values()
              .put("tau", s.tau())
              .put("kl_scale", s.klScale())
              .put("prior_weight", s.priorWeight())
              .putAll(EpochRecord.TRAIN, means.means())
              .put(EpochRecord.VALIDATION + "elbo", val == null ? Double.NaN : val.meanElbo());
      Map<String, Double> valTerms = val == null ? Map.of() : val.termMeans();
      for (String name : trainer.termNames) {
        values.put(EpochRecord.VALIDATION + name, valTerms.getOrDefault(name, Double.NaN));
      }
      values
          .put(EpochRecord.VALIDATION + NNZ, val == null ? Double.NaN : val.meanLevel())
          .put("sigma_x", coder.sigmaX());
      EpochRecord rec =
          new EpochRecord(epoch + 1, step, el, rowsNow / Math.max(el, 1e-9), values.map(), skipped);
      history.add(rec);
      plumbing.phases(
          epoch,
          batches - firstBatch,
          trainer.phaseNanos[0] / 1e9,
          trainer.phaseNanos[1] / 1e9,
          trainer.phaseNanos[2] / 1e9);
      if (plumbing.checkpoints()) {
        plumbing.checkpoint(
            coder,
            trainer.adam,
            List.of(),
            history,
            TrainingLoop.Position.at(epoch + 1, 0, step),
            options);
      }
      plumbing.epoch(rec);
    }
    return totalSeconds;
  }

  /**
   * The checkpoint file, in checkpoints taken inside an epoch, with that epoch's running means and
   * skipped steps so far.
   */
  static final String EPOCH_MEANS = "epoch-means.json";

  private static JsonNode readJson(Path file) {
    try {
      return ModelDirectory.json().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The history name of the loss, a step's first value. */
  private static final String LOSS = "loss";

  /** The history name of the sample's number of non-zeros, a step's last value. */
  private static final String NNZ = "nnz";

  /**
   * One step's batch means: the loss, each term by name (in the block's order), the number of
   * non-zeros of the sample and its expectation, and a sum over gradient entries that is non-finite
   * when any gradient is.
   */
  private record StepValues(
      float loss, Map<String, Float> terms, float nnz, float expectedNnz, float gradientSum) {
    /** The values of a {@code history.csv} row's training columns: loss, terms, nnz. */
    Map<String, Float> means() {
      Map<String, Float> m = new LinkedHashMap<>();
      m.put(LOSS, loss);
      m.putAll(terms);
      m.put(NNZ, nnz);
      return m;
    }
  }

  /**
   * What one part of a batch returns: its loss share, the sums of its terms (in {@code names}'
   * order), of the sample's non-zeros and of their expectation, its forward time and the sum over
   * the sentinels' gradient entries.
   */
  private record PartValues(
      double loss,
      List<String> names,
      double[] termSums,
      double nnzSum,
      double expectedNnzSum,
      long forwardNanos,
      float gradientSum) {}

  /** One optimisation step: forward and backward, then {@link AdamUpdates}. */
  private static final class Step {
    private final SparseCoder coder;
    final AdamUpdates adam;

    /** The gradients of the last forward-backward pass, until the update (or discard). */
    private NDManager pending;

    private final List<PartGradients> pendingParts = new ArrayList<>();
    private final Workers workers;
    private final List<Parameter> sentinels = new ArrayList<>();

    /** Nanoseconds spent this epoch in forward, backward and update. */
    final long[] phaseNanos = new long[3];

    /** The names of the block's terms, known after the first step. */
    List<String> termNames = List.of();

    Step(SparseCoder coder, AdamUpdates adam) {
      this.coder = coder;
      this.adam = adam;
      this.workers = coder.workers();
      // Every gradient of the encoder passes through its first layer and every gradient of the
      // decoder through its first layer, so these two (plus the block's own few parameters)
      // show any non-finite gradient at the cost of two reductions rather than one per tensor.
      sentinels.add(first(coder, "encoder"));
      sentinels.add(first(coder, "decoder"));
      coder.block().getDirectParameters().values().stream()
          .filter(Parameter::requiresGradient)
          .forEach(sentinels::add);
    }

    private static Parameter first(SparseCoder coder, String child) {
      for (Pair<String, Parameter> p : coder.block().getParameters()) {
        if (p.getKey().contains(child) && p.getKey().endsWith("weight")) {
          return p.getValue();
        }
      }
      throw new IllegalStateException("no " + child + " weight");
    }

    /**
     * Forward and backward pass; returns the batch means ({@link StepValues}). The gradients wait
     * for {@link #update} or {@link #zeroGradients}.
     *
     * <p>The batch is split into contiguous row ranges, one per worker thread; each part runs its
     * own forward and backward pass into its own gradients ({@link PartGradients}), which the
     * update adds in part order.
     */
    StepValues forwardBackward(SdlgmConfig config, Schedule s, float[] xb, int b) {
      discardPending();
      int parts = workers.partsFor(b);
      long[] bounds = Workers.bounds(b, parts);
      long t0 = System.nanoTime();
      double loss = 0;
      double[] termSums = null;
      double nnz = 0;
      double expectedNnz = 0;
      float gradientSum = 0f;
      long forward = 0;
      pending = coder.manager().newSubManager();
      try {
        List<Noise> noise = BatchNoise.split(pending, bounds);
        for (int i = 0; i < parts; i++) {
          pendingParts.add(new PartGradients(pending));
        }
        List<PartValues> results =
            workers.run(
                parts,
                i ->
                    part(
                        config,
                        s,
                        xb,
                        (int) bounds[i],
                        (int) bounds[i + 1],
                        b,
                        pendingParts.get(i),
                        noise.get(i)));
        for (PartValues r : results) {
          loss += r.loss();
          if (termSums == null) {
            termSums = new double[r.termSums().length];
            termNames = r.names();
          }
          for (int t = 0; t < termSums.length; t++) {
            termSums[t] += r.termSums()[t];
          }
          nnz += r.nnzSum();
          forward = Math.max(forward, r.forwardNanos());
          gradientSum += r.gradientSum();
          expectedNnz += r.expectedNnzSum();
        }
        long t1 = System.nanoTime();
        phaseNanos[0] += forward;
        phaseNanos[1] += t1 - t0 - forward;
        Map<String, Float> terms = new LinkedHashMap<>();
        for (int t = 0; t < termNames.size(); t++) {
          terms.put(termNames.get(t), (float) (termSums[t] / b));
        }
        return new StepValues(
            (float) loss, terms, (float) (nnz / b), (float) (expectedNnz / b), gradientSum);
      } catch (RuntimeException | Error e) {
        discardPending();
        throw e;
      }
    }

    /**
     * Rows [from, to) of a batch of {@code b}. The sentinels' gradient sum is taken here, on the
     * part's thread, while the gradients are fresh in its cache, not afterwards on the caller's.
     */
    @SuppressWarnings("try") // autograd records for the whole pass; the body need not name it
    private PartValues part(
        SdlgmConfig config,
        Schedule s,
        float[] xb,
        int from,
        int to,
        int b,
        PartGradients store,
        Noise noise) {
      int d = config.inputDim();
      try (LibTorch.Setting recording = LibTorch.recording();
          NDManager sub = coder.manager().newSubManager();
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        long t0 = System.nanoTime();
        NDArray x = SparseCoder.tensor(sub, xb, from * d, new Shape(to - from, d));
        Tape tape = new Tape();
        Terms terms =
            coder.block() instanceof TapedBlock taped
                ? taped.terms(store, x, s, false, true, noise, tape)
                : coder.block().terms(store, x, s, false, true, noise);
        NDArray loss = terms.loss(s, b);
        long forward = System.nanoTime() - t0;
        tape.backward(loss);
        store.collectGradients();
        List<Terms.Term> list = terms.terms();
        NDList stats = new NDList(loss);
        for (Terms.Term t : list) {
          stats.add(t.value().sum());
        }
        stats.add(terms.nnz().sum());
        stats.add(terms.expectedNnz().sum());
        for (Parameter p : sentinels) {
          NDArray g = store.gradient(p);
          if (g != null) {
            stats.add(g.sum());
          }
        }
        float[] f = NDArrays.stack(stats).toFloatArray();
        int n = list.size();
        double[] termSums = new double[n];
        for (int t = 0; t < n; t++) {
          termSums[t] = f[1 + t];
        }
        float gradientSum = 0f;
        for (int t = n + 3; t < f.length; t++) {
          gradientSum += f[t];
        }
        return new PartValues(
            f[0], terms.names(), termSums, f[n + 1], f[n + 2], forward, gradientSum);
      }
    }

    void update() {
      long t0 = System.nanoTime();
      try {
        adam.apply(pendingParts);
      } finally {
        discardPending();
      }
      phaseNanos[2] += System.nanoTime() - t0;
    }

    /** Drops the gradients of the last pass (a step whose gradient was not finite). */
    void zeroGradients() {
      discardPending();
    }

    private void discardPending() {
      pendingParts.clear();
      if (pending != null) {
        pending.close();
        pending = null;
      }
    }

    void resetPhases() {
      java.util.Arrays.fill(phaseNanos, 0);
    }
  }
}
