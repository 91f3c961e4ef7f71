package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.sdlgm.engine.Noise;

/**
 * The dense Gaussian VAE baseline (Kingma and Welling 2014) with K latent dimensions: the same
 * encoder trunk and decoder as SDLGM, q(v | x) = N(μ, σ²) on every dimension, z = v. Its codes are
 * dense (the deterministic code is μ), which is what SDLGM's sparsity is compared against.
 */
public final class VaeBlock extends LatentBlock {
  /** The name of the values term KL(q(z | x) ‖ N(0, I)), weighted by β_v. */
  public static final String KL_V = "kl_v";

  private final Linear muHead;
  private final Linear logSigmaHead;

  VaeBlock(SdlgmConfig config) {
    super(config);
    muHead = addChildBlock("muHead", head(config.latentDim()));
    logSigmaHead = addChildBlock("logSigmaHead", head(config.latentDim()));
  }

  @Override
  protected void initializeHeads(NDManager manager, DataType dataType, Shape hidden) {
    muHead.initialize(manager, dataType, hidden);
    logSigmaHead.initialize(manager, dataType, hidden);
  }

  @Override
  public Terms terms(
      ParameterStore ps, NDArray x, Schedule s, boolean hard, boolean training, Noise noise) {
    NDManager m = x.getManager();
    long b = x.getShape().get(0);
    NDArray h = hidden(ps, x, training);
    NDArray mu = apply(muHead, ps, h, training);
    NDArray logSigma = boundedLogSigma(apply(logSigmaHead, ps, h, training));
    NDArray z = mu.add(logSigma.exp().mul(noise.normal(m, mu.getShape())));
    NDArray logLik = logLikelihood(ps, x, decode(ps, z, training), training);
    NDArray klV = gaussianKl(mu, logSigma).sum(new int[] {1});
    return new Terms(
        List.of(Terms.Term.likelihood(logLik), Terms.Term.kl(KL_V, config.betaV(), klV)),
        m.full(new Shape(b), (float) config.latentDim()));
  }

  @Override
  public CodeBatch encode(ParameterStore ps, NDArray x) {
    NDArray mu = apply(muHead, ps, hidden(ps, x, false), false);
    NDArray levels = mu.neq(0f).sum(new int[] {1}).toType(DataType.INT64, false);
    return new CodeBatch(mu, levels, null);
  }
}
