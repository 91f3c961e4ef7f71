package org.sdlgm.data.multilabel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sdlgm.SdlgmException;

class MultiLabelDatasetTest {
  /** 4 rows x 3 features x 3 labels; row r has feature r%3 = r+1 and label r%3. */
  static MultiLabelDataset small() {
    return new MultiLabelDataset(
        "small",
        3,
        List.of("a", "b", "c"),
        List.of("x", "y", "z"),
        new int[] {0, 1, 2, 3, 5},
        new int[] {0, 1, 2, 0, 2},
        new float[] {1, 2, 3, 4, 5},
        new int[] {0, 1, 2, 4, 4},
        new int[] {0, 1, 0, 2});
  }

  @Test
  void subsetKeepsRowsInGivenOrder() {
    MultiLabelDataset d = small();
    MultiLabelDataset s = d.subset(new int[] {3, 0, 3}, "pick");
    assertEquals("pick", s.name());
    assertEquals(3, s.size());
    assertEquals(d.labelNames(), s.labelNames());
    assertEquals(d.featureNames(), s.featureNames());
    assertArrayEquals(new int[] {0, 2}, s.featureIndices(0));
    assertArrayEquals(new float[] {4, 5}, s.featureValues(0));
    assertArrayEquals(new int[] {}, s.labels(0));
    assertArrayEquals(new int[] {0}, s.labels(1));
    assertEquals(5, s.numFeatureNonZeros());
    assertEquals("small", d.subset(new int[] {1}).name());
    assertThrows(IndexOutOfBoundsException.class, () -> d.subset(new int[] {4}));
    assertEquals("other", d.withName("other").name());
    assertEquals(d.size(), d.withName("other").size());
  }

  @Test
  void zeroCopyAccessAndDenseLabels() {
    MultiLabelDataset d = small();
    assertEquals(3, d.rowStart(3));
    assertEquals(5, d.rowEnd(3));
    assertEquals(2, d.featureIndexAt(4));
    assertEquals(5f, d.featureValueAt(4));
    assertEquals(2, d.labelCount(2));
    assertEquals(0, d.labelCount(3));
    float[] y = new float[2 * 3 + 1];
    y[6] = 9f;
    d.denseLabels(new int[] {0, 2, 1}, 1, 2, y);
    assertArrayEquals(new float[] {1, 0, 1, 0, 1, 0, 9f}, y);
    assertThrows(IndexOutOfBoundsException.class, () -> d.denseLabels(new int[] {0}, 0, 2, y));
    assertThrows(IndexOutOfBoundsException.class, () -> d.rowStart(4));
  }

  @Test
  void seededSplitIsAPartitionAndReproducible() {
    CsrBuilder csr = new CsrBuilder();
    for (int r = 0; r < 101; r++) {
      csr.addFeature(r % 50, r);
      csr.addLabel(r % 20);
      csr.endRow();
    }
    MultiLabelDataset d = csr.build("rows", 50, List.of(), Collections.nCopies(20, "l"));
    MultiLabelTrainTest a = MultiLabelTrainTest.split(d, 0.8, 7);
    MultiLabelTrainTest b = MultiLabelTrainTest.split(d, 0.8, 7);
    assertEquals(81, a.train().size());
    assertEquals(20, a.test().size());
    assertEquals("rows/train", a.train().name());
    assertEquals(rows(a.train()), rows(b.train()));
    assertNotEquals(rows(a.train()), rows(MultiLabelTrainTest.split(d, 0.8, 8).train()));
    Set<String> all = new HashSet<>(rows(a.train()));
    all.addAll(rows(a.test()));
    assertEquals(new HashSet<>(rows(d)), all);
    assertThrows(SdlgmException.class, () -> MultiLabelTrainTest.split(d, 1.0, 1));
    assertThrows(
        SdlgmException.class, () -> MultiLabelTrainTest.split(d.subset(new int[] {0}), 0.5, 1));
  }

  private static List<String> rows(MultiLabelDataset d) {
    List<String> out = new ArrayList<>();
    for (int r = 0; r < d.size(); r++) {
      out.add(
          java.util.Arrays.toString(d.featureIndices(r))
              + java.util.Arrays.toString(d.featureValues(r))
              + java.util.Arrays.toString(d.labels(r)));
    }
    return out;
  }
}
