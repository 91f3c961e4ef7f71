package org.sdlgm.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.Dataset;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.model.LevelInference;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;

/**
 * {@code serve --level-inference}: the served coder encodes with the inference asked for, and with
 * an index it follows the index's, refusing another, since neighbour queries must be encoded as the
 * indexed codes were.
 */
class LevelInferenceServeTest {
  private static final int ROWS = 40;

  @Test
  void theServedCoderEncodesWithTheInferenceAskedFor() {
    Dataset test = new DataPlan(Fixtures.IMAGES, null, 0, 1).load().test();
    int d = test.dim();
    float[] x = new float[ROWS * d];
    test.copyRows(0, ROWS, x);
    ModelInfo<SdlgmConfig, DataSchema> info = ModelDirectory.readCoderInfo(Fixtures.coder());
    assertEquals(LevelInference.EXACT, info.model().levelInference(), "the fixture's own");
    List<SparseCode> head;
    List<SparseCode> exact;
    try (SparseCoder c =
        ModelDirectory.loadCoder(
            Fixtures.coder(),
            info.withModel(info.model().toBuilder().levelInference(LevelInference.HEAD).build()))) {
      head = c.encode(x, ROWS, ROWS);
    }
    try (SparseCoder c = ModelDirectory.loadCoder(Fixtures.coder(), info)) {
      exact = c.encode(x, ROWS, ROWS);
    }
    assertTrue(
        java.util.stream.IntStream.range(0, ROWS)
            .anyMatch(i -> head.get(i).level() != exact.get(i).level()),
        "head and exact choose the same level on every row: the test could not tell them apart");

    try (SdlgmServer server =
        SdlgmServer.start(
            Fixtures.local(Fixtures.coder()).levelInference(LevelInference.HEAD).build())) {
      assertEquals("head", Http.get(server, "/v1/model").json().get("levelInference").asText());
      ObjectNode body = Json.MAPPER.createObjectNode();
      ArrayNode inputs = body.putArray("inputs");
      for (int i = 0; i < ROWS; i++) {
        ArrayNode row = inputs.addArray();
        for (int j = 0; j < d; j++) {
          row.add(x[i * d + j]);
        }
      }
      Http.Response r = Http.post(server, "/v1/encode", body);
      assertEquals(200, r.status(), r.body());
      JsonNode results = r.json().get("results");
      for (int i = 0; i < ROWS; i++) {
        JsonNode got = results.get(i);
        assertEquals(head.get(i).level(), got.get("L").intValue(), "row " + i);
        int[] indices = new int[got.get("indices").size()];
        for (int t = 0; t < indices.length; t++) {
          indices[t] = got.get("indices").get(t).intValue();
        }
        assertArrayEquals(head.get(i).indices(), indices, "row " + i);
      }
    }
  }

  @Test
  void withAnIndexTheIndexsInferenceIsUsedAndAnotherRefused() {
    try (SdlgmServer server =
        SdlgmServer.start(Fixtures.local(Fixtures.coder()).index(Fixtures.index()).build())) {
      assertEquals("exact", Http.get(server, "/v1/model").json().get("levelInference").asText());
    }
    SdlgmException e =
        assertThrows(
            SdlgmException.class,
            () ->
                SdlgmServer.start(
                    Fixtures.local(Fixtures.coder())
                        .index(Fixtures.index())
                        .levelInference(LevelInference.HEAD)
                        .build()));
    assertTrue(
        e.getMessage().contains("holds codes encoded with exact level inference")
            && e.getMessage().contains("--level-inference head'"),
        e.getMessage());
  }

  @Test
  void aTaggerHasNoLevelInferenceToOverride() {
    SdlgmException e =
        assertThrows(
            SdlgmException.class,
            () ->
                SdlgmServer.start(
                    Fixtures.local(Fixtures.tagger())
                        .levelInference(LevelInference.SEARCH)
                        .build()));
    assertTrue(e.getMessage().contains("multi-label model"), e.getMessage());
  }
}
