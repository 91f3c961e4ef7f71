package org.sdlgm.data.multilabel;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.sdlgm.SdlgmException;

/**
 * A multi-label training part and an optional test part ({@code test} is null when there is none).
 * {@link MultiLabelPlan#load()} guarantees that a non-null test part has the training part's
 * features and labels (same count, same label names in the same order), so a model fitted on {@code
 * train} can be scored on {@code test} as is. {@link #split} makes such a pair from one set by a
 * seeded shuffle, the same scheme as {@link org.sdlgm.data.Splits} uses for single-label data.
 */
public record MultiLabelTrainTest(MultiLabelDataset train, MultiLabelDataset test) {
  public MultiLabelTrainTest {
    Objects.requireNonNull(train, "train");
  }

  public boolean hasTest() {
    return test != null;
  }

  /**
   * Shuffles the rows of {@code d} with {@code seed} and puts the first {@code round(trainFraction
   * * size)} (at least one, and at least one left over) into {@code train} (named {@code
   * <name>/train}), the rest into {@code test} ({@code <name>/test}). Shuffling rather than cutting
   * by index matters because files are often ordered (Mulan files are sometimes sorted by label
   * set). The same set, fraction and seed give the same split.
   */
  public static MultiLabelTrainTest split(MultiLabelDataset d, double trainFraction, long seed) {
    if (!(trainFraction > 0 && trainFraction < 1)) {
      throw new SdlgmException(
          "split fraction must be strictly between 0 and 1, got " + trainFraction);
    }
    int size = d.size();
    if (size < 2) {
      throw new SdlgmException(
          d.name() + ": cannot split " + size + " row(s) into two non-empty parts");
    }
    int[] perm = org.sdlgm.data.Splits.shuffled(size, new SplittableRandom(seed));
    int cut = org.sdlgm.data.Splits.cutPoint(size, trainFraction);
    return new MultiLabelTrainTest(
        d.subset(Arrays.copyOfRange(perm, 0, cut), d.name() + "/train"),
        d.subset(Arrays.copyOfRange(perm, cut, size), d.name() + "/test"));
  }
}
