package org.sdlgm.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.MultiLabelSchema;
import org.sdlgm.model.multilabel.LabelPrediction;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;

/** The API of a server with a multi-label tagger and its test data as examples. */
class TaggerApiTest {
  private static SdlgmServer server;

  @BeforeAll
  static void start() {
    server = SdlgmServer.start(Fixtures.local(Fixtures.tagger()).data(Fixtures.TAGS).build());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** What {@code sdlgm predict} computes for rows [from, from + n) of the test part. */
  private static LabelPrediction[] library(int from, int n, int top) {
    Fixtures.tagger();
    ModelInfo<TaggerConfig, MultiLabelSchema> info =
        ModelDirectory.readTaggerInfo(Fixtures.tagger());
    FeatureTransform t = ModelDirectory.readTransform(Fixtures.tagger(), info);
    MultiLabelDataset test = info.data().plan().load().test();
    float[] x = new float[n * info.model().numFeatures()];
    t.denseRows(test, from, n, x);
    try (Tagger tagger = ModelDirectory.loadTagger(Fixtures.tagger(), info)) {
      return tagger.predict(tagger.score(x, n), info.model().setRules().get(0), top);
    }
  }

  @Test
  void predictGivesWhatTheLibraryGives() {
    JsonNode ex = Http.get(server, "/v1/examples?offset=4&limit=6").json();
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode inputs = body.putArray("inputs");
    for (JsonNode item : ex.get("items")) {
      inputs.add(item.get("input"));
      assertTrue(item.has("labels"));
    }
    body.put("top", 5);
    Http.Response r = Http.post(server, "/v1/predict", body);
    assertEquals(200, r.status(), r.body());
    JsonNode results = r.json().get("results");
    LabelPrediction[] expected = library(4, 6, 5);
    List<String> names = ModelDirectory.readTaggerInfo(Fixtures.tagger()).data().labelNames();
    for (int i = 0; i < 6; i++) {
      JsonNode got = results.get(i);
      LabelPrediction e = expected[i];
      assertEquals(e.level(), got.get("L").intValue());
      assertEquals(e.labels().length, got.get("labels").size());
      for (int t = 0; t < e.labels().length; t++) {
        assertEquals(names.get(e.labels()[t]), got.get("labels").get(t).asText());
        assertEquals(e.scores()[t], got.get("scores").get(t).floatValue());
      }
      float[] pl = new float[got.get("pL").size()];
      for (int l = 0; l < pl.length; l++) {
        pl[l] = got.get("pL").get(l).floatValue();
      }
      assertArrayEquals(e.levelProbs(), pl);
      assertEquals(Math.max(5, e.level()), got.get("ranked").size());
      assertEquals(names.get(e.ranked()[0]), got.get("ranked").get(0).asText());
      assertTrue(got.has("pLFrom"));
    }
  }

  @Test
  void withoutTopThereIsNoRanking() {
    JsonNode item = Http.get(server, "/v1/examples?offset=0&limit=1").json().get("items").get(0);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putArray("inputs").add(item.get("input"));
    JsonNode got = Http.post(server, "/v1/predict", body).json().get("results").get(0);
    assertTrue(!got.has("ranked") && got.has("labels") && got.has("scores"));
  }

  /**
   * Values too large for the network make its scores NaN: the row is refused by name instead of
   * answered with "NaN" scores (and a label set chosen from them).
   */
  @Test
  void rowsWhoseScoresAreNotFiniteAreRefusedByName() {
    Http.Response r =
        Http.post(
            server,
            "/v1/predict",
            "{\"inputs\": [{\"indices\": [3], \"values\": [1]},"
                + " {\"indices\": [1, 2], \"values\": [3e38, -3e38]}], \"top\": 3}");
    assertEquals(400, r.status(), r.body());
    assertEquals("inputs[1]", r.json().get("field").asText(), r.body());
  }

  @Test
  void coderRoutesAndBadFieldsAre400() {
    assertEquals(400, Http.post(server, "/v1/encode", "{\"inputs\": [[0]]}").status());
    assertEquals(400, Http.post(server, "/v1/search", "{\"inputs\": [[0]]}").status());
    Http.Response top =
        Http.post(
            server,
            "/v1/predict",
            "{\"inputs\": [{\"indices\": [0], \"values\": [1]}], \"top\": -1}");
    assertEquals(400, top.status());
    assertEquals("top", top.json().get("field").asText());
    Http.Response idx =
        Http.post(server, "/v1/predict", "{\"inputs\": [{\"indices\": [400], \"values\": [1]}]}");
    assertEquals("inputs[0].indices[0]", idx.json().get("field").asText());
    JsonNode m = Http.get(server, "/v1/model").json();
    assertEquals("tagger", m.get("kind").asText());
    assertEquals(20, m.get("labelNames").size());
    assertEquals(400, m.get("inputDim").intValue());
  }
}
