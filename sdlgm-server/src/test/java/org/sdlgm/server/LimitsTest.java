package org.sdlgm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests at the edges of what the server takes: sizes, magnitudes and configured limits. */
class LimitsTest {
  private static SdlgmServer server;

  @BeforeAll
  static void start() {
    server = SdlgmServer.start(Fixtures.local(Fixtures.coder()).index(Fixtures.index()).build());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A dense row of 784 copies of {@code v}. */
  private static String dense(String v) {
    return "[" + (v + ",").repeat(783) + v + "]";
  }

  private static String codes(int n) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",")
          .append("{\"indices\": [")
          .append(i % 32)
          .append("], \"values\": [1]}");
    }
    return sb.append("]").toString();
  }

  /** "No limit" (the largest long) must not turn every body into an empty one. */
  @Test
  void theLargestBodyLimitStillReadsBodies() {
    try (SdlgmServer s =
        SdlgmServer.start(Fixtures.local(Fixtures.coder()).bodyLimit(Long.MAX_VALUE).build())) {
      Http.Response r = Http.post(s, "/v1/encode", "{\"inputs\": [" + dense("0.5") + "]}");
      assertEquals(200, r.status(), r.body());
      assertEquals(1, r.json().get("results").size());
    }
  }

  /**
   * Values too large for the model are finite, so the parser takes them, but the network's output
   * for them is NaN: that row is refused, naming it, rather than answered with "NaN" strings where
   * the API promises numbers.
   */
  @Test
  void rowsWhoseOutputIsNotFiniteAreRefusedByName() {
    String inputs = "[" + dense("0.5") + "," + dense("3e38") + "]";
    for (String route : new String[] {"/v1/encode", "/v1/search"}) {
      Http.Response r = Http.post(server, route, "{\"inputs\": " + inputs + "}");
      assertEquals(400, r.status(), route + " → " + r.body());
      assertEquals("inputs[1]", r.json().get("field").asText(), route + " → " + r.body());
      assertFalse(r.body().contains("NaN\""), r.body());
    }
    Http.Response recon =
        Http.post(
            server, "/v1/encode", "{\"inputs\": [" + dense("-1e30") + "], \"reconstruct\": true}");
    assertEquals(400, recon.status(), recon.body());
    assertEquals("inputs[0]", recon.json().get("field").asText());
  }

  /**
   * Rows and k each have a limit, but their product is the size of the answer (each hit carries its
   * code and stored input): 10,000 queries with k = 1000 would ask for ten million hits.
   */
  @Test
  void searchRefusesMoreHitsThanTheLimit() {
    Http.Response tooMany =
        Http.post(server, "/v1/search", "{\"codes\": " + codes(1001) + ", \"k\": 10}");
    assertEquals(400, tooMany.status(), tooMany.body());
    assertEquals("k", tooMany.json().get("field").asText());
    assertTrue(tooMany.json().get("error").asText().contains("10000"), tooMany.body());
    Http.Response fromInputs =
        Http.post(
            server,
            "/v1/search",
            "{\"inputs\": [" + (dense("0") + ",").repeat(20) + dense("0") + "], \"k\": 1000}");
    assertEquals(400, fromInputs.status(), fromInputs.body());
    assertEquals("k", fromInputs.json().get("field").asText());
    Http.Response atTheLimit =
        Http.post(server, "/v1/search", "{\"codes\": " + codes(10) + ", \"k\": 1000}");
    assertEquals(200, atTheLimit.status(), atTheLimit.body());
    assertEquals(10, atTheLimit.json().get("results").size());
  }
}
