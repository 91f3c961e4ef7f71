package org.sdlgm.data;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.sdlgm.SdlgmException;

/**
 * Which data a run trains and tests on: a {@code --data} spec, and either a separate {@code --test}
 * spec, a seeded train/test split fraction, or the source's own official test part. Loading checks
 * that training and test rows have the same number of features, and numbers a separate test
 * source's classes by their label values as the training data numbers them.
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
    DataSource trainSource = DataSpecs.parse(data);
    TrainTest tt = trainSource.load();
    Dataset train = tt.train();
    Dataset testPart = tt.test();
    if (test != null && !test.isBlank()) {
      if (split > 0) {
        throw new SdlgmException("give either --test or --split, not both");
      }
      DataSource testSource = DataSpecs.parse(test);
      testPart = sameClasses(trainSource, train, testSource, testSource.load().train());
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

  /**
   * {@code test} with its labels renumbered as the training data numbers its classes. A CSV file
   * numbers its classes by the sorted distinct label values it holds itself (see {@link
   * CsvReader}), so a separate test file that lacks a class, or has one the training file lacks,
   * would otherwise give the same value another class number. Other sources use the value as the
   * class. A test value the training rows never had gets a class after the training ones.
   */
  private static Dataset sameClasses(
      DataSource trainSource, Dataset train, DataSource testSource, Dataset test) {
    if (!train.hasLabels() || !test.hasLabels()) {
      return test;
    }
    long[] trainValues = classValues(trainSource, train);
    long[] testValues = classValues(testSource, test);
    int[] renumber = new int[testValues.length];
    TreeMap<Long, Integer> unseen = new TreeMap<>();
    for (int c = 0; c < testValues.length; c++) {
      int k = Arrays.binarySearch(trainValues, testValues[c]);
      renumber[c] = k;
      if (k < 0) {
        unseen.put(testValues[c], 0);
      }
    }
    int next = trainValues.length;
    for (Map.Entry<Long, Integer> e : unseen.entrySet()) {
      e.setValue(next++);
    }
    int[] labels = test.labels();
    int[] out = new int[labels.length];
    boolean same = true;
    for (int i = 0; i < labels.length; i++) {
      int k = renumber[labels[i]];
      out[i] = k >= 0 ? k : unseen.get(testValues[labels[i]]);
      same &= out[i] == labels[i];
    }
    if (same) {
      return test;
    }
    return Dataset.builder(test.name(), test.dim(), test.features())
        .labels(out)
        .trueLevels(test.trueLevels())
        .trueSupports(test.trueSupports())
        .dictionary(test.dictionary())
        .imageShape(test.imageHeight(), test.imageWidth())
        .build();
  }

  /** The label value of each class of {@code d}, ascending: a CSV file's own, else the identity. */
  private static long[] classValues(DataSource source, Dataset d) {
    if (source instanceof CsvReader csv && csv.classValues() != null) {
      return csv.classValues();
    }
    long[] v = new long[d.numClasses()];
    Arrays.setAll(v, c -> c);
    return v;
  }
}
