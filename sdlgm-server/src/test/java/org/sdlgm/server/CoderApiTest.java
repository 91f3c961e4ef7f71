package org.sdlgm.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.Dataset;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;

/** The API of a server with an unsupervised coder, an index and example data. */
class CoderApiTest {
  private static SdlgmServer server;
  private static Dataset test;

  @BeforeAll
  static void start() {
    server =
        SdlgmServer.start(
            Fixtures.local(Fixtures.coder())
                .index(Fixtures.index())
                .data(Fixtures.IMAGES)
                .part("test")
                .build());
    test = new DataPlan(Fixtures.IMAGES, null, 0, 1).load().test();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static float[] rows(int from, int n) {
    float[] x = new float[n * test.dim()];
    test.copyRows(from, from + n, x);
    return x;
  }

  private static ArrayNode dense(float[] x, int n, int d) {
    ArrayNode inputs = Json.MAPPER.createArrayNode();
    for (int i = 0; i < n; i++) {
      ArrayNode row = inputs.addArray();
      for (int j = 0; j < d; j++) {
        row.add(x[i * d + j]);
      }
    }
    return inputs;
  }

  private static float[] floats(JsonNode a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = a.get(i).floatValue();
    }
    return f;
  }

  private static int[] ints(JsonNode a) {
    int[] f = new int[a.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = a.get(i).intValue();
    }
    return f;
  }

  @Test
  void encodeGivesWhatTheLibraryGives() {
    int n = 7;
    int d = test.dim();
    float[] x = rows(3, n);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("inputs", dense(x, n, d));
    Http.Response r = Http.post(server, "/v1/encode", body);
    assertEquals(200, r.status(), r.body());
    JsonNode results = r.json().get("results");
    assertEquals(n, results.size());
    List<SparseCode> expected;
    try (SparseCoder c = ModelDirectory.loadCoder(Fixtures.coder())) {
      expected = c.encode(x, n, n);
    }
    for (int i = 0; i < n; i++) {
      JsonNode got = results.get(i);
      SparseCode e = expected.get(i);
      assertEquals(i, got.get("id").intValue());
      assertEquals(e.level(), got.get("L").intValue());
      assertArrayEquals(e.indices(), ints(got.get("indices")));
      assertArrayEquals(e.values(), floats(got.get("values")));
      assertArrayEquals(e.levelProbs(), floats(got.get("pL")));
      assertTrue(e.nnz() <= 6, "at most L0 non-zeros");
      assertFalse(got.has("reconstruction"));
    }
  }

  @Test
  void requestsOfManyRowsInEitherFormEncodeEveryRow() {
    // The parser's row arrays grow as rows arrive: 100 rows cross several of their doublings.
    int n = test.size();
    int d = test.dim();
    float[] x = rows(0, n);
    ObjectNode denseBody = Json.MAPPER.createObjectNode();
    denseBody.set("inputs", dense(x, n, d));
    ObjectNode sparseBody = Json.MAPPER.createObjectNode();
    ArrayNode inputs = sparseBody.putArray("inputs");
    for (int i = 0; i < n; i++) {
      ObjectNode row = inputs.addObject();
      ArrayNode idx = row.putArray("indices");
      ArrayNode val = row.putArray("values");
      for (int j = 0; j < d; j++) {
        if (x[i * d + j] != 0f) {
          idx.add(j);
          val.add(x[i * d + j]);
        }
      }
    }
    List<SparseCode> expected;
    try (SparseCoder c = ModelDirectory.loadCoder(Fixtures.coder())) {
      expected = c.encode(x, n, n);
    }
    for (ObjectNode body : List.of(denseBody, sparseBody)) {
      Http.Response r = Http.post(server, "/v1/encode", body);
      assertEquals(200, r.status(), r.body());
      JsonNode results = r.json().get("results");
      assertEquals(n, results.size());
      for (int i = 0; i < n; i++) {
        assertArrayEquals(expected.get(i).indices(), ints(results.get(i).get("indices")));
        assertArrayEquals(expected.get(i).values(), floats(results.get(i).get("values")));
      }
    }
  }

  @Test
  void sparseInputsEqualDenseOnesAndReconstructionsHaveTheInputWidth() {
    int d = test.dim();
    float[] x = rows(10, 1);
    ObjectNode sparse = Json.MAPPER.createObjectNode();
    ObjectNode row = sparse.putArray("inputs").addObject();
    // Given in descending order: the server sorts them.
    ArrayNode idx = row.putArray("indices");
    ArrayNode val = row.putArray("values");
    for (int j = d - 1; j >= 0; j--) {
      if (x[j] != 0f) {
        idx.add(j);
        val.add(x[j]);
      }
    }
    sparse.put("reconstruct", true);
    ObjectNode denseBody = Json.MAPPER.createObjectNode();
    denseBody.set("inputs", dense(x, 1, d));
    JsonNode a = Http.post(server, "/v1/encode", sparse).json().get("results").get(0);
    JsonNode b = Http.post(server, "/v1/encode", denseBody).json().get("results").get(0);
    assertEquals(b.get("indices"), a.get("indices"));
    assertEquals(b.get("values"), a.get("values"));
    assertEquals(d, a.get("reconstruction").size());
    for (JsonNode v : a.get("reconstruction")) {
      assertTrue(v.floatValue() >= 0f && v.floatValue() <= 1f, "Bernoulli mean in [0,1]");
    }
  }

  @Test
  void badRequestsNameTheField() {
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("{\"inputs\": [[1, 2, 3]]}", "inputs[0]");
    cases.put(
        "{\"inputs\": [{\"indices\": [1, 900], \"values\": [1, 2]}]}", "inputs[0].indices[1]");
    cases.put("{\"inputs\": [{\"indices\": [1, 1], \"values\": [1, 2]}]}", "inputs[0].indices");
    cases.put("{\"inputs\": [{\"indices\": [1], \"values\": [1, 2]}]}", "inputs[0].values");
    cases.put("{\"inputs\": [{\"indices\": [1], \"values\": [\"x\"]}]}", "inputs[0].values[0]");
    cases.put("{\"inputs\": []}", "inputs");
    cases.put("{\"inputs\": 5}", "inputs");
    cases.put("{}", "inputs");
    cases.put("{\"inputs\": [[0]], \"reconstruct\": 1}", "inputs[0]");
    for (var c : cases.entrySet()) {
      Http.Response r = Http.post(server, "/v1/encode", c.getKey());
      assertEquals(400, r.status(), c.getKey());
      assertEquals(c.getValue(), r.json().get("field").asText(), c.getKey() + " → " + r.body());
      assertFalse(r.body().contains("at org."), "no stack trace");
    }
    Http.Response k =
        Http.post(
            server, "/v1/search", "{\"codes\": [{\"indices\": [1], \"values\": [1]}], \"k\": 0}");
    assertEquals(400, k.status());
    assertEquals("k", k.json().get("field").asText());
  }

  @Test
  void malformedJsonIs400WithoutAField() {
    for (String body :
        List.of("{\"inputs\": [[1, 2", "not json", "", "[1, 2]", "{} {}", "{\"a\":1}x")) {
      Http.Response r = Http.post(server, "/v1/encode", body);
      assertEquals(400, r.status(), body + " → " + r.body());
      assertTrue(r.json().get("field").isNull());
      assertFalse(r.json().get("error").asText().isEmpty());
    }
  }

  @Test
  void oversizedBodiesAre413() {
    String big = "{\"inputs\": [[" + "0,".repeat(600_000) + "0]]}";
    Http.Response r = Http.post(server, "/v1/encode", big);
    assertEquals(413, r.status(), r.body());
    assertTrue(r.json().get("error").asText().contains("limit"));
  }

  @Test
  void unknownRoutesAre404AndWrongMethods405() {
    Http.Response r = Http.get(server, "/v1/nothing");
    assertEquals(404, r.status());
    assertTrue(r.json().get("error").asText().contains("/v1/nothing"));
    Http.Response m = Http.get(server, "/v1/encode");
    assertEquals(405, m.status(), m.body());
    assertTrue(m.json().has("error"));
    Http.Response d =
        Http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/model")).DELETE());
    assertEquals(405, d.status());
  }

  @Test
  void predictNeedsATagger() {
    Http.Response r = Http.post(server, "/v1/predict", "{\"inputs\": [[0]]}");
    assertEquals(400, r.status());
    assertTrue(r.json().get("error").asText().contains("/v1/encode"));
  }

  @Test
  void searchReturnsExactDotProductsWithStoredInputs() {
    int d = test.dim();
    float[] x = rows(0, 2);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("inputs", dense(x, 2, d));
    body.put("k", 5);
    Http.Response r = Http.post(server, "/v1/search", body);
    assertEquals(200, r.status(), r.body());
    JsonNode results = r.json().get("results");
    assertEquals(2, results.size());
    for (JsonNode q : results) {
      JsonNode hits = q.get("hits");
      assertEquals(5, hits.size());
      float[] qd = new float[32];
      int[] qi = ints(q.get("query").get("indices"));
      float[] qv = floats(q.get("query").get("values"));
      for (int t = 0; t < qi.length; t++) {
        qd[qi[t]] = qv[t];
      }
      double prev = Double.POSITIVE_INFINITY;
      for (JsonNode h : hits) {
        double dot = 0;
        int[] hi = ints(h.get("indices"));
        float[] hv = floats(h.get("values"));
        for (int t = 0; t < hi.length; t++) {
          dot += (double) qd[hi[t]] * hv[t];
        }
        assertEquals(dot, h.get("score").doubleValue(), 1e-4);
        assertTrue(h.get("score").doubleValue() <= prev + 1e-9, "best first");
        prev = h.get("score").doubleValue();
        assertTrue(h.get("id").asText().startsWith("train-"));
        assertEquals(d, h.get("input").size());
      }
    }
    // The same search by the code itself.
    ObjectNode byCode = Json.MAPPER.createObjectNode();
    ObjectNode code = byCode.putArray("codes").addObject();
    code.set("indices", results.get(0).get("query").get("indices"));
    code.set("values", results.get(0).get("query").get("values"));
    byCode.put("k", 5);
    JsonNode again =
        Http.post(server, "/v1/search", byCode).json().get("results").get(0).get("hits");
    for (int i = 0; i < 5; i++) {
      assertEquals(results.get(0).get("hits").get(i).get("id"), again.get(i).get("id"));
    }
    Http.Response both = Http.post(server, "/v1/search", "{\"codes\": [], \"inputs\": []}");
    assertEquals(400, both.status());
  }

  @Test
  void modelExamplesHealthAndMetrics() {
    JsonNode m = Http.get(server, "/v1/model").json();
    assertEquals("coder", m.get("kind").asText());
    assertEquals(784, m.get("inputDim").intValue());
    assertEquals(32, m.get("latentDim").intValue());
    assertEquals(6, m.get("maxLevel").intValue());
    assertEquals(28, m.get("image").get("height").intValue());
    assertEquals(600, m.get("index").get("documents").intValue());
    assertEquals(100, m.get("examples").get("size").intValue());
    assertNotNull(m.get("config").get("provenance"));

    JsonNode ex = Http.get(server, "/v1/examples?offset=98&limit=5").json();
    assertEquals(2, ex.get("items").size(), "clipped at the end");
    assertEquals(98, ex.get("items").get(0).get("index").intValue());
    assertEquals(784, ex.get("items").get(0).get("input").size());
    assertEquals(400, Http.get(server, "/v1/examples?offset=100").status());
    assertEquals("limit", Http.get(server, "/v1/examples?limit=x").json().get("field").asText());

    Http.Response h = Http.get(server, "/healthz");
    assertEquals(200, h.status());
    assertEquals("ok", h.json().get("status").asText());

    Http.post(server, "/v1/encode", "{\"inputs\": [[1]]}");
    String metrics = Http.get(server, "/metrics").body();
    assertTrue(
        metrics.contains(
            "sdlgm_http_requests_total{method=\"POST\",route=\"/v1/encode\",status=\"400\"}"),
        metrics);
    assertTrue(metrics.contains("sdlgm_batch_rows_bucket"), metrics);
    assertTrue(metrics.contains("sdlgm_http_request_duration_seconds_bucket"), metrics);
  }

  @Test
  void theWebPageIsServed() {
    Http.Response r = Http.get(server, "/");
    assertEquals(200, r.status());
    assertTrue(r.body().contains("<script src=\"app.js\">"));
    assertEquals(200, Http.get(server, "/app.js").status());
  }

  /**
   * The OpenAPI document and the server's routes agree: every documented path and method is a
   * route, and every registered route is documented.
   */
  @Test
  void openApiDocumentsEveryRoute() {
    Http.Response r = Http.get(server, "/openapi.json");
    assertEquals(200, r.status());
    JsonNode doc = r.json();
    assertTrue(doc.get("openapi").asText().startsWith("3."));
    Set<String> documented = new HashSet<>();
    for (Map.Entry<String, JsonNode> e : doc.get("paths").properties()) {
      for (Iterator<String> m = e.getValue().fieldNames(); m.hasNext(); ) {
        documented.add(m.next().toUpperCase(java.util.Locale.ROOT) + " " + e.getKey());
      }
    }
    Set<String> routes = new HashSet<>(server.routes());
    assertTrue(routes.contains("POST /v1/encode"), routes.toString());
    assertEquals(routes, documented);
    // And each documented operation answers something other than 404/405.
    for (String op : documented) {
      String[] mp = op.split(" ");
      Http.Response a =
          mp[0].equals("GET") ? Http.get(server, mp[1]) : Http.post(server, mp[1], "{}");
      assertTrue(a.status() != 404 && a.status() != 405, op + " → " + a.status());
    }
  }
}
