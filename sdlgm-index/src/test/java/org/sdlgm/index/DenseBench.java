package org.sdlgm.index;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.TrainTest;
import org.sdlgm.model.SparseCode;

/**
 * The dense baseline of docs/results.md §7 (not a test; run by hand): {@code DenseBench
 * TRAIN_CODES.jsonl TEST_CODES.jsonl DATA_SPEC [k] [K]} holds the training codes written by {@code
 * sdlgm encode} as dense K-wide rows and ranks all of them for every test code by the full dot
 * product (K multiply-adds per document, as for a dense VAE code; K is the highest dimension used +
 * 1 unless given), best first, ties to the lower row; prints queries/s, latency percentiles and the
 * share of the k neighbours with the query's label (labels from DATA_SPEC's train and test parts).
 */
public final class DenseBench {
  private DenseBench() {}

  public static void main(String[] args) throws Exception {
    List<SparseCode> train = SearchBench.readCodes(Path.of(args[0]));
    List<SparseCode> test = SearchBench.readCodes(Path.of(args[1]));
    TrainTest data = DataSpecs.parse(args[2]).load();
    int k = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    int[] trainLabels = data.train().labels();
    int[] testLabels = data.test().labels();
    int width = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    for (SparseCode c : train) {
      for (int i : c.indices()) {
        width = Math.max(width, i + 1);
      }
    }
    int n = train.size();
    float[] dense = new float[n * width];
    for (int d = 0; d < n; d++) {
      SparseCode c = train.get(d);
      for (int j = 0; j < c.nnz(); j++) {
        dense[d * width + c.indices()[j]] = c.values()[j];
      }
    }
    long[] lat = new long[test.size()];
    long same = 0;
    double[] scores = new double[n];
    long t0 = System.nanoTime();
    for (int q = 0; q < test.size(); q++) {
      long s = System.nanoTime();
      float[] qd = test.get(q).toDense(width);
      for (int d = 0; d < n; d++) {
        double sum = 0;
        int base = d * width;
        for (int j = 0; j < width; j++) {
          sum += (double) qd[j] * dense[base + j];
        }
        scores[d] = sum;
      }
      int[] top = topK(scores, k);
      lat[q] = System.nanoTime() - s;
      for (int d : top) {
        same += trainLabels[d] == testLabels[q] ? 1 : 0;
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    Arrays.sort(lat);
    int m = lat.length;
    System.out.printf(
        Locale.ROOT,
        "dense brute force, %d documents × %d dimensions, 1 thread: %,.0f queries/s, p50 %.3f ms, p99 %.3f ms; "
            + "label precision@%d %.4f%n",
        n,
        width,
        m / secs,
        lat[m / 2] / 1e6,
        lat[Math.max(0, (int) Math.ceil(0.99 * m) - 1)] / 1e6,
        k,
        (double) same / ((long) m * k));
  }

  /** The k best rows: score descending, then row ascending. */
  private static int[] topK(double[] scores, int k) {
    int[] best = new int[k];
    int filled = 0;
    for (int d = 0; d < scores.length; d++) {
      int pos = filled;
      while (pos > 0 && scores[d] > scores[best[pos - 1]]) {
        pos--;
      }
      if (pos < k) {
        System.arraycopy(best, pos, best, pos + 1, Math.min(filled, k - 1) - pos);
        best[pos] = d;
        filled = Math.min(filled + 1, k);
      }
    }
    return Arrays.copyOf(best, filled);
  }
}
