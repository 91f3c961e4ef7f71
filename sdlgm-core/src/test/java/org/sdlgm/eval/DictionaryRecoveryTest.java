package org.sdlgm.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DictionaryRecoveryTest {
  private static final float[][] TRUE = {{1, 2, 0, 0}, {0, 1, -1, 0}, {3, 0, 0, 4}};

  @Test
  void permutedSignFlippedScaledRecoversFully() {
    float[][] learned = {
      {0, 0, 0, 0}, // unused dimension: skipped
      {-6, 0, 0, -8}, // -2 × atom 2
      {0, 0.5f, -0.5f, 0}, // 0.5 × atom 1
      {-1, -2, 0, 0}, // -1 × atom 0
    };
    DictionaryRecovery r = DictionaryRecovery.of(TRUE, learned);
    assertEquals(1.0, r.mean(), 1e-9);
    assertEquals(1.0, r.min(), 1e-9);
    assertEquals(1.0, r.share90());
    assertArrayEquals(
        new int[] {-1, 2, 1, 0}, DictionaryRecovery.matchLearnedToTrue(TRUE, learned));
  }

  @Test
  void orthogonalGivesZero() {
    float[][] t = {{1, 0, 0, 0}, {0, 1, 0, 0}};
    float[][] l = {{0, 0, 1, 0}, {0, 0, 0, -2}};
    DictionaryRecovery r = DictionaryRecovery.of(t, l);
    assertEquals(0.0, r.mean(), 1e-12);
    assertEquals(0.0, r.min(), 1e-12);
    assertEquals(0.0, r.share90());
  }

  @Test
  void partialRecovery() {
    float[][] t = {{1, 0}, {0, 1}};
    float[][] l = {{1, 1}}; // cos = 1/√2 with both
    DictionaryRecovery r = DictionaryRecovery.of(t, l);
    assertEquals(Math.sqrt(0.5), r.mean(), 1e-9);
    assertEquals(0.0, r.share90());
    assertEquals(1.0, r.shareAbove(0.7));
    assertThrows(
        IllegalArgumentException.class, () -> DictionaryRecovery.of(new float[][] {{0, 0}}, l));
  }
}
