package org.sdlgm.eval;

/**
 * Knobs of {@link Evaluator}: batch size, the threshold δ of the effective support (L2 change of
 * the decoder mean when one active dimension is removed), and whether and how to run the linear
 * probe.
 */
public record EvalOptions(
    int batchSize, double delta, boolean probe, LinearProbe.Options probeOptions) {
  public static EvalOptions defaults() {
    return new EvalOptions(1000, 1.0, true, LinearProbe.Options.defaults());
  }

  public EvalOptions withProbe(boolean v) {
    return new EvalOptions(batchSize, delta, v, probeOptions);
  }

  public EvalOptions withDelta(double v) {
    return new EvalOptions(batchSize, v, probe, probeOptions);
  }

  public EvalOptions withBatchSize(int v) {
    return new EvalOptions(v, delta, probe, probeOptions);
  }
}
