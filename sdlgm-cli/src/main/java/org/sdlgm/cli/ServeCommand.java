package org.sdlgm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.sdlgm.SdlgmException;
import org.sdlgm.index.IndexInfo;
import org.sdlgm.model.LevelInference;
import org.sdlgm.server.SdlgmServer;
import org.sdlgm.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sdlgm serve}: the HTTP service and web page of sdlgm-server, until SIGTERM. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
      "Serve a model over HTTP: a JSON API and a web page.",
      "",
      "Loads the model once (an unsupervised coder or a multi-label tagger) and answers",
      "POST /v1/encode, /v1/predict and /v1/search (with --index), GET /v1/model, /healthz,",
      "/metrics (Prometheus) and /openapi.json; the web page at / encodes, searches or tags an",
      "example of --data, an uploaded image or a pasted row. Concurrent requests share forward",
      "passes (--max-batch rows, waiting at most --max-wait-ms). Binds 127.0.0.1 unless --host",
      "says otherwise; with --api-key-file every /v1 and /metrics request needs the key.",
      "SIGTERM (Ctrl-C) lets the requests in flight finish, then exits 0. docs/server.md.",
      "",
      "Example: sdlgm serve --model runs/fmnist --data fashion-mnist:/usr/share/datasets/fashion-mnist --port 8080"
    })
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = {"-m", "--model"},
      paramLabel = "DIR",
      description =
          "Model directory (coder or tagger); with --index, default: the one the index records.")
  Path model;

  @Option(
      names = "--index",
      paramLabel = "DIR",
      description = "Code index built by 'sdlgm index' from this model (enables /v1/search).")
  Path index;

  @Option(
      names = "--level-inference",
      paramLabel = "head|exact|search",
      description =
          "How an unsupervised model chooses each code's L̂ (default: the index's with --index, "
              + "else the model's own): head reads the level head (fastest), exact scores every "
              + "level with the decoder, search scores the levels of a local climb from the "
              + "head's mode. With --index it must be the index's.")
  String levelInference;

  @Option(
      names = {"-d", "--data"},
      paramLabel = "SPEC",
      description =
          "Data whose rows the web page offers as examples (same syntax as train --data).")
  String data;

  @Option(
      names = "--part",
      paramLabel = "test|train",
      description = "Which part of --data (default test).")
  String part = "test";

  @Option(
      names = "--host",
      paramLabel = "ADDR",
      description = "Address to bind (default 127.0.0.1: this machine only).")
  String host = "127.0.0.1";

  @Option(
      names = "--port",
      paramLabel = "P",
      description = "Port (default 8080; 0 picks a free one).")
  int port = 8080;

  @Option(
      names = "--api-key-file",
      paramLabel = "FILE",
      description =
          "File holding the API key clients must send (Authorization: Bearer KEY or X-API-Key).")
  Path apiKeyFile;

  @Option(
      names = "--max-batch",
      paramLabel = "ROWS",
      description = "Most rows in one forward pass (default 64; 1 turns micro-batching off).")
  int maxBatch = 64;

  @Option(
      names = "--max-wait-ms",
      paramLabel = "MS",
      description = "How long a request waits for others to share its pass (default 2).")
  double maxWaitMs = 2;

  @Option(
      names = "--queue",
      paramLabel = "N",
      description = "Most requests waiting for a pass; beyond, 503 (default 256).")
  int queue = 256;

  @Option(
      names = "--body-limit",
      paramLabel = "BYTES",
      description = "Largest request body; beyond, 413 (default 1048576).")
  long bodyLimit = 1L << 20;

  @Option(
      names = "--inference-threads",
      paramLabel = "N",
      description =
          "Forward passes that may run at once (default 1; each uses the --threads workers).")
  int inferenceThreads = 1;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws InterruptedException {
    if (!(maxWaitMs >= 0) || maxWaitMs > 10_000) {
      throw new SdlgmException("--max-wait-ms must be in 0..10000, got " + maxWaitMs);
    }
    if (model == null && index == null) {
      throw new SdlgmException(
          "give --model DIR (or --index DIR, which serves the model the index was built from)");
    }
    Path modelDir = model != null ? model : IndexInfo.read(index).modelOr(null, index.toString());
    ServerConfig config;
    try {
      config =
          ServerConfig.builder(modelDir)
              .index(index)
              .data(data)
              .part(part)
              .host(host)
              .port(port)
              .apiKey(apiKeyFile == null ? null : readKey(apiKeyFile))
              .maxBatch(maxBatch)
              .maxWait(Duration.ofNanos(Math.round(maxWaitMs * 1e6)))
              .queueCapacity(queue)
              .bodyLimit(bodyLimit)
              .inferenceThreads(inferenceThreads)
              .levelInference(levelInference == null ? null : LevelInference.of(levelInference))
              .build();
    } catch (IllegalArgumentException e) {
      throw new SdlgmException(
          e.getMessage()
              .replace("max batch", "--max-batch")
              .replace("queue capacity", "--queue")
              .replace("body limit", "--body-limit")
              .replace("inference threads", "--inference-threads")
              .replace("port", "--port")
              .replace("part must", "--part must"));
    }
    SdlgmServer server = SdlgmServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.err.println(
                      "sdlgm serve: stopping, letting the requests in flight finish");
                  server.close();
                  System.err.println("sdlgm serve: stopped");
                  System.err.flush();
                  stopped.countDown();
                  // A JVM ended by SIGTERM exits with 143 once its hooks have run; the service
                  // has shut down cleanly, so it says so with 0.
                  Runtime.getRuntime().halt(0);
                },
                "sdlgm-serve-shutdown"));
    System.err.println(
        "sdlgm serve: "
            + server.modelKind()
            + " model "
            + modelDir
            + " on "
            + server.url()
            + "/ (API: "
            + server.url()
            + "/openapi.json)");
    System.err.flush();
    stopped.await();
    return 0;
  }

  /** The key: the file's first line, trimmed; one clear error when missing or empty. */
  private static String readKey(Path f) {
    String text;
    try {
      text = Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SdlgmException("--api-key-file " + f + ": cannot read (" + e.getMessage() + ")");
    }
    String key = text.lines().findFirst().orElse("").trim();
    if (key.isEmpty()) {
      throw new SdlgmException(
          "--api-key-file " + f + ": the first line is empty; put the key there");
    }
    return key;
  }
}
