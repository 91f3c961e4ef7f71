package org.sdlgm.data.multilabel;

import java.util.List;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataException;

/**
 * Which multi-label data a run trains and tests on, as given on the command line: a {@code --data}
 * spec, an optional {@code --test} spec, an optional {@code --labels} rule for ARFF data, and a
 * seeded split fraction. {@link #load()} takes the test part from {@code test} if given (a spec
 * with an official test part, {@code mulan:} or {@code synthetic-ml:}, contributes that part; any
 * other contributes all its rows), else from the data spec's official test part, else from a seeded
 * random split of the data when {@code split} is in (0, 1), else there is none. Giving {@code
 * --split} where it would be ignored (with {@code --test}, or with a source that has a test part)
 * is an error rather than a silent no-op. The test part is checked to be compatible with the
 * training part, so that a model trained on one can be scored on the other.
 *
 * @param data spec of the training source (see {@link MultiLabelSpecs})
 * @param test spec of a separate test source, or null
 * @param labels {@code --labels} override for ARFF data (an XML path, {@code first:C}, {@code
 *     last:C}), winning over the specs' own rules; or null
 * @param split train fraction for a seeded split of {@code data}, or 0 for none
 * @param seed seed of the split
 */
public record MultiLabelPlan(String data, String test, String labels, double split, long seed) {

  /** Loads, splits and checks as planned; the result's test part may be null. */
  public MultiLabelTrainTest load() {
    if (data == null || data.isBlank()) {
      throw new SdlgmException(
          "no training data given: use --data SPEC ("
              + String.join(", ", MultiLabelSpecs.SCHEMES)
              + ")");
    }
    boolean hasTest = test != null && !test.isBlank();
    if (!(split == 0 || (split > 0 && split < 1))) {
      throw new SdlgmException(
          "--split must be a train fraction strictly between 0 and 1 (or 0"
              + " for none), got "
              + split);
    }
    if (hasTest && split > 0) {
      throw new SdlgmException("give either --test or --split, not both");
    }
    // Parse everything before loading anything: a typo in --test or --labels should not cost
    // the time it takes to read the training data.
    MultiLabelSource dataSource = MultiLabelSpecs.parse(data);
    MultiLabelSource testSource = hasTest ? MultiLabelSpecs.parse(test) : null;
    LabelChoice override =
        labels == null || labels.isBlank()
            ? null
            : LabelChoice.parse(
                labels, why -> new SdlgmException("--labels '" + labels + "': " + why));

    MultiLabelSource.Loaded loaded = dataSource.load(override, null);
    MultiLabelDataset train = loaded.train();
    requireRows(train, loaded.trainFrom());
    MultiLabelDataset testPart = loaded.test();
    String testFrom = loaded.testFrom();
    if (testSource != null) {
      MultiLabelSource.Loaded t = testSource.load(override, train);
      testPart = t.test() != null ? t.test() : t.train();
      testFrom = t.test() != null ? t.testFrom() : t.trainFrom();
    }
    if (testPart != null) {
      requireRows(testPart, testFrom);
    }
    if (testSource == null && split > 0) {
      if (testPart != null) {
        throw new SdlgmException(
            "data spec '"
                + data
                + "' has its own test part ("
                + testFrom
                + "); --split "
                + split
                + " would discard it: drop --split"
                + (dataSource.scheme().equals("synthetic-ml")
                    ? ", or set test=0 in the spec"
                    : ""));
      }
      return MultiLabelTrainTest.split(train, split, seed);
    }
    if (testPart != null) {
      requireCompatible(train, testPart, testFrom);
    }
    return new MultiLabelTrainTest(train, testPart);
  }

  /** An empty file (or an ARFF file with an empty {@code @data} section) has nothing to use. */
  private static void requireRows(MultiLabelDataset d, String from) {
    if (d.size() == 0) {
      throw new DataException(from + ": no rows");
    }
  }

  /**
   * Throws a {@link DataException} naming {@code testFrom} unless {@code test} has the training
   * set's number of features, and its label names in the same order (and its feature names, when
   * both sets have them: a reordered ARFF header would otherwise pass silently).
   */
  public static void requireCompatible(
      MultiLabelDataset train, MultiLabelDataset test, String testFrom) {
    if (test.numFeatures() != train.numFeatures()) {
      throw new DataException(
          testFrom
              + ": "
              + test.numFeatures()
              + " features, but the training data has "
              + train.numFeatures());
    }
    if (test.numLabels() != train.numLabels()) {
      throw new DataException(
          testFrom
              + ": "
              + test.numLabels()
              + " labels, but the training data has "
              + train.numLabels());
    }
    firstDifference(test.labelNames(), train.labelNames(), "label", testFrom);
    if (!test.featureNames().isEmpty() && !train.featureNames().isEmpty()) {
      firstDifference(test.featureNames(), train.featureNames(), "feature", testFrom);
    }
  }

  private static void firstDifference(
      List<String> test, List<String> train, String what, String testFrom) {
    for (int i = 0; i < test.size(); i++) {
      if (!test.get(i).equals(train.get(i))) {
        throw new DataException(
            testFrom
                + ": "
                + what
                + " "
                + i
                + " is '"
                + test.get(i)
                + "', but in the training data it is '"
                + train.get(i)
                + "' ("
                + what
                + "s must be the same and in the same order)");
      }
    }
  }
}
