package org.sdlgm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sdlgm.SdlgmException;

class SplitsTest {
  /** Row i has the single feature i and label i % 3, so rows can be traced through a split. */
  static Dataset rows(int n) {
    float[] f = new float[n];
    int[] l = new int[n];
    for (int i = 0; i < n; i++) {
      f[i] = i;
      l[i] = i % 3;
    }
    return Dataset.builder("rows", 1, f).labels(l).build();
  }

  @Test
  void splitIsASeededPartition() {
    Dataset d = rows(100);
    TrainTest t = Splits.split(d, 0.8, 5);
    assertEquals(80, t.train().size());
    assertEquals(20, t.test().size());
    float[] all = new float[100];
    System.arraycopy(t.train().features(), 0, all, 0, 80);
    System.arraycopy(t.test().features(), 0, all, 80, 20);
    float[] sorted = all.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < 100; i++) {
      assertEquals(i, sorted[i]);
    }
    for (int i = 0; i < 80; i++) {
      assertEquals((int) t.train().features()[i] % 3, t.train().labels()[i]);
    }
    assertArrayEquals(t.train().features(), Splits.split(d, 0.8, 5).train().features());
    assertFalse(Arrays.equals(t.train().features(), Splits.split(d, 0.8, 6).train().features()));
    // A shuffle, not an index cut.
    assertFalse(Arrays.equals(Arrays.copyOf(sorted, 80), t.train().features()));
  }

  @Test
  void validationHoldsOutTheFraction() {
    TrainTest t = Splits.validation(rows(50), 0.2, 1);
    assertEquals(40, t.train().size());
    assertEquals(10, t.test().size());
    assertTrue(t.test().name().endsWith("/validation"));
  }

  @Test
  void badFractionsAndTinyDatasets() {
    assertThrows(SdlgmException.class, () -> Splits.split(rows(10), 0, 1));
    assertThrows(SdlgmException.class, () -> Splits.split(rows(10), 1, 1));
    assertThrows(SdlgmException.class, () -> Splits.split(rows(10), Double.NaN, 1));
    assertThrows(SdlgmException.class, () -> Splits.split(rows(1), 0.5, 1));
    TrainTest t = Splits.split(rows(2), 0.99, 1);
    assertEquals(1, t.test().size());
  }
}
