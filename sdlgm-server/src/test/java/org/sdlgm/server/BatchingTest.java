package org.sdlgm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.Dataset;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;

/** Micro-batching: concurrent requests share forward passes; a full queue is 503; close drains. */
class BatchingTest {
  private static String row(int d, float v) {
    StringBuilder sb = new StringBuilder("{\"inputs\": [[");
    for (int j = 0; j < d; j++) {
      sb.append(j == 0 ? "" : ",").append(j % 7 == 0 ? v : 0);
    }
    return sb.append("]]}").toString();
  }

  @Test
  void concurrentRequestsShareForwardPasses() throws Exception {
    int n = 32;
    try (SdlgmServer s =
        SdlgmServer.start(
            Fixtures.local(Fixtures.coder())
                .maxBatch(64)
                .maxWait(Duration.ofMillis(200))
                .build())) {
      List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        HttpRequest req =
            HttpRequest.newBuilder(URI.create(s.url() + "/v1/encode"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(row(784, 0.1f + i / 100f)))
                .build();
        fs.add(Http.CLIENT.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
      }
      for (var f : fs) {
        HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, Json.MAPPER.readTree(r.body()).get("results").size());
      }
      long passes = s.forwardPasses();
      assertTrue(passes >= 1 && passes < n, n + " requests took " + passes + " forward passes");
      String metrics = Http.get(s, "/metrics").body();
      assertTrue(metrics.contains("sdlgm_batch_requests_count " + passes), metrics);
    }
  }

  /**
   * Concurrent requests of different sizes (some larger than a pass, so they run alone or open the
   * next one) on two inference threads: each gets the codes of its own rows, in its order.
   */
  @Test
  void concurrentRequestsOfDifferentSizesGetTheirOwnRows() throws Exception {
    Dataset test = new DataPlan(Fixtures.IMAGES, null, 0, 1).load().test();
    int d = test.dim();
    float[] x = new float[test.size() * d];
    test.copyRows(0, test.size(), x);
    List<SparseCode> expected;
    try (SparseCoder c = ModelDirectory.loadCoder(Fixtures.coder())) {
      expected = c.encode(x, test.size(), 1);
    }
    int[] sizes = {1, 7, 33, 2, 50, 1, 17, 3, 40, 9, 1, 25, 70, 4, 12, 1};
    try (SdlgmServer s =
        SdlgmServer.start(
            Fixtures.local(Fixtures.coder())
                .maxBatch(32)
                .maxWait(Duration.ofMillis(50))
                .inferenceThreads(2)
                .build())) {
      List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
      List<int[]> firstRows = new ArrayList<>();
      for (int i = 0; i < sizes.length; i++) {
        int first = (i * 13) % (test.size() - sizes[i]);
        firstRows.add(new int[] {first, sizes[i]});
        StringBuilder body = new StringBuilder("{\"inputs\": [");
        for (int r = 0; r < sizes[i]; r++) {
          body.append(r == 0 ? "[" : ",[");
          for (int j = 0; j < d; j++) {
            body.append(j == 0 ? "" : ",").append(x[(first + r) * d + j]);
          }
          body.append(']');
        }
        body.append("]}");
        HttpRequest req =
            HttpRequest.newBuilder(URI.create(s.url() + "/v1/encode"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        fs.add(Http.CLIENT.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
      }
      for (int i = 0; i < fs.size(); i++) {
        HttpResponse<String> r = fs.get(i).get(60, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode results = Json.MAPPER.readTree(r.body()).get("results");
        assertEquals(sizes[i], results.size());
        for (int t = 0; t < sizes[i]; t++) {
          SparseCode e = expected.get(firstRows.get(i)[0] + t);
          JsonNode got = results.get(t);
          assertEquals(t, got.get("id").intValue());
          assertEquals(e.level(), got.get("L").intValue(), "request " + i + " row " + t);
          for (int q = 0; q < e.nnz(); q++) {
            assertEquals(e.indices()[q], got.get("indices").get(q).intValue());
            assertEquals(e.values()[q], got.get("values").get(q).floatValue(), 1e-4);
          }
        }
      }
      assertTrue(s.forwardPasses() < sizes.length, s.forwardPasses() + " passes");
    }
  }

  @Test
  void withMaxBatchOneEveryRequestIsItsOwnPass() {
    try (SdlgmServer s = SdlgmServer.start(Fixtures.local(Fixtures.coder()).maxBatch(1).build())) {
      for (int i = 0; i < 3; i++) {
        assertEquals(200, Http.post(s, "/v1/encode", row(784, 0.5f)).status());
      }
      assertEquals(3, s.forwardPasses());
    }
  }

  @Test
  void aFullQueueRefusesWith503() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    try (MicroBatcher<Integer, Integer> b =
        new MicroBatcher<>(
            "test",
            1,
            1,
            Duration.ZERO,
            2,
            jobs -> {
              running.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return jobs;
            },
            (jobs, rows, nanos) -> {},
            () -> 1)) {
      CompletableFuture<Integer> first = b.submit(1, 1);
      assertTrue(running.await(10, TimeUnit.SECONDS));
      CompletableFuture<Integer> second = b.submit(2, 1);
      CompletableFuture<Integer> third = b.submit(3, 1);
      ApiException full = assertThrows(ApiException.class, () -> b.submit(4, 1));
      assertEquals(503, full.status());
      release.countDown();
      assertEquals(1, first.get(10, TimeUnit.SECONDS));
      assertEquals(2, second.get(10, TimeUnit.SECONDS));
      assertEquals(3, third.get(10, TimeUnit.SECONDS));
      assertEquals(3, b.passes());
    }
  }

  /**
   * A request whose body is still arriving when the server is closed gets its answer; requests that
   * arrive meanwhile get 503 and /healthz says "draining".
   */
  @Test
  void closeDrainsRequestsInFlightAndRefusesNewOnes() throws Exception {
    SdlgmServer s = SdlgmServer.start(Fixtures.local(Fixtures.coder()).build());
    String url = s.url();
    try (SlowRequest slow = new SlowRequest(s.port(), "/v1/encode", row(784, 0.3f))) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (s.inFlight() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(1, s.inFlight());
      CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
      Thread.sleep(200);
      Http.Response late =
          Http.send(
              HttpRequest.newBuilder(URI.create(url + "/v1/encode"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(row(784, 0.3f))));
      assertEquals(503, late.status(), late.body());
      assertEquals(
          503, Http.send(HttpRequest.newBuilder(URI.create(url + "/healthz")).GET()).status());
      assertTrue(!closing.isDone(), "close waits for the request in flight");
      String response = slow.finish();
      assertTrue(response.startsWith("HTTP/1.1 200"), response);
      assertTrue(response.contains("\"indices\""), response);
      closing.get(30, TimeUnit.SECONDS);
    }
  }
}
