package org.sdlgm.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SupportMetricsTest {
  @Test
  void microAveraged() {
    int[][] p = {{1, 2, 3}, {4}, {}, {7, 5}};
    int[][] t = {{2, 3}, {4, 6}, {}, {5, 7}};
    // |P∩T| = 2 + 1 + 0 + 2 = 5 ; Σ|P| = 6 ; Σ|T| = 6 ; exact rows: 3rd and 4th (order-free)
    SupportMetrics m = SupportMetrics.of(p, t);
    assertEquals(5 / 6.0, m.precision(), 1e-12);
    assertEquals(5 / 6.0, m.recall(), 1e-12);
    assertEquals(0.5, m.exactShare(), 1e-12);
  }

  @Test
  void duplicatesIgnoredAndEmptyDenominators() {
    SupportMetrics m = SupportMetrics.of(new int[][] {{1, 1}}, new int[][] {{1}});
    assertEquals(1.0, m.precision());
    assertEquals(1.0, m.exactShare());
    SupportMetrics e = SupportMetrics.of(new int[][] {{}}, new int[][] {{3}});
    assertTrue(Double.isNaN(e.precision()));
    assertEquals(0.0, e.recall());
  }
}
