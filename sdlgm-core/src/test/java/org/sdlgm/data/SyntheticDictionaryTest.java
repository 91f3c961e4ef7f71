package org.sdlgm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sdlgm.SdlgmException;

class SyntheticDictionaryTest {
  static SyntheticDictionary.Builder small() {
    return SyntheticDictionary.builder().n(300).test(50).atoms(12).dim(100).lmax(4);
  }

  @Test
  void sameSeedSameArraysDifferentSeedDifferent() {
    TrainTest a = small().seed(7).build().load();
    TrainTest b = small().seed(7).build().load();
    TrainTest c = small().seed(8).build().load();
    assertArrayEquals(a.train().features(), b.train().features());
    assertArrayEquals(a.test().features(), b.test().features());
    assertArrayEquals(a.train().trueLevels(), b.train().trueLevels());
    assertTrue(Arrays.deepEquals(a.train().trueSupports(), b.train().trueSupports()));
    assertTrue(Arrays.deepEquals(a.train().dictionary(), b.train().dictionary()));
    assertFalse(Arrays.equals(a.train().features(), c.train().features()));
    assertFalse(Arrays.deepEquals(a.train().dictionary(), c.train().dictionary()));
  }

  @Test
  void groundTruthIsConsistent() {
    for (SyntheticDictionary.Kind kind : SyntheticDictionary.Kind.values()) {
      TrainTest t = small().dim(784).kind(kind).build().load();
      for (Dataset d : new Dataset[] {t.train(), t.test()}) {
        assertTrue(d.hasGroundTruth());
        assertEquals(28, d.imageHeight());
        assertEquals(12, d.dictionary().length);
        assertEquals(784, d.dictionary()[0].length);
        for (int i = 0; i < d.size(); i++) {
          int l = d.trueLevels()[i];
          assertTrue(l >= 1 && l <= 4, "level " + l);
          int[] s = d.trueSupports()[i];
          assertEquals(l, s.length);
          for (int j = 0; j < s.length; j++) {
            assertTrue(s[j] >= 0 && s[j] < 12);
            assertTrue(
                j == 0 || s[j - 1] < s[j], "support sorted and distinct: " + Arrays.toString(s));
          }
        }
        float[] r = d.range();
        assertTrue(r[0] >= 0f && r[1] <= 1f, Arrays.toString(r));
      }
    }
  }

  @Test
  void everyLevelOccursAndAtomsHaveTheDocumentedShape() {
    Dataset d = small().build().load().train();
    int[] counts = new int[5];
    for (int l : d.trueLevels()) {
      counts[l]++;
    }
    for (int l = 1; l <= 4; l++) {
      assertTrue(counts[l] > 40, "level " + l + " drawn " + counts[l] + " times of 300");
    }
    for (float[] atom : d.dictionary()) {
      long on = 0;
      for (float v : atom) {
        assertTrue(v == 0f || (v >= 0.5f && v <= 1f));
        on += v != 0f ? 1 : 0;
      }
      assertEquals(10, on);
    }
    for (float[] atom :
        SyntheticDictionary.builder().kind(SyntheticDictionary.Kind.STROKES).build().dictionary()) {
      float max = 0;
      long on = 0;
      for (float v : atom) {
        max = Math.max(max, v);
        on += v > 0.5f ? 1 : 0;
      }
      assertTrue(max > 0.9f && max <= 1f, "stroke peak " + max);
      assertTrue(on >= 10 && on < 300, "stroke covers " + on + " pixels above 0.5");
    }
  }

  @Test
  void changingNKeepsTheDictionaryAndTheFirstRows() {
    TrainTest a = small().n(100).build().load();
    TrainTest b = small().n(200).build().load();
    assertTrue(Arrays.deepEquals(a.train().dictionary(), b.train().dictionary()));
    assertArrayEquals(a.train().features(), Arrays.copyOf(b.train().features(), 100 * 100));
  }

  @Test
  void noiseFreeExampleIsTheWeightedSumOfItsAtoms() {
    Dataset d = small().noise(0).wmin(1).wmax(1).build().load().train();
    float[][] dict = d.dictionary();
    for (int i = 0; i < 20; i++) {
      for (int f = 0; f < d.dim(); f++) {
        double sum = 0;
        for (int a : d.trueSupports()[i]) {
          sum += dict[a][f];
        }
        assertEquals(Math.min(1.0, sum), d.features()[i * d.dim() + f], 1e-6);
      }
    }
  }

  @Test
  void defaultSpecGivesTheReferenceSizes() {
    DataSource src = DataSpecs.parse("synthetic:");
    TrainTest t = src.load();
    assertEquals(10000, t.train().size());
    assertEquals(2000, t.test().size());
    assertEquals(784, t.train().dim());
    assertEquals(784, t.test().dim());
    assertEquals(32, t.train().dictionary().length);
    assertNotNull(t.train().trueLevels());
    assertEquals("synthetic:", src.spec());
  }

  /**
   * Pins the exact output so that any change to the generator (or a JDK whose arithmetic differs)
   * is noticed: models and reported numbers refer to data by spec string alone.
   */
  @Test
  void outputIsPinned() {
    assertEquals(7512487142038224896L, fingerprint("synthetic:n=20,test=5,kind=sparse"));
    assertEquals(6537628694997329175L, fingerprint("synthetic:n=20,test=5,kind=strokes"));
  }

  static long fingerprint(String spec) {
    TrainTest t = DataSpecs.parse(spec).load();
    long h = 1125899906842597L;
    for (Dataset d : new Dataset[] {t.train(), t.test()}) {
      for (float v : d.features()) {
        h = 31 * h + Float.floatToIntBits(v);
      }
      for (int l : d.trueLevels()) {
        h = 31 * h + l;
      }
    }
    return h;
  }

  @Test
  void invalidParametersAreRejected() {
    assertThrows(SdlgmException.class, () -> small().lmax(13).build());
    assertThrows(
        SdlgmException.class, () -> small().kind(SyntheticDictionary.Kind.STROKES).build());
    assertThrows(SdlgmException.class, () -> small().wmin(2).build());
    assertThrows(SdlgmException.class, () -> small().noise(-1).build());
    assertThrows(SdlgmException.class, () -> small().n(0).build());
  }
}
