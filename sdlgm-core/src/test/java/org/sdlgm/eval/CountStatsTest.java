package org.sdlgm.eval;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class CountStatsTest {
  @Test
  void smallFixture() {
    // counts 0,2,2,3,4,4 with cap 4: sum 15, mean 2.5, sorted median (2+3)/2 = 2.5
    // deviations -2.5,-.5,-.5,.5,1.5,1.5 -> ss = 6.25+.25+.25+.25+2.25+2.25 = 11.5 -> var 11.5/6
    CountStats s = CountStats.of(new int[] {4, 2, 0, 3, 4, 2}, 4);
    assertEquals(6, s.n());
    assertEquals(2.5, s.mean(), 1e-12);
    assertEquals(2.5, s.median(), 1e-12);
    assertEquals(Math.sqrt(11.5 / 6), s.std(), 1e-12);
    assertEquals(0, s.min());
    assertEquals(4, s.max());
    assertArrayEquals(new int[] {1, 0, 2, 1, 2}, s.histogram());
    assertEquals(2 / 6.0, s.shareAtCap(), 1e-12);
    assertEquals(0, s.overflow());
  }

  @Test
  void oddMedianAndOverflow() {
    CountStats s = CountStats.of(new int[] {1, 5, 3}, 3);
    assertEquals(3.0, s.median());
    assertEquals(5, s.max());
    assertEquals(1, s.overflow());
    assertArrayEquals(new int[] {0, 1, 0, 1}, s.histogram());
    assertEquals(1 / 3.0, s.shareAtCap(), 1e-12);
  }

  @Test
  void emptyAndNegative() {
    CountStats s = CountStats.of(new int[0], 2);
    assertEquals(0, s.n());
    assertTrue(Double.isNaN(s.mean()));
    assertEquals(3, s.histogram().length);
    assertThrows(IllegalArgumentException.class, () -> CountStats.of(new int[] {-1}, 2));
  }

  @Test
  void jacksonSerialises() throws Exception {
    JsonNode j = new ObjectMapper().valueToTree(CountStats.of(new int[] {1, 2}, 2));
    assertEquals(1.5, j.get("mean").asDouble());
    assertEquals(3, j.get("histogram").size());
    assertEquals(0.5, j.get("shareAtCap").asDouble());
  }
}
