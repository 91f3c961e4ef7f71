package org.sdlgm.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client over java.net.http for the tests. */
final class Http {
  record Response(int status, String body, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }
  }

  static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  static Response get(SdlgmServer s, String path, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(s.url() + path)).GET(), headers);
  }

  static Response post(SdlgmServer s, String path, String body, String... headers) {
    return send(
        HttpRequest.newBuilder(URI.create(s.url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)),
        headers);
  }

  static Response post(SdlgmServer s, String path, Object json, String... headers) {
    try {
      return post(s, path, Json.MAPPER.writeValueAsString(json), headers);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Response send(HttpRequest.Builder b, String... headers) {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> r =
          CLIENT.send(
              b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
