package org.sdlgm.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.sdlgm.SdlgmException;

/**
 * Seeded random train/test and train/validation splits, for sources without an official test part
 * (CSV, a single IDX file such as the 10k MNIST test images). Rows are shuffled with {@link
 * SplittableRandom} and then cut, never split by index: files are often ordered (by class, by
 * writer, by date) and an index split would give the two halves different distributions. The same
 * dataset, fraction and seed always give the same split.
 */
public final class Splits {
  private Splits() {}

  /**
   * Shuffles the rows with {@code seed} and puts the first {@code round(trainFraction * size)} (at
   * least one, and at least one left over) into {@code train}, the rest into {@code test}. Within
   * each part rows keep the shuffled order.
   */
  public static TrainTest split(Dataset d, double trainFraction, long seed) {
    if (!(trainFraction > 0 && trainFraction < 1)) {
      throw new SdlgmException(
          "split fraction must be strictly between 0 and 1, got " + trainFraction);
    }
    return cut(d, trainFraction, seed, "/test");
  }

  private static TrainTest cut(Dataset d, double trainFraction, long seed, String heldOutSuffix) {
    int size = d.size();
    if (size < 2) {
      throw new SdlgmException(
          d.name() + ": cannot split " + size + " example(s) into two non-empty parts");
    }
    int[] perm = shuffled(size, new SplittableRandom(seed));
    int cut = cutPoint(size, trainFraction);
    return new TrainTest(
        d.select(Arrays.copyOfRange(perm, 0, cut), d.name() + "/train"),
        d.select(Arrays.copyOfRange(perm, cut, size), d.name() + heldOutSuffix));
  }

  /**
   * 0..n−1 in a random order (Fisher–Yates from the end): the one shuffle behind every split and
   * every epoch's batch order, so the same generator state always gives the same order.
   */
  public static int[] shuffled(int n, java.util.random.RandomGenerator rnd) {
    int[] a = new int[n];
    Arrays.setAll(a, i -> i);
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /**
   * Rows in the first part of a split of {@code size} rows: round(fraction·size), in [1, size − 1].
   */
  public static int cutPoint(int size, double fraction) {
    return Math.max(1, Math.min(size - 1, (int) Math.round(fraction * size)));
  }

  /**
   * Holds out {@code fraction} of the rows for validation (e.g. early stopping or choosing
   * hyper-parameters without touching the test set). The result's {@code train} is the part to
   * train on and its {@code test} is the validation part; it is {@link #split} with {@code 1 -
   * fraction}, so the same seed gives the same rows.
   */
  public static TrainTest validation(Dataset d, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new SdlgmException(
          "validation fraction must be strictly between 0 and 1, got " + fraction);
    }
    return cut(d, 1 - fraction, seed, "/validation");
  }
}
