package org.sdlgm.data;

import org.sdlgm.SdlgmException;

/**
 * Which data a run trains and tests on: a {@code --data} spec, and either a separate {@code --test}
 * spec, a seeded train/test split fraction, or the source's own official test part. Loading checks
 * that training and test rows have the same number of features.
 *
 * @param data spec of the training source (see {@link DataSpecs})
 * @param test spec of a separate test source, or null
 * @param split train fraction for a seeded split of {@code data}, or 0 for none
 * @param seed seed of the split
 */
public record DataPlan(String data, String test, double split, long seed) {

  /** Loads and splits as planned; the test part may be null when none is available. */
  public TrainTest load() {
    if (data == null || data.isBlank()) {
      throw new SdlgmException(
          "no training data given: use --data SPEC (" + String.join(", ", DataSpecs.SCHEMES) + ")");
    }
    TrainTest tt = DataSpecs.parse(data).load();
    Dataset train = tt.train();
    Dataset testPart = tt.test();
    if (test != null && !test.isBlank()) {
      if (split > 0) {
        throw new SdlgmException("give either --test or --split, not both");
      }
      testPart = DataSpecs.parse(test).load().train();
    } else if (split > 0) {
      TrainTest s = Splits.split(train, split, seed);
      train = s.train();
      testPart = s.test();
    }
    if (testPart != null && testPart.dim() != train.dim()) {
      throw new SdlgmException(
          "test data ("
              + (test != null ? test : data)
              + ") has "
              + testPart.dim()
              + " features per row, but the training data has "
              + train.dim());
    }
    return new TrainTest(train, testPart);
  }
}
