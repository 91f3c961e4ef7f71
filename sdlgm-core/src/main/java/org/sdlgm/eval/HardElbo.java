package org.sdlgm.eval;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.sdlgm.data.Dataset;
import org.sdlgm.engine.BatchNoise;
import org.sdlgm.engine.Noise;
import org.sdlgm.engine.Workers;
import org.sdlgm.model.Schedule;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.Terms;

/**
 * Single-sample estimates of the ELBO of the <em>discrete</em> model, per example: L drawn by
 * Gumbel-max, the support by Gumbel-top-k, v from q(v | x); never the relaxed sampler, so the mean
 * is an unbiased estimate of a true lower bound of log p(x) in nats. KL_L is exact; KL_S uses the
 * exact per-step KLs on the sampled prefix weighted by q(L ≥ j | x) (docs/model.md, "Evaluation").
 * Each batch is split among the model's {@link SparseCoder#workers() workers}.
 *
 * @param elbo per-example ELBO
 * @param logLik per-example log p(x | z)
 * @param klL per-example KL_L
 * @param klS per-example KL_S
 * @param klV per-example KL_v
 * @param level per-example sampled L (the number of non-zeros of the sample)
 */
public record HardElbo(
    float[] elbo, float[] logLik, float[] klL, float[] klS, float[] klV, float[] level) {

  /**
   * Estimates the terms on every row of {@code data}, in batches of {@code batchSize}, for the
   * model as declared (full level prior).
   */
  public static HardElbo estimate(SparseCoder coder, Dataset data, int batchSize) {
    return estimate(coder, data, batchSize, Schedule.evaluation(coder.config()));
  }

  /**
   * As {@link #estimate(SparseCoder, Dataset, int)} with the level prior of a training schedule
   * (its phase-in weight), so that validation curves match the training objective.
   */
  @SuppressWarnings("try") // the join is a scope; its body need not name it
  public static HardElbo estimate(SparseCoder coder, Dataset data, int batchSize, Schedule s) {
    float[][] out = new float[6][data.size()];
    Workers workers = coder.workers();
    try (Workers.Joined joined = workers.join()) {
      estimate(coder, data, batchSize, s, workers, out);
    }
    return new HardElbo(out[0], out[1], out[2], out[3], out[4], out[5]);
  }

  private static void estimate(
      SparseCoder coder, Dataset data, int batchSize, Schedule s, Workers workers, float[][] out) {
    int n = data.size();
    int d = coder.config().inputDim();
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      // Split among the workers like a training step: every row sees the noise of an unsplit
      // batch (BatchNoise), and each part writes its own rows of the output.
      int parts = workers.partsFor(b);
      long[] bounds = Workers.bounds(b, parts);
      int first = from;
      try (NDManager shared = coder.manager().newSubManager()) {
        List<Noise> noise = BatchNoise.split(shared, bounds);
        workers.run(
            parts,
            i -> {
              int start = first + (int) bounds[i];
              int rows = (int) (bounds[i + 1] - bounds[i]);
              try (NDManager sub = coder.manager().newSubManager();
                  NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Terms t =
                    coder
                        .block()
                        .terms(
                            coder.store(),
                            SparseCoder.tensor(sub, data.features(), start * d, new Shape(rows, d)),
                            s,
                            true,
                            false,
                            noise.get(i));
                float[] v =
                    NDArrays.stack(
                            new NDList(t.elbo(), t.logLik(), t.klL(), t.klS(), t.klV(), t.nnz()))
                        .toFloatArray();
                for (int r = 0; r < 6; r++) {
                  System.arraycopy(v, r * rows, out[r], start, rows);
                }
              }
              return null;
            });
      }
    }
  }

  /** Means of [elbo, logLik, klL, klS, klV, level]. */
  public double[] means() {
    float[][] all = {elbo, logLik, klL, klS, klV, level};
    double[] m = new double[6];
    for (int r = 0; r < 6; r++) {
      double sum = 0;
      for (float v : all[r]) {
        sum += v;
      }
      m[r] = all[r].length == 0 ? Double.NaN : sum / all[r].length;
    }
    return m;
  }
}
