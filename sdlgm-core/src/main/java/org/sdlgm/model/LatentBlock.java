package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import java.util.List;
import org.sdlgm.engine.Noise;

/**
 * The network shared by every method: an MLP encoder trunk h = f_φ(x), method-specific heads on h,
 * and a decoder g_θ (MLP or linear) with the observation model p(x | z). Subclasses say how a code
 * z is sampled during training and evaluation ({@link #terms}) and how the deterministic code is
 * chosen ({@link #encode}).
 *
 * <p>All methods take an explicit {@link ParameterStore} so that the same block serves the trainer
 * (whose store the optimiser updates) and inference.
 */
public abstract class LatentBlock extends ai.djl.nn.AbstractBlock {
  protected final SdlgmConfig config;
  private final SequentialBlock encoder;
  private final SequentialBlock decoder;
  private final Parameter logSigmaX;

  protected LatentBlock(SdlgmConfig config) {
    super((byte) 1);
    if (config.inputDim() < 1) {
      throw new IllegalArgumentException("config.inputDim must be set before building a model");
    }
    this.config = config;
    encoder = addChildBlock("encoder", mlp(config.encoderHidden(), -1));
    List<Integer> decHidden =
        config.decoder() == Decoder.LINEAR ? List.of() : config.decoderHidden();
    decoder = addChildBlock("decoder", mlp(decHidden, config.inputDim()));
    if (config.likelihood() == Likelihood.GAUSSIAN) {
      logSigmaX =
          addParameter(
              Parameter.builder()
                  .setName("logSigmaX")
                  .setType(Parameter.Type.OTHER)
                  .optShape(new Shape(1))
                  .optInitializer(new ConstantInitializer((float) Math.log(config.sigmaXInit())))
                  .optRequiresGrad(config.learnSigmaX())
                  .build());
    } else {
      logSigmaX = null;
    }
  }

  private static SequentialBlock mlp(List<Integer> hidden, int out) {
    SequentialBlock b = new SequentialBlock();
    for (int h : hidden) {
      b.add(Linear.builder().setUnits(h).build()).add(Activation.reluBlock());
    }
    if (out > 0) {
      b.add(Linear.builder().setUnits(out).build());
    }
    return b;
  }

  /** A dense head h ↦ W h + b with {@code units} outputs. */
  protected static Linear head(int units) {
    return Linear.builder().setUnits(units).build();
  }

  /** The model's configuration. */
  public SdlgmConfig config() {
    return config;
  }

  /** Width of the encoder trunk's output. */
  protected long hiddenWidth() {
    List<Integer> h = config.encoderHidden();
    return h.isEmpty() ? config.inputDim() : h.get(h.size() - 1);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // PyTorch's default Linear initialisation, U(±1/√fan_in), rather than DJL's He-normal
    // default: with 6× the weight variance, a random decoder makes every extra active
    // dimension cost ~6× more reconstruction error at the start, and q(L | x) collapses to
    // L = 1 before the dictionary is learned (measured; docs/model.md).
    setInitializer(
        new XavierInitializer(
            XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1f),
        Parameter.Type.WEIGHT);
    long batch = inputShapes[0].get(0);
    encoder.initialize(manager, dataType, inputShapes[0]);
    initializeHeads(manager, dataType, new Shape(batch, hiddenWidth()));
    decoder.initialize(manager, dataType, new Shape(batch, config.latentDim()));
  }

  /** Initialises the method's heads, which all read the trunk output of the given shape. */
  protected abstract void initializeHeads(NDManager manager, DataType dataType, Shape hidden);

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config.latentDim())};
  }

  /** DJL's generic forward returns the deterministic dense codes z, (B, K). */
  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(encode(ps, inputs.singletonOrThrow()).z());
  }

  /** The encoder trunk output h = f_φ(x). */
  protected NDArray hidden(ParameterStore ps, NDArray x, boolean training) {
    return encoder.forward(ps, new NDList(x), training).singletonOrThrow();
  }

  /** Applies a head block to h. */
  protected static NDArray apply(Block head, ParameterStore ps, NDArray h, boolean training) {
    return head.forward(ps, new NDList(h), training).singletonOrThrow();
  }

  /**
   * Decoder output g_θ(z): logits for Bernoulli, the mean for Gaussian (clipped to [0, 1] with
   * {@link SdlgmConfig#clipMean}), shape (B, D).
   */
  public NDArray decode(ParameterStore ps, NDArray z, boolean training) {
    NDArray g = decoder.forward(ps, new NDList(z), training).singletonOrThrow();
    // Data clipped to [0, 1] cannot be matched by a linear sum of atoms where atoms overlap; an
    // unclipped mean pays for the overshoot, and a spare atom that corrects it then buys
    // likelihood.
    return config.clipMean() ? g.clip(0f, 1f) : g;
  }

  /** The decoder's mean x̂: σ(g) for Bernoulli, g for Gaussian. */
  public NDArray decodeMean(ParameterStore ps, NDArray z) {
    NDArray g = decode(ps, z, false);
    return config.likelihood() == Likelihood.BERNOULLI ? Activation.sigmoid(g) : g;
  }

  /** Current σ_x (Gaussian likelihood), or NaN for Bernoulli. */
  public double sigmaX(ParameterStore ps, NDManager manager) {
    if (logSigmaX == null) {
      return Double.NaN;
    }
    return Math.exp(ps.getValue(logSigmaX, manager.getDevice(), false).toFloatArray()[0]);
  }

  /** log p(x | z) per example, shape (B), from decoder output g. */
  protected NDArray logLikelihood(ParameterStore ps, NDArray x, NDArray g, boolean training) {
    if (config.likelihood() == Likelihood.BERNOULLI) {
      // x·g − softplus(g); libtorch's softplus is stable for any g and one operation.
      return x.mul(g).sub(Activation.softPlus(g)).sum(new int[] {1});
    }
    NDManager m = x.getManager();
    NDArray logSigma = ps.getValue(logSigmaX, x.getDevice(), training);
    long d = x.getShape().get(1);
    NDArray sq = x.sub(g).square().sum(new int[] {1});
    return sq.mul(logSigma.mul(Scalars.of(m, -2f)).exp())
        .mul(Scalars.of(m, -0.5f))
        .sub(logSigma.mul(Scalars.of(m, (float) d)))
        .sub(Scalars.of(m, (float) (0.5 * d * Math.log(2 * Math.PI))));
  }

  /**
   * The per-example objective terms for a batch. {@code hard = false} is the training pass through
   * the relaxations; {@code hard = true} samples the discrete model exactly (used by evaluation, so
   * that the reported ELBO is a bound of the discrete model).
   */
  public final Terms terms(
      ParameterStore ps, NDArray x, Schedule s, boolean hard, boolean training) {
    return terms(ps, x, s, hard, training, Noise.DIRECT);
  }

  /**
   * As {@link #terms(ParameterStore, NDArray, Schedule, boolean, boolean)}, drawing from {@code
   * noise}. The whole pass stays in libtorch's graph; a block that can compute parts of its relaxed
   * pass outside it implements {@link TapedBlock} too.
   */
  public abstract Terms terms(
      ParameterStore ps, NDArray x, Schedule s, boolean hard, boolean training, Noise noise);

  /** The deterministic codes of a batch (docs/model.md, "Deterministic encoding"). */
  public abstract CodeBatch encode(ParameterStore ps, NDArray x);

  /**
   * The weights {@link #encodeHeads} needs, made once per encoding call by {@code manager}, or null
   * when the method has no such path (the caller then uses {@link #encode}).
   */
  public NDList encodingWeights(ParameterStore ps, NDManager manager) {
    return null;
  }

  /**
   * The raw encoder outputs the deterministic code is chosen from: one (B, 2·K [+ L0]) float tensor
   * holding, per row, the selection logits α, the values μ and — for models with a count head — the
   * level logits. The caller picks L̂ and the top-L̂ of α on the Java side: libtorch's top-k costs
   * ≈ 3.5 µs per row (a third of encoding at batch 1,000, measured), a Java partial selection of L̂
   * ≤ L0 out of K well under one.
   *
   * @param weights what {@link #encodingWeights} returned
   */
  public NDArray encodeHeads(ParameterStore ps, NDArray x, NDList weights) {
    throw new UnsupportedOperationException(config.method() + " has no compact encoding path");
  }

  /**
   * Called by the trainer on its own thread after every optimisation step, with the batch mean of
   * the rows' expected number of non-zeros ({@link Terms#expectedNnz}) — in a settling step (no
   * sampling noise) the number of its codes' non-zeros. Methods that adapt state which is not a
   * gradient parameter (e.g. a level cost steered towards a budget) do it here; the default does
   * nothing.
   */
  public void afterStep(ParameterStore ps, NDManager manager, double meanExpectedNnz) {}

  /**
   * Called by the trainer once, after the last epoch, with the training rows (row-major, n × D).
   * Methods whose inference needs a statistic of the training data (e.g. a global activation
   * threshold) estimate it here and keep it in a non-trainable parameter, so that it is saved with
   * the model; the default does nothing.
   */
  public void afterTraining(ParameterStore ps, NDManager manager, float[] rows, int n) {}

  /** Builds the block for the configured method. */
  public static LatentBlock of(SdlgmConfig config) {
    return config.method().newBlock(config);
  }

  /** KL(N(μ, σ²) ‖ N(0, 1)) per dimension, shape (B, K). */
  protected static NDArray gaussianKl(NDArray mu, NDArray logSigma) {
    NDManager m = mu.getManager();
    return mu.square()
        .add(logSigma.mul(Scalars.of(m, 2f)).exp())
        .sub(Scalars.of(m, 1f))
        .mul(Scalars.of(m, 0.5f))
        .sub(logSigma);
  }

  /** Guards log σ against overflow of exp in early steps (σ ∈ [e^−8, e^4]). */
  protected static NDArray boundedLogSigma(NDArray raw) {
    NDManager m = raw.getManager();
    return raw.maximum(Scalars.of(m, -8f)).minimum(Scalars.of(m, 4f));
  }
}
