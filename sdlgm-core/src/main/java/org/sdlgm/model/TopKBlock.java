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
 * The k-sparse autoencoder baseline (Makhzani and Frey 2013) with k = L0: a linear code layer on
 * the encoder trunk, of which only the k entries largest in magnitude are kept (magnitude, not
 * signed value, so that the code is sign-symmetric like SDLGM's). Trained on reconstruction alone —
 * it has no ELBO, its KL terms are reported as 0, and its "log likelihood" is the reconstruction
 * term under the configured observation model.
 */
public final class TopKBlock extends LatentBlock {
  private final Linear codeHead;

  TopKBlock(SdlgmConfig config) {
    super(config);
    codeHead = addChildBlock("codeHead", head(config.latentDim()));
  }

  @Override
  protected void initializeHeads(NDManager manager, DataType dataType, Shape hidden) {
    codeHead.initialize(manager, dataType, hidden);
  }

  private NDArray sparseCode(ParameterStore ps, NDArray x, boolean training) {
    NDArray values = apply(codeHead, ps, hidden(ps, x, training), training);
    long b = x.getShape().get(0);
    NDArray k = x.getManager().full(new Shape(b), config.maxLevel(), DataType.INT64);
    NDArray mask =
        GumbelSoftmax.hardMask(
            GumbelSoftmax.order(values.abs().stopGradient(), config.maxLevel()),
            k,
            config.latentDim());
    return values.mul(mask);
  }

  @Override
  public Terms terms(
      ParameterStore ps, NDArray x, Schedule s, boolean hard, boolean training, Noise noise) {
    NDManager m = x.getManager();
    long b = x.getShape().get(0);
    NDArray z = sparseCode(ps, x, training);
    NDArray logLik = logLikelihood(ps, x, decode(ps, z, training), training);
    return new Terms(
        List.of(Terms.Term.likelihood(logLik)), m.full(new Shape(b), (float) config.maxLevel()));
  }

  @Override
  public CodeBatch encode(ParameterStore ps, NDArray x) {
    NDArray z = sparseCode(ps, x, false);
    NDArray levels = z.neq(0f).sum(new int[] {1}).toType(DataType.INT64, false);
    return new CodeBatch(z, levels, null);
  }
}
