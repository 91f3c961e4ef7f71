package org.sdlgm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sdlgm.SdlgmException;

/** Fitting, applying and storing {@link InputScaling}. */
class InputScalingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** 3 columns: 0..16 integers, a constant 0.1, and values around −5 with spread. */
  private static Dataset train() {
    float[] x = {
      0f, 0.1f, -7f,
      16f, 0.1f, -5f,
      4f, 0.1f, -3f,
      8f, 0.1f, -5f
    };
    return Dataset.builder("t", 3, x).labels(new int[] {0, 1, 0, 1}).imageShape(1, 3).build();
  }

  private static InputScaling roundTrip(InputScaling s) throws Exception {
    String json = JSON.writeValueAsString(s);
    InputScaling back = JSON.readValue(json, InputScaling.class);
    assertEquals(s, back, json);
    return back;
  }

  @Test
  void noneIsTheIdentityAndKeepsTheDataset() throws Exception {
    Dataset d = train();
    InputScaling s = InputScaling.fit(d, InputScaling.Kind.NONE);
    assertTrue(s.isIdentity());
    assertSame(d, s.apply(d));
    assertNull(s.offset());
    String json = JSON.writeValueAsString(s);
    assertFalse(json.contains("identity") || json.contains("offset"), json);
    assertEquals(InputScaling.none(3), roundTrip(s));
    // Without clipping, none leaves even values outside [0,1] alone.
    assertArrayEquals(new float[] {16f, -2f, 0.5f}, s.apply(new float[] {16f, -2f, 0.5f}, 1));
  }

  @Test
  void minmaxMapsTrainingColumnsOntoTheUnitInterval() throws Exception {
    Dataset d = train();
    InputScaling s = InputScaling.fit(d, InputScaling.Kind.MINMAX);
    assertArrayEquals(new float[] {0f, 0.1f, -7f}, s.offset());
    assertArrayEquals(new float[] {16f, 1f, 4f}, s.scale());
    Dataset scaled = s.apply(d);
    assertArrayEquals(
        new float[] {
          0f, 0f, 0f,
          1f, 0f, 0.5f,
          0.25f, 0f, 1f,
          0.5f, 0f, 0.5f
        },
        scaled.features());
    // Side information travels with the rows; the source is untouched.
    assertArrayEquals(d.labels(), scaled.labels());
    assertEquals(3, scaled.imageWidth());
    assertEquals(16f, d.features()[3]);
    assertNull(s.firstOutsideUnit(d));

    // Later rows outside the training range leave [0,1] unless clipped.
    float[] later = {32f, 0.1f, -9f};
    assertArrayEquals(new float[] {2f, 0f, -0.5f}, s.apply(later, 1));
    InputScaling clipped = roundTrip(s.withClip(true));
    assertTrue(clipped.clip());
    assertArrayEquals(new float[] {1f, 0f, 0f}, clipped.apply(later, 1));
    assertEquals(32f, later[0], "apply(float[], n) must not change its input");
  }

  @Test
  void minmaxNeverRoundsATrainingValueAboveOne() {
    SplittableRandom rnd = new SplittableRandom(3);
    int n = 2000;
    int d = 7;
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (rnd.nextDouble(-1e3, 1e3) * Math.pow(10, rnd.nextInt(-3, 4)));
    }
    Dataset data = Dataset.builder("r", d, x).build();
    InputScaling s = InputScaling.fit(data, InputScaling.Kind.MINMAX);
    assertNull(s.firstOutsideUnit(data));
  }

  @Test
  void standardizeGivesZeroMeanUnitSpreadAndScaleOneForConstants() throws Exception {
    Dataset d = train();
    InputScaling s = roundTrip(InputScaling.fit(d, InputScaling.Kind.STANDARDIZE));
    float[] off = s.offset();
    float[] sc = s.scale();
    assertEquals(7f, off[0], 1e-6);
    assertEquals(Math.sqrt((49 + 81 + 9 + 1) / 4.0), sc[0], 1e-5);
    // The constant column: 0.1 is not exact in binary, its mean may be off by an ulp, yet the
    // scale is 1 and every row maps to (almost) 0 rather than to ±1.
    assertEquals(1f, sc[1]);
    float[] z = s.apply(d).features();
    double mean0 = 0;
    double var0 = 0;
    for (int r = 0; r < 4; r++) {
      mean0 += z[r * 3] / 4.0;
      var0 += z[r * 3] * z[r * 3] / 4.0;
      assertEquals(0f, z[r * 3 + 1], 1e-7);
    }
    assertEquals(0, mean0, 1e-6);
    assertEquals(1, var0, 1e-5);
    InputScaling.Outlier o = s.firstOutsideUnit(d);
    assertEquals(0, o.row());
    assertEquals(0, o.column());
    assertEquals(0f, o.value());
    assertTrue(o.scaled() < 0);
  }

  @Test
  void firstOutsideUnitFindsTheFirstValueInRowOrder() {
    float[] x = {0f, 1f, 0.5f, 0.5f, 2f, 0.5f, -1f, 0f, 0f};
    InputScaling.Outlier o =
        InputScaling.none(3).firstOutsideUnit(Dataset.builder("x", 3, x).build());
    assertEquals(new InputScaling.Outlier(1, 1, 2f, 2f), o);
  }

  @Test
  void badFilesAndWidthsFail() {
    assertThrows(
        Exception.class,
        () ->
            JSON.readValue(
                "{\"kind\":\"minmax\",\"dim\":2,\"offset\":[0],\"scale\":[1,1]}",
                InputScaling.class));
    assertThrows(
        Exception.class,
        () ->
            JSON.readValue(
                "{\"kind\":\"standardize\",\"dim\":1,\"offset\":[0],\"scale\":[0]}",
                InputScaling.class));
    assertThrows(
        Exception.class, () -> JSON.readValue("{\"kind\":\"log\",\"dim\":1}", InputScaling.class));
    SdlgmException e = assertThrows(SdlgmException.class, () -> InputScaling.Kind.of("zscore"));
    assertTrue(e.getMessage().contains("minmax"), e.getMessage());
    assertEquals(InputScaling.Kind.MINMAX, InputScaling.Kind.of("MinMax"));
    InputScaling s = InputScaling.fit(train(), InputScaling.Kind.MINMAX);
    assertThrows(
        SdlgmException.class, () -> s.apply(Dataset.builder("w", 2, new float[4]).build()));
  }
}
