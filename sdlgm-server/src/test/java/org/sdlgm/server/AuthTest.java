package org.sdlgm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
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

  /**
   * Javalin ignores a trailing slash when it matches a route, so "/metrics/" is served by the
   * "/metrics" route: it must need the key as well.
   */
  @Test
  void aTrailingSlashDoesNotSkipTheKey() {
    try (SdlgmServer s =
        SdlgmServer.start(Fixtures.local(Fixtures.coder()).apiKey("s3cret-key").build())) {
      for (String path : new String[] {"/metrics/", "/metrics/?x=1", "/v1/model/"}) {
        Http.Response none = Http.get(s, path);
        assertEquals(401, none.status(), path + " → " + none.body());
        assertEquals(200, Http.get(s, path, "X-API-Key", "s3cret-key").status(), path);
      }
    }
  }

  /** The status line of a GET sending {@code header: value} encoded in {@code cs}. */
  private static String rawGet(int port, String path, String header, String value, Charset cs)
      throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write((header + ": " + value + "\r\n\r\n").getBytes(cs));
      out.flush();
      InputStream in = socket.getInputStream();
      String r = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return r.substring(0, r.indexOf('\r'));
    }
  }

  /**
   * A key file is read as UTF-8 and curl sends the header's UTF-8 bytes, but Jetty decodes header
   * values as ISO-8859-1: a key beyond ASCII must still match what the client sent.
   */
  @Test
  void aKeyBeyondAsciiIsAcceptedAsSent() throws IOException {
    for (String key : new String[] {"clé-s3cret", "ключ"}) {
      try (SdlgmServer s =
          SdlgmServer.start(Fixtures.local(Fixtures.coder()).apiKey(key).build())) {
        for (String header : new String[] {"X-API-Key", "Authorization"}) {
          String value = header.equals("Authorization") ? "Bearer " + key : key;
          assertEquals(
              "HTTP/1.1 200 OK",
              rawGet(s.port(), "/v1/model", header, value, StandardCharsets.UTF_8),
              key + " in UTF-8 as " + header);
          assertEquals(
              "HTTP/1.1 401 Unauthorized",
              rawGet(s.port(), "/v1/model", header, value + "x", StandardCharsets.UTF_8),
              key + "x");
        }
      }
    }
  }
}
