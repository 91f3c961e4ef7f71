package org.sdlgm.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ConfusionTest {
  @Test
  void countsAndText() {
    int[] pred = {0, 1, 1, 2, 2, 2, 1};
    int[] truth = {0, 1, 2, 2, 2, 0, 1};
    Confusion c = Confusion.of(pred, truth, 3, 2);
    assertArrayEquals(new int[] {1, 0, 1, 0}, c.counts()[0]);
    assertArrayEquals(new int[] {0, 2, 0, 0}, c.counts()[1]);
    assertArrayEquals(new int[] {0, 1, 2, 0}, c.counts()[2]);
    assertEquals(7, c.total());
    assertEquals(5 / 7.0, c.exactMatchShare(), 1e-12);
    String expected =
        "truth\\pred 0 1 2 3\n"
            + "         0 1 0 1 0\n"
            + "         1 0 2 0 0\n"
            + "         2 0 1 2 0\n";
    assertEquals(expected, c.toText());
  }

  @Test
  void wideEntriesAlign() {
    int[] p = new int[12];
    int[] t = new int[12];
    String text = Confusion.of(p, t, 1, 0).toText();
    assertEquals("truth\\pred  0  1\n         0 12  0\n", text);
  }

  @Test
  void outOfRangeRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> Confusion.of(new int[] {3}, new int[] {0}, 2, 2));
    assertTrue(Double.isNaN(Confusion.of(new int[0], new int[0], 1, 1).exactMatchShare()));
  }
}
