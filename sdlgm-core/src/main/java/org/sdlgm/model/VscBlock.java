package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.sdlgm.engine.Noise;

/**
 * The Variational Sparse Coding baseline (Tonolini, Jensen and Murray-Smith 2020): a spike-and-slab
 * prior p(z_k) = (1 − α) δ(0) + α N(0, 1) and posterior q(z_k | x) = (1 − γ_k) δ(0) + γ_k N(μ_k,
 * σ_k²), with heads for μ, log σ and the spike logits on the encoder trunk. Each dimension switches
 * on independently, so a sample has no cap; the cap L0 applies to the deterministic code only: the
 * round(Σ_k γ_k) most probable dimensions — the expected number of spikes — at most L0, with values
 * μ. (The rule γ_k > 0.5 would be the per-dimension mode, but with a sparse prior few γ_k pass 0.5
 * while their sum is several: on Fashion-MNIST it left 0.34 non-zeros per code against 3.2 spikes
 * per training sample.) Training samples the spikes through a binary-concrete relaxation at the
 * schedule's τ; evaluation samples them exactly. The prior spike probability α is {@code
 * targetNnz}/K when a target is set, else L0/(2K).
 */
public final class VscBlock extends LatentBlock {
  /** γ is kept in [ε, 1 − ε] so that every log of the spike KL stays finite. */
  private static final double GAMMA_EPS = 1e-6;

  /** The name of the spike term Σ_k KL(q(s_k | x) ‖ Bernoulli(α)), weighted by β_S. */
  public static final String KL_SPIKE = "kl_spike";

  /** The name of the slab term Σ_k γ_k KL(N(μ_k, σ_k²) ‖ N(0, 1)), weighted by β_v. */
  public static final String KL_SLAB = "kl_slab";

  private static final float MAX_LOGIT = (float) Math.log((1 - GAMMA_EPS) / GAMMA_EPS);

  private final Linear muHead;
  private final Linear logSigmaHead;
  private final Linear spikeHead;

  VscBlock(SdlgmConfig config) {
    super(config);
    muHead = addChildBlock("muHead", head(config.latentDim()));
    logSigmaHead = addChildBlock("logSigmaHead", head(config.latentDim()));
    spikeHead = addChildBlock("spikeHead", head(config.latentDim()));
  }

  /** The prior spike probability α. */
  public double priorSpike() {
    double expected = config.targetNnz() > 0 ? config.targetNnz() : config.maxLevel() / 2.0;
    return expected / config.latentDim();
  }

  @Override
  protected void initializeHeads(NDManager manager, DataType dataType, Shape hidden) {
    muHead.initialize(manager, dataType, hidden);
    logSigmaHead.initialize(manager, dataType, hidden);
    spikeHead.initialize(manager, dataType, hidden);
  }

  /** Spike logits bounded to ±log((1 − ε)/ε), i.e. γ = σ(logit) ∈ [ε, 1 − ε]. */
  private NDArray spikeLogits(ParameterStore ps, NDArray h, boolean training) {
    NDManager m = h.getManager();
    return apply(spikeHead, ps, h, training)
        .maximum(Scalars.of(m, -MAX_LOGIT))
        .minimum(Scalars.of(m, MAX_LOGIT));
  }

  /**
   * KL(q(s | x) ‖ p(s)) per dimension from the bounded spike logits, (B, K): log γ and log(1 − γ)
   * as −softplus(∓logit), exact where 1 − γ would round to 0 in float.
   */
  NDArray spikeKl(NDArray logits) {
    NDManager m = logits.getManager();
    double a = priorSpike();
    NDArray gamma = Activation.sigmoid(logits);
    NDArray logGamma = Activation.softPlus(logits.neg()).neg();
    NDArray logOneMinus = Activation.softPlus(logits).neg();
    return gamma
        .mul(logGamma.sub(Scalars.of(m, (float) Math.log(a))))
        .add(
            Scalars.of(m, 1f)
                .sub(gamma)
                .mul(logOneMinus.sub(Scalars.of(m, (float) Math.log1p(-a)))));
  }

  /**
   * Training ({@code hard = false}): s = σ((logit γ + log u − log(1 − u))/τ); evaluation: the exact
   * Bernoulli(γ) spike of the same draw, [logit γ + log u − log(1 − u) > 0] ⇔ u < γ, so the test
   * ELBO is a bound of the discrete model. Both draw u, then ε, through {@code noise}. nnz is the
   * number of spikes that are on (the hard spike of the draw, in training too).
   */
  @Override
  public Terms terms(
      ParameterStore ps, NDArray x, Schedule s, boolean hard, boolean training, Noise noise) {
    NDManager m = x.getManager();
    NDArray h = hidden(ps, x, training);
    NDArray mu = apply(muHead, ps, h, training);
    NDArray logSigma = boundedLogSigma(apply(logSigmaHead, ps, h, training));
    NDArray logits = spikeLogits(ps, h, training);
    Shape shape = mu.getShape();
    // Bounded away from 0 and 1 so that the logistic noise is finite.
    NDArray u = noise.uniform(m, (float) GAMMA_EPS, (float) (1 - GAMMA_EPS), shape);
    NDArray eps = noise.normal(m, shape);
    NDArray keys = logits.add(u.log().sub(Scalars.of(m, 1f).sub(u).log()));
    NDArray on = keys.gt(Scalars.of(m, 0f)).toType(DataType.FLOAT32, false);
    NDArray spikes = hard ? on : Activation.sigmoid(keys.div(Scalars.of(m, (float) s.tau())));
    NDArray z = spikes.mul(mu.add(logSigma.exp().mul(eps)));
    NDArray logLik = logLikelihood(ps, x, decode(ps, z, training), training);
    NDArray gamma = Activation.sigmoid(logits);
    NDArray klSpike = spikeKl(logits).sum(new int[] {1});
    NDArray klSlab = gamma.mul(gaussianKl(mu, logSigma)).sum(new int[] {1});
    return new Terms(
        List.of(
            Terms.Term.likelihood(logLik),
            Terms.Term.kl(KL_SPIKE, config.betaS(), klSpike),
            Terms.Term.kl(KL_SLAB, config.betaV(), klSlab)),
        on.sum(new int[] {1}));
  }

  @Override
  public CodeBatch encode(ParameterStore ps, NDArray x) {
    NDManager m = x.getManager();
    NDArray h = hidden(ps, x, false);
    // Unbounded logits, so that dimensions whose γ rounds to the bound still rank by logit.
    NDArray logits = apply(spikeHead, ps, h, false);
    NDArray levels =
        Activation.sigmoid(logits)
            .sum(new int[] {1})
            .round()
            .minimum(Scalars.of(m, (float) config.maxLevel()));
    NDArray mask =
        GumbelSoftmax.hardMask(
            GumbelSoftmax.order(logits, config.maxLevel()), levels, config.latentDim());
    NDArray z = apply(muHead, ps, h, false).mul(mask);
    return new CodeBatch(z, z.neq(0f).sum(new int[] {1}).toType(DataType.INT64, false), null);
  }
}
