package org.sdlgm.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PerClassTest {
  @Test
  void meansWithEmptyClass() {
    double[] m = PerClass.means(new int[] {1, 3, 4, 10}, new int[] {0, 0, 2, 2}, 3);
    assertEquals(2.0, m[0]);
    assertTrue(Double.isNaN(m[1]));
    assertEquals(7.0, m[2]);
    double[] d = PerClass.means(new double[] {0.5, 1.5}, new int[] {1, 1}, 2);
    assertTrue(Double.isNaN(d[0]));
    assertEquals(1.0, d[1]);
    assertThrows(
        IllegalArgumentException.class, () -> PerClass.means(new int[] {1}, new int[] {2}, 2));
  }
}
