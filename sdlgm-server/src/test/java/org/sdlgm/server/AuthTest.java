package org.sdlgm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** With an API key, /v1 and /metrics need it; the page, its files and /healthz do not. */
class AuthTest {
  @Test
  void keyIsRequiredWhereItShouldBe() {
    try (SdlgmServer s =
        SdlgmServer.start(Fixtures.local(Fixtures.coder()).apiKey("s3cret-key").build())) {
      Http.Response none = Http.get(s, "/v1/model");
      assertEquals(401, none.status());
      assertTrue(none.json().get("error").asText().contains("missing API key"));
      assertEquals("Bearer", none.raw().headers().firstValue("WWW-Authenticate").orElse(""));
      Http.Response wrong = Http.get(s, "/v1/model", "Authorization", "Bearer s3cret-kez");
      assertEquals(401, wrong.status());
      assertEquals("wrong API key", wrong.json().get("error").asText());
      assertEquals(401, Http.get(s, "/v1/model", "X-API-Key", "s3cret").status());
      assertEquals(401, Http.post(s, "/v1/encode", "{\"inputs\": [[0]]}").status());
      assertEquals(401, Http.get(s, "/metrics").status());
      assertEquals(200, Http.get(s, "/v1/model", "Authorization", "Bearer s3cret-key").status());
      assertEquals(200, Http.get(s, "/v1/model", "X-API-Key", "s3cret-key").status());
      assertEquals(200, Http.get(s, "/metrics", "X-API-Key", "s3cret-key").status());
      assertEquals(200, Http.get(s, "/healthz").status());
      assertEquals(200, Http.get(s, "/").status());
      assertEquals(200, Http.get(s, "/openapi.json").status());
    }
  }
}
