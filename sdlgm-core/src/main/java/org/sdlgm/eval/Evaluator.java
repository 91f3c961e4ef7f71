package org.sdlgm.eval;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.TrainTest;
import org.sdlgm.model.SdlgmBlock;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;

/**
 * Scores a trained model on a test set: hard-sample ELBO terms, reconstruction error, sparsity
 * statistics of the deterministic codes, effective support, per-class sparsity, a linear probe, and
 * — on synthetic data — recovery of the true sparsity levels, supports and dictionary. A separate
 * step from training: it needs only a {@link SparseCoder}. The {@link ModelEvaluator} of the
 * unsupervised task.
 */
public final class Evaluator implements ModelEvaluator<SparseCoder, TrainTest, Evaluation> {
  private final EvalOptions options;

  public Evaluator(EvalOptions options) {
    this.options = options;
  }

  /**
   * Evaluates {@code coder} on the test part of {@code data}; its training part (may be null) feeds
   * the linear probe's training side. The rows are given to the coder as they are.
   */
  @Override
  public Evaluation evaluate(SparseCoder coder, TrainTest data) {
    return evaluate(coder, data.train(), data.test());
  }

  /**
   * Evaluates {@code coder} on {@code test}; {@code train} (may be null) feeds the linear probe's
   * training side.
   */
  public Evaluation evaluate(SparseCoder coder, Dataset train, Dataset test) {
    SdlgmConfig c = coder.config();
    int k = c.latentDim();
    int cap = c.codeCap();
    int n = test.size();
    int bs = options.batchSize();

    HardElbo elbo = HardElbo.estimate(coder, test, bs);
    Map<String, Double> terms = elbo.termMeans();
    List<SparseCode> codes = coder.encode(test.features(), n, bs);
    float[] dense = dense(codes, k);
    float[] xhat = coder.decodeMean(dense, n, bs);
    double recon = reconstructionError(test.features(), xhat, n, c.inputDim());

    int[] nnz = new int[n];
    int[] levels = new int[n];
    int[] usage = new int[k];
    for (int i = 0; i < n; i++) {
      SparseCode code = codes.get(i);
      nnz[i] = code.nnz();
      levels[i] = code.level();
      for (int j : code.indices()) {
        usage[j]++;
      }
    }
    int active = (int) Arrays.stream(usage).filter(u -> u > 0).count();
    int[][] effective = effectiveSupport(coder, codes, dense, xhat, n);
    int[] effNnz = Arrays.stream(effective).mapToInt(a -> a.length).toArray();
    double reconEffective =
        reconstructionError(
            test.features(),
            coder.decodeMean(effectiveOnly(dense, effective, k), n, bs),
            n,
            c.inputDim());

    double[] nnzPerClass = null;
    double[] levelPerClass = null;
    LinearProbeResult probe = null;
    if (test.hasLabels()) {
      int classes =
          Math.max(test.numClasses(), train != null && train.hasLabels() ? train.numClasses() : 0);
      nnzPerClass = PerClass.means(nnz, test.labels(), classes);
      levelPerClass = PerClass.means(levels, test.labels(), classes);
      if (options.probe() && train != null && train.hasLabels()) {
        float[] trainCodes = dense(coder.encode(train.features(), train.size(), bs), k);
        probe =
            LinearProbe.fit(
                trainCodes, train.labels(), dense, test.labels(), k, options.probeOptions());
      }
    }

    Recovery recovery = test.hasGroundTruth() ? recovery(coder, test, levels, effective) : null;
    boolean hasElbo = c.method().hasElbo();
    CountStats nnzStats = CountStats.of(nnz, cap);
    CountStats effStats = CountStats.of(effNnz, cap);
    String collapse =
        Collapse.message(
            nnzStats.mean(),
            effStats.mean(),
            hasElbo ? terms.getOrDefault(SdlgmBlock.KL_V, Double.NaN) : Double.NaN,
            hasElbo ? Math.max(c.betaV(), c.betaS()) : Double.NaN,
            recon,
            reconEffective);
    return new Evaluation(
        c.method().id(),
        n,
        cap,
        hasElbo ? elbo.meanElbo() : Double.NaN,
        terms,
        recon,
        nnzStats,
        c.method().isSdlgm() ? CountStats.of(levels, c.maxLevel()) : null,
        effStats,
        options.delta(),
        meanNorm(test.features(), n, c.inputDim()),
        reconEffective,
        active,
        usage,
        nnzPerClass,
        levelPerClass,
        probe,
        recovery,
        collapse);
  }

  /** The mean L2 norm of the n rows of {@code x} (row-major, d columns). */
  static double meanNorm(float[] x, int n, int d) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double sq = 0;
      for (int j = i * d; j < (i + 1) * d; j++) {
        sq += (double) x[j] * x[j];
      }
      sum += Math.sqrt(sq);
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** Row-major dense codes (n × k) from sparse codes. */
  public static float[] dense(List<SparseCode> codes, int k) {
    float[] d = new float[codes.size() * k];
    for (int i = 0; i < codes.size(); i++) {
      SparseCode c = codes.get(i);
      for (int t = 0; t < c.indices().length; t++) {
        d[i * k + c.indices()[t]] = c.values()[t];
      }
    }
    return d;
  }

  /** The dense codes with every non-zero outside the effective support set to 0. */
  private static float[] effectiveOnly(float[] dense, int[][] effective, int k) {
    float[] z = new float[dense.length];
    for (int i = 0; i < effective.length; i++) {
      for (int j : effective[i]) {
        z[i * k + j] = dense[i * k + j];
      }
    }
    return z;
  }

  private static double reconstructionError(float[] x, float[] xhat, int n, int d) {
    double total = 0;
    for (int i = 0; i < n * d; i++) {
      double e = x[i] - xhat[i];
      total += e * e;
    }
    return total / n;
  }

  /**
   * For each example, the active dimensions whose removal moves the decoder mean by more than δ
   * (L2). One extra decoder pass per position in the code: the j-th active entry of every row is
   * zeroed at once.
   */
  private int[][] effectiveSupport(
      SparseCoder coder, List<SparseCode> codes, float[] dense, float[] xhat, int n) {
    int k = coder.config().latentDim();
    int d = coder.config().inputDim();
    int maxNnz = codes.stream().mapToInt(SparseCode::nnz).max().orElse(0);
    boolean[][] keep = new boolean[n][];
    for (int i = 0; i < n; i++) {
      keep[i] = new boolean[codes.get(i).nnz()];
    }
    double delta2 = options.delta() * options.delta();
    for (int j = 0; j < maxNnz; j++) {
      float[] zj = dense.clone();
      for (int i = 0; i < n; i++) {
        SparseCode c = codes.get(i);
        if (j < c.nnz()) {
          zj[i * k + c.indices()[j]] = 0f;
        }
      }
      float[] xj = coder.decodeMean(zj, n, options.batchSize());
      for (int i = 0; i < n; i++) {
        if (j >= codes.get(i).nnz()) {
          continue;
        }
        double s = 0;
        for (int t = i * d; t < (i + 1) * d; t++) {
          double e = xhat[t] - xj[t];
          s += e * e;
        }
        keep[i][j] = s > delta2;
      }
    }
    int[][] out = new int[n][];
    for (int i = 0; i < n; i++) {
      int[] idx = codes.get(i).indices();
      boolean[] kept = keep[i];
      out[i] =
          java.util.stream.IntStream.range(0, idx.length)
              .filter(t -> kept[t])
              .map(t -> idx[t])
              .toArray();
    }
    return out;
  }

  /** The decoder's image of each latent dimension: x̂(e_k) − x̂(0), one row per dimension. */
  public static float[][] atoms(SparseCoder coder) {
    int k = coder.config().latentDim();
    int d = coder.config().inputDim();
    float[] basis = new float[(k + 1) * k];
    for (int j = 0; j < k; j++) {
      basis[j * k + j] = 1f;
    }
    float[] images = coder.decodeMean(basis, k + 1, k + 1);
    float[][] atoms = new float[k][d];
    for (int j = 0; j < k; j++) {
      for (int t = 0; t < d; t++) {
        atoms[j][t] = images[j * d + t] - images[k * d + t];
      }
    }
    return atoms;
  }

  private static Recovery recovery(
      SparseCoder coder, Dataset test, int[] levels, int[][] effective) {
    int[] truth = test.trueLevels();
    int n = truth.length;
    int[] eff = Arrays.stream(effective).mapToInt(a -> a.length).toArray();
    int maxTrue = Arrays.stream(truth).max().orElse(0);
    int cap = coder.config().codeCap();
    int maxLevel = Math.max(cap, Arrays.stream(levels).max().orElse(0));
    int levelExact = 0;
    int effExact = 0;
    double diff = 0;
    for (int i = 0; i < n; i++) {
      levelExact += levels[i] == truth[i] ? 1 : 0;
      effExact += eff[i] == truth[i] ? 1 : 0;
      diff += levels[i] - truth[i];
    }
    SupportMetrics support = null;
    DictionaryRecovery dict = null;
    if (test.dictionary() != null) {
      float[][] atoms = atoms(coder);
      dict = DictionaryRecovery.of(test.dictionary(), atoms);
      int[] match = DictionaryRecovery.matchLearnedToTrue(test.dictionary(), atoms);
      int[][] predicted = new int[n][];
      for (int i = 0; i < n; i++) {
        Set<Integer> s = new LinkedHashSet<>();
        for (int j : effective[i]) {
          if (match[j] >= 0) {
            s.add(match[j]);
          }
        }
        predicted[i] = s.stream().mapToInt(Integer::intValue).toArray();
      }
      support = SupportMetrics.of(predicted, test.trueSupports());
    }
    return new Recovery(
        Spearman.correlation(levels, truth),
        Spearman.correlation(eff, truth),
        levelExact / (double) n,
        effExact / (double) n,
        diff / n,
        Confusion.of(levels, truth, maxLevel, maxTrue),
        Confusion.of(eff, truth, maxLevel, maxTrue),
        support,
        dict);
  }
}
