package org.sdlgm.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SpearmanTest {
  @Test
  void tiesUseAverageRanks() {
    // b ranks: 1, 2, 3.5, 5, 3.5 ; value checked against scipy.stats.spearmanr.
    assertEquals(
        0.8207826816681233,
        Spearman.correlation(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7}),
        1e-12);
    assertEquals(
        0.8207826816681233,
        Spearman.correlation(new int[] {1, 2, 3, 4, 5}, new int[] {5, 6, 7, 8, 7}),
        1e-12);
  }

  @Test
  void monotoneAndAntitone() {
    assertEquals(
        1.0,
        Spearman.correlation(new double[] {1, 5, 2, 9}, new double[] {10, 50, 20, 1000}),
        1e-12);
    assertEquals(-1.0, Spearman.correlation(new int[] {1, 2, 3, 4}, new int[] {4, 3, 2, 1}), 1e-12);
  }

  @Test
  void handComputedWithTiesOnBothSides() {
    // a ranks: 1.5, 1.5, 3, 4 ; b ranks: 1, 3, 3, 3 ; mean 2.5 each.
    // dx = -1, -1, .5, 1.5 ; dy = -1.5, .5, .5, .5 ; sxy = 1.5 -.5 +.25 +.75 = 2
    // sxx = 1+1+.25+2.25 = 4.5 ; syy = 2.25+.25*3 = 3 ; r = 2/sqrt(13.5)
    assertEquals(
        2 / Math.sqrt(13.5),
        Spearman.correlation(new int[] {0, 0, 1, 2}, new int[] {1, 2, 2, 2}),
        1e-12);
  }

  @Test
  void constantGivesNaN() {
    assertTrue(Double.isNaN(Spearman.correlation(new int[] {3, 3, 3}, new int[] {1, 2, 3})));
    assertTrue(Double.isNaN(Spearman.correlation(new double[] {1, 2, 3}, new double[] {7, 7, 7})));
    assertTrue(Double.isNaN(Spearman.correlation(new double[0], new double[0])));
  }

  @Test
  void lengthMismatchRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Spearman.correlation(new int[] {1}, new int[] {1, 2}));
  }

  @Test
  void signedZerosAreTiedValues() {
    // -0.0 == 0.0 numerically, so they share a rank (as in scipy.stats.spearmanr).
    // a ranks: 1.5, 1.5, 3 ; b ranks: 1, 2, 3 ; mean 2 each.
    // dx = -.5, -.5, 1 ; dy = -1, 0, 1 ; sxy = .5 + 0 + 1 = 1.5 ; sxx = .25 + .25 + 1 = 1.5 ;
    // syy = 2 ; r = 1.5 / sqrt(3) = sqrt(3)/2 ≈ 0.866 (ranking -0.0 below 0.0 would give 1).
    assertEquals(
        Math.sqrt(3) / 2,
        Spearman.correlation(new double[] {-0.0, 0.0, 1.0}, new double[] {1, 2, 3}),
        1e-12);
  }

  @Test
  void nanPropagates() {
    // A NaN has no rank; SciPy's default (nan_policy='propagate') returns NaN. Ranking it above
    // every number would report ranks 1, 3, 2 against 1, 2, 3, i.e. r = 0.5.
    assertTrue(
        Double.isNaN(
            Spearman.correlation(new double[] {1, Double.NaN, 3}, new double[] {1, 2, 3})));
    assertTrue(
        Double.isNaN(
            Spearman.correlation(new double[] {1, 2, 3}, new double[] {1, 2, Double.NaN})));
  }
}
