package org.sdlgm.eval;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The result records are written into machine-readable run reports: check their JSON shape. */
class JsonTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void recordsSerialiseAndRoundTrip() throws Exception {
    SupportMetrics s = new SupportMetrics(0.5, 0.25, 0.125);
    assertEquals(s, json.readValue(json.writeValueAsString(s), SupportMetrics.class));

    LinearProbeResult p = new LinearProbeResult(0.9, 0.8, 10);
    assertEquals(p, json.readValue(json.writeValueAsString(p), LinearProbeResult.class));

    DictionaryRecovery d =
        DictionaryRecovery.of(new float[][] {{1, 0}, {0, 1}}, new float[][] {{2, 0}});
    JsonNode dn = json.valueToTree(d);
    assertEquals(0.5, dn.get("mean").asDouble());
    assertEquals(0.5, dn.get("share90").asDouble());
    assertEquals(2, dn.get("perAtom").size());

    Confusion c = Confusion.of(new int[] {1, 0}, new int[] {1, 1}, 1, 1);
    JsonNode cn = json.valueToTree(c);
    assertEquals(1, cn.get("counts").get(1).get(0).asInt());
    Confusion back = json.readValue(json.writeValueAsString(c), Confusion.class);
    assertArrayEquals(c.counts()[1], back.counts()[1]);
  }
}
