package org.sdlgm.eval;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
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
 * @param terms per-example values of each of the method's terms ({@link Terms}), by name, in the
 *     block's order
 * @param level per-example sampled L (the number of non-zeros of the sample)
 */
public record HardElbo(float[] elbo, Map<String, float[]> terms, float[] level) {

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
    Output out = new Output(data.size());
    Workers workers = coder.workers();
    try (Workers.Joined joined = workers.join()) {
      estimate(coder, data, batchSize, s, workers, out);
    }
    Map<String, float[]> terms = new LinkedHashMap<>();
    for (String name : out.names()) {
      terms.put(name, out.terms.get(name));
    }
    return new HardElbo(out.elbo, Collections.unmodifiableMap(terms), out.level);
  }

  /** The per-example arrays the parts of every batch write their rows into. */
  private static final class Output {
    final int n;
    final float[] elbo;
    final float[] level;
    final Map<String, float[]> terms = new ConcurrentHashMap<>();
    private final AtomicReference<List<String>> names = new AtomicReference<>();

    Output(int n) {
      this.n = n;
      elbo = new float[n];
      level = new float[n];
    }

    List<String> names() {
      List<String> v = names.get();
      return v == null ? List.of() : v;
    }

    /** Writes rows [start, start + rows) of a part whose terms are {@code t}. */
    void put(Terms t, int start, int rows) {
      names.compareAndSet(null, t.names());
      NDList values = new NDList(t.elbo());
      for (Terms.Term term : t.terms()) {
        values.add(term.value());
      }
      values.add(t.nnz());
      float[] v = NDArrays.stack(values).toFloatArray();
      System.arraycopy(v, 0, elbo, start, rows);
      List<Terms.Term> list = t.terms();
      for (int r = 0; r < list.size(); r++) {
        float[] to = terms.computeIfAbsent(list.get(r).name(), k -> new float[n]);
        System.arraycopy(v, (r + 1) * rows, to, start, rows);
      }
      System.arraycopy(v, (list.size() + 1) * rows, level, start, rows);
    }
  }

  private static void estimate(
      SparseCoder coder, Dataset data, int batchSize, Schedule s, Workers workers, Output out) {
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
                out.put(t, start, rows);
              }
              return null;
            });
      }
    }
  }

  /** The mean ELBO (NaN without rows). */
  public double meanElbo() {
    return mean(elbo);
  }

  /** The mean sampled L (NaN without rows). */
  public double meanLevel() {
    return mean(level);
  }

  /** The mean of each term, by name, in the block's order. */
  public Map<String, Double> termMeans() {
    Map<String, Double> m = new LinkedHashMap<>();
    terms.forEach((name, v) -> m.put(name, mean(v)));
    return Collections.unmodifiableMap(m);
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return values.length == 0 ? Double.NaN : sum / values.length;
  }
}
