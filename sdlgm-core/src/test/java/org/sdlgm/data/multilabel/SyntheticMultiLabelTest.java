package org.sdlgm.data.multilabel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sdlgm.SdlgmException;

class SyntheticMultiLabelTest {
  private static SyntheticMultiLabel.Builder smallBuilder() {
    return SyntheticMultiLabel.builder().n(300).test(100).features(2000).labels(200).lmax(4);
  }

  private static void assertSame(MultiLabelDataset a, MultiLabelDataset b) {
    assertEquals(a.size(), b.size());
    for (int r = 0; r < a.size(); r++) {
      assertArrayEquals(a.featureIndices(r), b.featureIndices(r));
      assertArrayEquals(a.featureValues(r), b.featureValues(r));
      assertArrayEquals(a.labels(r), b.labels(r));
    }
  }

  @Test
  void deterministicFromSeed() {
    MultiLabelTrainTest a = smallBuilder().seed(5).build().load();
    MultiLabelTrainTest b = smallBuilder().seed(5).build().load();
    assertSame(a.train(), b.train());
    assertSame(a.test(), b.test());
    MultiLabelTrainTest c = smallBuilder().seed(6).build().load();
    assertFalse(
        Arrays.equals(a.train().featureIndices(0), c.train().featureIndices(0))
            && Arrays.equals(a.train().labels(0), c.train().labels(0)));
    // Train and test rows come from separate streams: more training rows, same test rows.
    MultiLabelTrainTest more = smallBuilder().seed(5).n(500).build().load();
    assertSame(a.test(), more.test());
    assertArrayEquals(
        smallBuilder().seed(5).build().signature(17),
        smallBuilder().seed(5).n(1).test(0).build().signature(17));
  }

  @Test
  void shapesLabelSetSizesAndSignatures() {
    SyntheticMultiLabel g = smallBuilder().build();
    MultiLabelTrainTest tt = g.load();
    MultiLabelDataset train = tt.train();
    assertEquals(300, train.size());
    assertEquals(100, tt.test().size());
    assertEquals(2000, train.numFeatures());
    assertEquals(200, train.numLabels());
    assertEquals(List.of(), train.featureNames());
    assertEquals("synthetic-ml/train", train.name());
    assertEquals("synthetic-ml/test", tt.test().name());
    for (int c = 0; c < 200; c++) {
      int[] sig = g.signature(c);
      assertTrue(sig.length >= 10 && sig.length <= 30, "signature size " + sig.length);
      for (int i = 1; i < sig.length; i++) {
        assertTrue(sig[i] > sig[i - 1]);
      }
    }
    for (MultiLabelDataset d : List.of(train, tt.test())) {
      for (int r = 0; r < d.size(); r++) {
        int[] y = d.labels(r);
        assertTrue(y.length >= 1 && y.length <= 4, "|Y| = " + y.length);
        int[] x = d.featureIndices(r);
        for (int c : y) {
          // Every label leaves at least one trace of its signature in the row.
          assertTrue(Arrays.stream(g.signature(c)).anyMatch(j -> Arrays.binarySearch(x, j) >= 0));
        }
        for (float v : d.featureValues(r)) {
          assertEquals(1f, v);
        }
      }
    }
    // |Y| uniform on 1..lmax: mean near 2.5.
    assertEquals(2.5, train.labelCardinality(), 0.25);
  }

  @Test
  void emptyRowsZipfAndCounts() {
    MultiLabelDataset d =
        smallBuilder()
            .n(2000)
            .empty(0.3)
            .zipf(1.2)
            .values(SyntheticMultiLabel.Values.COUNT)
            .build()
            .load()
            .train();
    assertEquals(0.3, d.emptyLabelRows() / 2000.0, 0.05);
    int[] freq = new int[d.numLabels()];
    for (int r = 0; r < d.size(); r++) {
      assertTrue(d.labels(r).length <= 4);
      for (int c : d.labels(r)) {
        freq[c]++;
      }
    }
    int max = Arrays.stream(freq).max().getAsInt();
    double mean = Arrays.stream(freq).average().getAsDouble();
    assertTrue(max > 10 * mean, "Zipf head " + max + " vs mean " + mean);
    boolean above1 = false;
    for (int r = 0; r < d.size(); r++) {
      for (float v : d.featureValues(r)) {
        assertTrue(v >= 1 && v == Math.rint(v));
        above1 |= v > 1;
      }
    }
    assertTrue(above1);
  }

  /** The default extreme size is built sparse, quickly, with bounded non-zeros. */
  @Test
  void defaultExtremeScaleIsSparseAndFast() {
    long t0 = System.nanoTime();
    SyntheticMultiLabel g = SyntheticMultiLabel.builder().build();
    MultiLabelTrainTest tt = g.load();
    double seconds = (System.nanoTime() - t0) / 1e9;
    MultiLabelDataset train = tt.train();
    assertEquals(3000, train.size());
    assertEquals(1000, tt.test().size());
    assertEquals(100_000, train.numFeatures());
    assertEquals(10_000, train.numLabels());
    // lmax * sigmax + noise = 5 * 30 + 5 per row at most; expected ~3 * 20 * 0.5 + 5.
    assertTrue(train.numFeatureNonZeros() <= 3000 * 155);
    assertTrue(train.numFeatureNonZeros() < 3000 * 60, "nnz " + train.numFeatureNonZeros());
    // Generous bound for a shared 2-core machine; typically well under half a second.
    assertTrue(seconds < 5, "took " + seconds + " s");
  }

  /**
   * Learnability sanity check: scoring each label by the share of its signature present in the row
   * and taking the top |Y| recovers the true labels far above chance (|Y|/C).
   */
  @Test
  void nearestSignatureScorerRecoversLabels() {
    SyntheticMultiLabel g = SyntheticMultiLabel.builder().n(10).test(500).build();
    MultiLabelDataset test = g.load().test();
    int c = g.numLabels();
    List<List<Integer>> owners = new ArrayList<>();
    for (int j = 0; j < g.numFeatures(); j++) {
      owners.add(null);
    }
    int[] sigSize = new int[c];
    for (int l = 0; l < c; l++) {
      int[] sig = g.signature(l);
      sigSize[l] = sig.length;
      for (int j : sig) {
        if (owners.get(j) == null) {
          owners.set(j, new ArrayList<>());
        }
        owners.get(j).add(l);
      }
    }
    double[] score = new double[c];
    double hits = 0;
    double total = 0;
    for (int r = 0; r < test.size(); r++) {
      List<Integer> touched = new ArrayList<>();
      for (int j : test.featureIndices(r)) {
        if (owners.get(j) != null) {
          for (int l : owners.get(j)) {
            if (score[l] == 0) {
              touched.add(l);
            }
            score[l] += 1.0 / sigSize[l];
          }
        }
      }
      int[] y = test.labels(r);
      touched.sort((p, q) -> Double.compare(score[q], score[p]));
      for (int k = 0; k < y.length && k < touched.size(); k++) {
        if (Arrays.binarySearch(y, touched.get(k)) >= 0) {
          hits++;
        }
      }
      total += y.length;
      for (int l : touched) {
        score[l] = 0;
      }
    }
    double precision = hits / total;
    double chance = test.labelCardinality() / c;
    assertTrue(chance < 0.001);
    assertTrue(precision > 0.9, "R-precision " + precision);
  }

  @Test
  void badParametersNameTheProblem() {
    String m =
        assertThrows(
                SdlgmException.class, () -> SyntheticMultiLabel.builder().labels(3).lmax(5).build())
            .getMessage();
    assertTrue(m.contains("lmax must be in 1..labels (3)"), m);
    m =
        assertThrows(SdlgmException.class, () -> SyntheticMultiLabel.builder().sigMin(40).build())
            .getMessage();
    assertTrue(m.contains("sigmin"), m);
    assertThrows(SdlgmException.class, () -> SyntheticMultiLabel.builder().keep(0).build());
    assertThrows(SdlgmException.class, () -> SyntheticMultiLabel.builder().empty(1).build());
    // A tiny feature space still works (signatures by partial shuffle).
    MultiLabelDataset d =
        SyntheticMultiLabel.builder()
            .n(20)
            .test(0)
            .features(12)
            .labels(4)
            .lmax(4)
            .sigMin(10)
            .sigMax(12)
            .build()
            .load()
            .train();
    assertEquals(12, d.numFeatures());
  }
}
