package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import org.sdlgm.engine.Noise;

/**
 * The dense Gaussian VAE baseline (Kingma and Welling 2014) with K latent dimensions: the same
 * encoder trunk and decoder as SDLGM, q(v | x) = N(μ, σ²) on every dimension, z = v. Its codes are
 * dense (the deterministic code is μ), which is what SDLGM's sparsity is compared against.
 */
public final class VaeBlock extends LatentBlock {
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
    NDArray zeros = m.zeros(new Shape(b));
    NDArray klV = gaussianKl(mu, logSigma).sum(new int[] {1});
    return new Terms(logLik, zeros, zeros, klV, m.full(new Shape(b), (float) config.latentDim()));
  }

  @Override
  public CodeBatch encode(ParameterStore ps, NDArray x) {
    NDArray mu = apply(muHead, ps, hidden(ps, x, false), false);
    NDArray levels = mu.neq(0f).sum(new int[] {1}).toType(DataType.INT64, false);
    return new CodeBatch(mu, levels, null);
  }
}
