package org.sdlgm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * 10,000 random and mutated request bodies against the parser of every POST route: none may get a
 * 5xx, and the server still answers afterwards.
 */
class FuzzTest {
  private static final List<String> SEEDS =
      List.of(
          "{\"inputs\": [{\"indices\": [3, 17, 200], \"values\": [0.5, 1, 0.25]}], \"reconstruct\": true}",
          "{\"inputs\": [[0, 0.5, 1, 0.25]], \"k\": 3}",
          "{\"codes\": [{\"indices\": [1, 5], \"values\": [1.5, -0.5]}], \"k\": 4}",
          "{\"inputs\": [{\"indices\": [], \"values\": []}, {\"indices\": [783], \"values\": [1e3]}], \"top\": 2}",
          "{\"inputs\": [[1e39, -0.0, 5]], \"k\": 1e9}");
  private static final String ALPHABET =
      "{}[]\":,.-+eE0123456789 truefalsnull\\u\n\tindicesvaluesinputscodesk";

  @Test
  void randomBodiesNeverGet5xx() {
    SplittableRandom rnd = new SplittableRandom(42);
    Map<Integer, Integer> statuses = new TreeMap<>();
    try (SdlgmServer s =
        SdlgmServer.start(
            Fixtures.local(Fixtures.coder())
                .index(Fixtures.index())
                .maxWait(Duration.ZERO)
                .build())) {
      String[] routes = {"/v1/encode", "/v1/search", "/v1/predict"};
      for (int i = 0; i < 10_000; i++) {
        String body = body(rnd);
        Http.Response r = Http.post(s, routes[i % routes.length], body);
        statuses.merge(r.status(), 1, Integer::sum);
        assertTrue(r.status() < 500, "body " + body + " → " + r.status() + " " + r.body());
        if (r.status() >= 400) {
          assertTrue(r.json().has("error"), r.body());
        }
      }
      assertEquals(200, Http.get(s, "/healthz").status());
      assertEquals(200, Http.post(s, "/v1/encode", SEEDS.get(0)).status());
    }
    System.out.println("fuzz statuses: " + statuses);
  }

  private static String body(SplittableRandom rnd) {
    int kind = rnd.nextInt(4);
    if (kind == 0) {
      // Random characters from JSON's alphabet.
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(80);
      for (int i = 0; i < n; i++) {
        sb.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
      }
      return sb.toString();
    }
    if (kind == 1) {
      // Deep or wide structures.
      int depth = 1 + rnd.nextInt(200);
      return "{\"inputs\": "
          + "[".repeat(depth)
          + "1"
          + "]".repeat(rnd.nextBoolean() ? depth : depth / 2)
          + "}";
    }
    StringBuilder sb = new StringBuilder(SEEDS.get(rnd.nextInt(SEEDS.size())));
    int edits = 1 + rnd.nextInt(kind == 2 ? 3 : 12);
    for (int e = 0; e < edits && sb.length() > 0; e++) {
      int at = rnd.nextInt(sb.length());
      switch (rnd.nextInt(4)) {
        case 0 -> sb.deleteCharAt(at);
        case 1 -> sb.insert(at, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
        case 2 -> sb.setCharAt(at, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
        default -> sb.insert(at, Integer.toString(rnd.nextInt() >> rnd.nextInt(32)));
      }
    }
    return sb.toString();
  }
}
