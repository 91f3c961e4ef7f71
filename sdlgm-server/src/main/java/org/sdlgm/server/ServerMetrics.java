package org.sdlgm.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.IntSupplier;

/**
 * The server's Prometheus metrics, in a registry of its own (two servers in one JVM, as in tests,
 * do not share counters): requests by method, route and status, request latency by route, and per
 * forward pass the number of rows and requests it served and its duration. Written in the
 * Prometheus text format by the client library's writer.
 */
final class ServerMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram latency;
  private final Histogram passRows;
  private final Histogram passRequests;
  private final Histogram passSeconds;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  ServerMetrics(IntSupplier queueDepth, IntSupplier inFlight) {
    requests =
        Counter.builder()
            .name("sdlgm_http_requests_total")
            .help("HTTP requests by method, route and status")
            .labelNames("method", "route", "status")
            .register(registry);
    latency =
        Histogram.builder()
            .name("sdlgm_http_request_duration_seconds")
            .help("Time from request to response, by route")
            .labelNames("route")
            .classicOnly()
            .classicUpperBounds(
                0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5)
            .register(registry);
    passRows =
        Histogram.builder()
            .name("sdlgm_batch_rows")
            .help("Input rows per forward pass (micro-batch size)")
            .classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
            .register(registry);
    passRequests =
        Histogram.builder()
            .name("sdlgm_batch_requests")
            .help("Requests served by one forward pass")
            .classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128)
            .register(registry);
    passSeconds =
        Histogram.builder()
            .name("sdlgm_batch_duration_seconds")
            .help("Duration of a forward pass")
            .classicOnly()
            .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1)
            .register(registry);
    GaugeWithCallback.builder()
        .name("sdlgm_queue_waiting")
        .help("Requests waiting for a forward pass")
        .callback(cb -> cb.call(queueDepth.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("sdlgm_requests_in_flight")
        .help("Requests being handled by the /v1 routes")
        .callback(cb -> cb.call(inFlight.getAsInt()))
        .register(registry);
  }

  void request(String method, String route, int status, long nanos) {
    requests.labelValues(method, route, Integer.toString(status)).inc();
    latency.labelValues(route).observe(nanos / 1e9);
  }

  void pass(int jobs, int rows, long nanos) {
    passRows.observe(rows);
    passRequests.observe(jobs);
    passSeconds.observe(nanos / 1e9);
  }

  String contentType() {
    return writer.getContentType();
  }

  byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
