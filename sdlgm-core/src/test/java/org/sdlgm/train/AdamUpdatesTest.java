package org.sdlgm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** Gradient clipping is symmetric (DJL's own Adam only clamps from above). */
class AdamUpdatesTest {
  @Test
  void clippingBoundsBothSigns() {
    System.setProperty("ai.djl.offline", "true");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray g = m.create(new float[] {-100f, -0.5f, 0f, 0.25f, 7f});
      try (NDArray c = AdamUpdates.clipped(g, 1f)) {
        assertArrayEquals(new float[] {-1f, -0.5f, 0f, 0.25f, 1f}, c.toFloatArray());
      }
    }
  }
}
