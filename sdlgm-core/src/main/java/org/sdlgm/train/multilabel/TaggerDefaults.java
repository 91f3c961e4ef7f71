package org.sdlgm.train.multilabel;

import java.util.Arrays;
import org.sdlgm.data.multilabel.MultiLabelDataset;

/**
 * Data-driven defaults for the settings a user may leave on "auto": the cap L0 (the smallest level
 * that covers {@value #COVER} of the training rows' set sizes, so a few outliers with huge label
 * sets do not inflate it), the count head's L_min (0 when any training row has no label, else 1)
 * and the k of the top-k rule (the training label cardinality, rounded, at least 1).
 */
public final class TaggerDefaults {
  /** Share of training rows whose |Y| the automatic L0 covers. */
  public static final double COVER = 0.99;

  private TaggerDefaults() {}

  public static int maxLevel(MultiLabelDataset train) {
    int n = train.size();
    int[] sizes = new int[n];
    for (int i = 0; i < n; i++) {
      sizes[i] = train.labels(i).length;
    }
    Arrays.sort(sizes);
    int q = n == 0 ? 1 : sizes[Math.min(n - 1, (int) Math.ceil(COVER * n) - 1)];
    return Math.max(1, Math.min(train.numLabels(), q));
  }

  public static int minLevel(MultiLabelDataset train) {
    return train.emptyLabelRows() > 0 ? 0 : 1;
  }

  public static int topK(MultiLabelDataset train) {
    return (int) Math.max(1, Math.min(train.numLabels(), Math.round(train.labelCardinality())));
  }
}
