package org.sdlgm.data.multilabel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataException;
import org.sdlgm.data.SharedData;

class FeatureTransformTest {
  private static final float EPS = 1e-6f;

  /**
   * The 3×4 fixture
   *
   * <pre>
   *   1 2 0 0
   *   0 1 3 0
   *   2 0 0 4
   * </pre>
   *
   * (density 0.5, non-negative).
   */
  static MultiLabelDataset fixture() {
    return new MultiLabelDataset(
        "fixture",
        4,
        List.of("a", "b", "c", "d"),
        List.of("y"),
        new int[] {0, 2, 4, 6},
        new int[] {0, 1, 1, 2, 0, 3},
        new float[] {1, 2, 1, 3, 2, 4},
        new int[] {0, 1, 1, 2},
        new int[] {0, 0});
  }

  private static float[] dense(FeatureTransform t, MultiLabelDataset d) {
    float[] out = new float[d.size() * d.numFeatures()];
    t.denseRows(d, 0, d.size(), out);
    return out;
  }

  @Test
  void tfidfMatchesSmoothIdfAndL2Rows() {
    FeatureTransform t = FeatureTransform.fit(FeatureTransform.Kind.TFIDF, fixture());
    assertEquals(FeatureTransform.Kind.TFIDF, t.kind());
    // df = 2, 2, 1, 1 over n = 3: idf = ln(4/3) + 1 and ln(4/2) + 1.
    float a = (float) (Math.log(4.0 / 3) + 1);
    float b = (float) (Math.log(2.0) + 1);
    assertArrayEquals(new float[] {a, a, b, b}, t.idf(), EPS);
    assertNull(t.mean());
    // Row 0: (1a, 2a) / (a·√5); row 1: (a, 3b) / √(a² + 9b²); row 2: (2a, 4b) / √(4a² + 16b²).
    assertArrayEquals(
        new float[] {
          0.447213595f,
          0.894427191f,
          0,
          0,
          0,
          0.245735253f,
          0.969336982f,
          0,
          0.355432468f,
          0,
          0,
          0.934701964f
        },
        dense(t, fixture()),
        EPS);
  }

  @Test
  void standardizeCountsImplicitZeros() {
    FeatureTransform t = FeatureTransform.fit(FeatureTransform.Kind.STANDARDIZE, fixture());
    // Column d = (0, 0, 4): mean 4/3, population std √(32/9) = 1.885618.
    assertArrayEquals(new float[] {1, 1, 1, 4f / 3}, t.mean(), EPS);
    assertArrayEquals(
        new float[] {0.816496581f, 0.816496581f, 1.414213562f, 1.885618083f}, t.std(), EPS);
    assertArrayEquals(
        new float[] {
          0,
          1.224744871f,
          -0.707106781f,
          -0.707106781f,
          -1.224744871f,
          0,
          1.414213562f,
          -0.707106781f,
          1.224744871f,
          -1.224744871f,
          -0.707106781f,
          1.414213562f
        },
        dense(t, fixture()),
        EPS);
  }

  @Test
  void constantFeatureGetsScaleOne() {
    MultiLabelDataset d =
        new MultiLabelDataset(
            "const",
            2,
            List.of(),
            List.of("y"),
            new int[] {0, 2, 4},
            new int[] {0, 1, 0, 1},
            new float[] {0.1f, 5, 0.1f, 5},
            new int[] {0, 0, 0},
            new int[] {});
    FeatureTransform t = FeatureTransform.fit(FeatureTransform.Kind.STANDARDIZE, d);
    assertArrayEquals(new float[] {1, 1}, t.std());
    assertArrayEquals(new float[] {0, 0, 0, 0}, dense(t, d), EPS);
  }

  @Test
  void binaryNoneAndSelectedRows() {
    MultiLabelDataset d = fixture();
    FeatureTransform bin = FeatureTransform.fit(FeatureTransform.Kind.BINARY, d);
    float[] out = new float[2 * 4 + 1];
    out[8] = 7f;
    bin.denseRows(d, new int[] {2, 0, 1}, 1, 2, out);
    assertArrayEquals(new float[] {1, 1, 0, 0, 0, 1, 1, 0, 7f}, out);
    FeatureTransform none = FeatureTransform.fit(FeatureTransform.Kind.NONE, d);
    assertEquals(FeatureTransform.none(4), none);
    none.denseRows(d, 2, 1, out);
    assertArrayEquals(new float[] {2, 0, 0, 4}, java.util.Arrays.copyOf(out, 4));
    // Dense batches match the data set's own densification.
    float[] raw = new float[12];
    d.denseBatch(0, 3, raw);
    assertArrayEquals(raw, dense(none, d));
    assertThrows(IndexOutOfBoundsException.class, () -> none.denseRows(d, 2, 2, out));
  }

  @Test
  void autoResolvesFromDensityAndSign() {
    assertEquals(
        FeatureTransform.Kind.STANDARDIZE,
        FeatureTransform.fit(FeatureTransform.Kind.AUTO, fixture()).kind());
    // The fixture's values in 8 columns: density 0.25.
    MultiLabelDataset sparse =
        new MultiLabelDataset(
            "sparse",
            8,
            List.of(),
            List.of("y"),
            new int[] {0, 2, 4, 6},
            new int[] {0, 1, 1, 2, 0, 3},
            new float[] {1, 2, 1, 3, 2, 4},
            new int[] {0, 0, 0, 0},
            new int[] {});
    assertEquals(
        FeatureTransform.Kind.TFIDF,
        FeatureTransform.fit(FeatureTransform.Kind.AUTO, sparse).kind());
    MultiLabelDataset negative =
        new MultiLabelDataset(
            "neg",
            8,
            List.of(),
            List.of("y"),
            new int[] {0, 1, 2},
            new int[] {0, 5},
            new float[] {1, -2},
            new int[] {0, 0, 0},
            new int[] {});
    assertEquals(
        FeatureTransform.Kind.NONE,
        FeatureTransform.fit(FeatureTransform.Kind.AUTO, negative).kind());
    assertThrows(
        IllegalArgumentException.class,
        () -> new FeatureTransform(FeatureTransform.Kind.AUTO, 1, null, null, null));
  }

  @Test
  void jsonRoundTrip() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (FeatureTransform.Kind k : FeatureTransform.Kind.values()) {
      FeatureTransform t = FeatureTransform.fit(k, fixture());
      String s = json.writeValueAsString(t);
      assertFalse(s.contains("auto"), s);
      FeatureTransform back = json.readValue(s, FeatureTransform.class);
      assertEquals(t, back);
      assertEquals(t.hashCode(), back.hashCode());
      assertArrayEquals(dense(t, fixture()), dense(back, fixture()));
    }
    String tfidf =
        json.writeValueAsString(FeatureTransform.fit(FeatureTransform.Kind.TFIDF, fixture()));
    assertTrue(tfidf.contains("\"kind\":\"tfidf\"") && !tfidf.contains("mean"), tfidf);
    assertThrows(
        Exception.class,
        () ->
            json.readValue(
                "{\"kind\":\"standardize\",\"numFeatures\":2,\"mean\":[0,0]}",
                FeatureTransform.class));
  }

  @Test
  void rejectsNonFiniteAndMismatchedInput() {
    MultiLabelDataset nan =
        new MultiLabelDataset(
            "bad.arff",
            2,
            List.of("p", "q"),
            List.of("y"),
            new int[] {0, 1, 2},
            new int[] {0, 1},
            new float[] {1, Float.NaN},
            new int[] {0, 0, 0},
            new int[] {});
    String m =
        assertThrows(
                DataException.class, () -> FeatureTransform.fit(FeatureTransform.Kind.NONE, nan))
            .getMessage();
    assertTrue(m.contains("bad.arff: row 2, feature 1 ('q') is NaN"), m);
    FeatureTransform t = FeatureTransform.fit(FeatureTransform.Kind.TFIDF, fixture());
    m = assertThrows(DataException.class, () -> t.denseRows(nan, 0, 1, new float[8])).getMessage();
    assertTrue(m.contains("bad.arff: 2 features, but the feature transform was fitted on 4"), m);
    m = assertThrows(SdlgmException.class, () -> FeatureTransform.Kind.of("tf-idf")).getMessage();
    assertTrue(m.contains("none, binary, tfidf, standardize, auto"), m);
    assertEquals(FeatureTransform.Kind.STANDARDIZE, FeatureTransform.Kind.of("Standardize"));
    // Accessors hand out copies: the recorded statistics cannot be changed from outside.
    t.idf()[0] = 99f;
    assertTrue(t.idf()[0] < 2f);
  }

  private static MultiLabelDataset shared(String set) {
    Path dir = SharedData.dir().resolve(set);
    Path arff = dir.resolve(set + "-train.arff.gz");
    Path xml = dir.resolve(set + ".xml");
    Assumptions.assumeTrue(
        Files.isRegularFile(arff) && Files.isRegularFile(xml),
        "skipping: " + arff + " or " + xml + " not found");
    return ArffReader.read(arff, LabelSpec.xml(xml));
  }

  @Test
  void autoOnBibtexIsTfidf() {
    MultiLabelDataset d = shared("bibtex");
    FeatureTransform t = FeatureTransform.fit(FeatureTransform.Kind.AUTO, d);
    assertEquals(FeatureTransform.Kind.TFIDF, t.kind());
    float[] batch = new float[16 * d.numFeatures()];
    t.denseRows(d, 0, 16, batch);
    for (int r = 0; r < 16; r++) {
      double sq = 0;
      for (int j = 0; j < d.numFeatures(); j++) {
        sq += batch[r * d.numFeatures() + j] * batch[r * d.numFeatures() + j];
      }
      assertEquals(d.rowEnd(r) > d.rowStart(r) ? 1.0 : 0.0, sq, 1e-5);
    }
  }

  @Test
  void autoOnYeastIsStandardize() {
    MultiLabelDataset d = shared("yeast");
    FeatureTransform t = FeatureTransform.fit(FeatureTransform.Kind.AUTO, d);
    assertEquals(FeatureTransform.Kind.STANDARDIZE, t.kind());
    // Transformed training columns have mean 0 and variance 1.
    int dim = d.numFeatures();
    float[] all = new float[d.size() * dim];
    t.denseRows(d, 0, d.size(), all);
    for (int j = 0; j < dim; j++) {
      double s = 0;
      double ss = 0;
      for (int r = 0; r < d.size(); r++) {
        s += all[r * dim + j];
        ss += all[r * dim + j] * all[r * dim + j];
      }
      assertEquals(0, s / d.size(), 1e-4);
      assertEquals(1, ss / d.size(), 1e-3);
    }
  }
}
