package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.List;
import org.sdlgm.engine.Noise;

/**
 * The BatchTopK sparse autoencoder baseline (Bussmann, Leask and Nanda 2024), capped at L0: a
 * linear code head on the encoder trunk whose entries are kept by magnitude (sign-symmetric, like
 * {@link TopKBlock}). In training, a pass over B' rows keeps the round(B'·k) entries largest in
 * magnitude over all of them together — so the number of non-zeros varies per row at a mean of k —
 * and then at most the L0 largest of each row. The trainer splits a batch among its worker threads,
 * so the pool is each thread's part, not the whole batch. After training ({@link #afterTraining}),
 * one global threshold θ is estimated so that on the training rows the mean number of |v| > θ is k;
 * inference keeps |v| > θ, clipped to the L0 largest (a row may get no non-zero at all). Trained on
 * reconstruction alone: no ELBO, KL terms 0. The budget k is {@code targetNnz} when set, else
 * max(1, L0/2).
 */
public final class BatchTopKBlock extends LatentBlock {
  /** θ before {@link #afterTraining} has estimated it: the batch rule is used instead. */
  private static final float UNSET = -1f;

  private static final int ESTIMATION_BATCH = 1000;

  private final Linear codeHead;
  private final Parameter threshold;

  BatchTopKBlock(SdlgmConfig config) {
    super(config);
    codeHead = addChildBlock("codeHead", head(config.latentDim()));
    // A parameter rather than a field so that model.params carries it: a loaded model encodes
    // with the θ its training estimated.
    threshold =
        addParameter(
            Parameter.builder()
                .setName("threshold")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(1))
                .optInitializer(new ConstantInitializer(UNSET))
                .optRequiresGrad(false)
                .build());
  }

  /** The mean number of non-zeros per row the method aims at. */
  public double budget() {
    return config.targetNnz() > 0 ? config.targetNnz() : Math.max(1.0, config.maxLevel() / 2.0);
  }

  /** The global inference threshold θ, or a negative value before it has been estimated. */
  public float threshold(ParameterStore ps, NDManager manager) {
    return ps.getValue(threshold, manager.getDevice(), false).toFloatArray()[0];
  }

  @Override
  protected void initializeHeads(NDManager manager, DataType dataType, Shape hidden) {
    codeHead.initialize(manager, dataType, hidden);
  }

  private NDArray preActivations(ParameterStore ps, NDArray x, boolean training) {
    return apply(codeHead, ps, hidden(ps, x, training), training);
  }

  /**
   * The batch rule's selection (B, K) in {0, 1}, before the cap: the round(B·k) entries of {@code
   * magnitudes} largest over the whole batch.
   */
  NDArray batchSelection(NDArray magnitudes) {
    NDManager m = magnitudes.getManager();
    Shape shape = magnitudes.getShape();
    long size = shape.size();
    long keep = Math.min(size, Math.round(shape.get(0) * budget()));
    NDArray flat = magnitudes.reshape(size);
    if (keep == 0) {
      return m.zeros(shape);
    }
    // Indices, not a value threshold: ties at the boundary must not add entries.
    NDArray top = flat.topK((int) keep, 0, true, false).get(1);
    return m.zeros(new Shape(size)).scatter(top, m.ones(new Shape(keep)), 0).reshape(shape);
  }

  /**
   * Of the entries {@code selected} (B, K) in {0, 1}, the at most L0 of each row largest in
   * magnitude, as a (B, K) mask.
   */
  private NDArray capped(NDArray magnitudes, NDArray selected) {
    NDManager m = magnitudes.getManager();
    // Unselected entries get key −1 < every magnitude, so a row's top-`count` are its selected.
    NDArray keys = magnitudes.mul(selected).add(selected).sub(Scalars.of(m, 1f));
    NDArray levels = selected.sum(new int[] {1}).minimum(Scalars.of(m, (float) config.maxLevel()));
    return GumbelSoftmax.hardMask(
        GumbelSoftmax.order(keys, config.maxLevel()), levels, config.latentDim());
  }

  /** The selection before the cap: θ's rule once estimated, else the batch rule. */
  private NDArray selection(ParameterStore ps, NDArray magnitudes) {
    float theta = threshold(ps, magnitudes.getManager());
    if (theta < 0) {
      return batchSelection(magnitudes);
    }
    return magnitudes
        .gt(Scalars.of(magnitudes.getManager(), theta))
        .toType(DataType.FLOAT32, false);
  }

  /**
   * Per row, how many entries θ's rule selects before the cap clips them to L0 (B); the batch
   * rule's count before θ is estimated.
   */
  public NDArray uncappedCounts(ParameterStore ps, NDArray x) {
    return selection(ps, preActivations(ps, x, false).abs()).sum(new int[] {1});
  }

  /**
   * Training ({@code hard = false}) uses the batch rule on this call's rows; evaluation ({@code
   * hard = true}) the inference rule, so that the reported reconstruction is the one of the codes
   * {@link #encode} gives. No noise is drawn.
   */
  @Override
  public Terms terms(
      ParameterStore ps, NDArray x, Schedule s, boolean hard, boolean training, Noise noise) {
    NDArray v = preActivations(ps, x, training);
    NDArray magnitudes = v.abs().stopGradient();
    NDArray mask =
        capped(magnitudes, hard ? selection(ps, magnitudes) : batchSelection(magnitudes));
    NDArray logLik = logLikelihood(ps, x, decode(ps, v.mul(mask), training), training);
    return new Terms(List.of(Terms.Term.likelihood(logLik)), mask.sum(new int[] {1}));
  }

  @Override
  public CodeBatch encode(ParameterStore ps, NDArray x) {
    NDArray v = preActivations(ps, x, false);
    NDArray magnitudes = v.abs();
    NDArray z = v.mul(capped(magnitudes, selection(ps, magnitudes)));
    return new CodeBatch(z, z.neq(0f).sum(new int[] {1}).toType(DataType.INT64, false), null);
  }

  /**
   * Sets θ to the midpoint between the (n·k)-th and the next largest |v| over the training rows, so
   * that round(n·k) of them exceed it (barring ties) and float rounding that differs between batch
   * sizes does not move entries across it. Computed batch by batch, keeping only the current top
   * n·k + 1 magnitudes.
   */
  @Override
  public void afterTraining(ParameterStore ps, NDManager manager, float[] rows, int n) {
    int d = config.inputDim();
    long wanted = Math.round(n * budget());
    int keep = Math.toIntExact(Math.min(wanted + 1, (long) n * config.latentDim()));
    float[] best = new float[0];
    for (int from = 0; from < n; from += ESTIMATION_BATCH) {
      int b = Math.min(ESTIMATION_BATCH, n - from);
      try (NDManager sub = manager.newSubManager();
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray flat =
            preActivations(ps, SparseCoder.tensor(sub, rows, from * d, new Shape(b, d)), false)
                .abs()
                .reshape(-1);
        int t = (int) Math.min(keep, flat.size());
        best = mergeTop(best, flat.topK(t, 0, true, true).get(0).toFloatArray(), keep);
      }
    }
    float theta =
        best.length > wanted
            ? best[(int) wanted - 1] + (best[(int) wanted] - best[(int) wanted - 1]) / 2
            : 0f;
    ps.getValue(threshold, manager.getDevice(), false).set(new float[] {theta});
  }

  /** The {@code keep} largest of two descending arrays, descending. */
  private static float[] mergeTop(float[] a, float[] b, int keep) {
    float[] out = new float[Math.min(keep, a.length + b.length)];
    int i = 0;
    int j = 0;
    for (int t = 0; t < out.length; t++) {
      out[t] = j >= b.length || (i < a.length && a[i] >= b[j]) ? a[i++] : b[j++];
    }
    return out;
  }
}
