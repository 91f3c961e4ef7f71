package org.sdlgm.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.sdlgm.model.LevelInference;

/**
 * Everything an {@link SdlgmServer} needs to start: the model directory, an optional index and
 * example data, where to listen, the API key (null: no key), and the limits of the micro-batcher
 * (rows per forward pass, how long a request waits for companions, how many requests may queue) and
 * of a request body. Immutable; build one with {@link #builder(Path)}.
 *
 * @param model the model directory ({@code sdlgm train}'s output, coder or tagger)
 * @param index an index directory written by {@code sdlgm index}, or null
 * @param data a data spec whose rows the web page offers as examples, or null
 * @param part which part of {@code data} ("test" or "train")
 * @param host the address to bind (127.0.0.1 unless told otherwise)
 * @param port the port; 0 picks a free one
 * @param apiKey the key every /v1 and /metrics request must carry, or null for none
 * @param maxBatch most rows in one forward pass (1: no micro-batching)
 * @param maxWait how long the first request of a pass waits for others
 * @param queueCapacity most requests waiting for a forward pass; beyond, 503
 * @param bodyLimit most bytes in a request body; beyond, 413
 * @param inferenceThreads forward passes that may run at the same time
 * @param levelInference how an unsupervised model chooses each code's level, or null for the
 *     index's (with {@code index}) or else the model's own; with an index it must match the one the
 *     index was built with, since its codes and the queries' must be comparable
 */
public record ServerConfig(
    Path model,
    Path index,
    String data,
    String part,
    String host,
    int port,
    String apiKey,
    int maxBatch,
    Duration maxWait,
    int queueCapacity,
    long bodyLimit,
    int inferenceThreads,
    LevelInference levelInference) {

  public ServerConfig {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(maxWait, "maxWait");
    if (!part.equals("test") && !part.equals("train")) {
      throw new IllegalArgumentException("part must be test or train, got '" + part + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
    if (maxBatch < 1 || queueCapacity < 1 || bodyLimit < 1 || inferenceThreads < 1) {
      throw new IllegalArgumentException(
          "max batch, queue capacity, body limit and inference" + " threads must be ≥ 1");
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("max wait must be ≥ 0");
    }
    if (apiKey != null && apiKey.isEmpty()) {
      throw new IllegalArgumentException("API key is empty");
    }
  }

  /** A builder with the defaults: 127.0.0.1:8080, batches of 64 rows, 2 ms wait, 1 MiB bodies. */
  public static Builder builder(Path model) {
    return new Builder(model);
  }

  /** Builder of {@link ServerConfig}. */
  public static final class Builder {
    private final Path model;
    private Path index;
    private String data;
    private String part = "test";
    private String host = "127.0.0.1";
    private int port = 8080;
    private String apiKey;
    private int maxBatch = 64;
    private Duration maxWait = Duration.ofMillis(2);
    private int queueCapacity = 256;
    private long bodyLimit = 1L << 20;
    private int inferenceThreads = 1;
    private LevelInference levelInference;

    private Builder(Path model) {
      this.model = model;
    }

    public Builder index(Path v) {
      index = v;
      return this;
    }

    public Builder data(String v) {
      data = v;
      return this;
    }

    public Builder part(String v) {
      part = v;
      return this;
    }

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder apiKey(String v) {
      apiKey = v;
      return this;
    }

    public Builder maxBatch(int v) {
      maxBatch = v;
      return this;
    }

    public Builder maxWait(Duration v) {
      maxWait = v;
      return this;
    }

    public Builder queueCapacity(int v) {
      queueCapacity = v;
      return this;
    }

    public Builder bodyLimit(long v) {
      bodyLimit = v;
      return this;
    }

    public Builder inferenceThreads(int v) {
      inferenceThreads = v;
      return this;
    }

    /** The level inference of an unsupervised model (null: the index's, else the model's). */
    public Builder levelInference(LevelInference v) {
      levelInference = v;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(
          model,
          index,
          data,
          part,
          host,
          port,
          apiKey,
          maxBatch,
          maxWait,
          queueCapacity,
          bodyLimit,
          inferenceThreads,
          levelInference);
    }
  }
}
