package org.sdlgm.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.sdlgm.SdlgmRuntime;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.TrainTest;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.model.SparseCoder;

/**
 * Load benchmark of {@code POST /v1/encode} (a main, not a test): N loopback clients, each sending
 * one row per request back to back for a fixed time, against an in-process server with and without
 * micro-batching; throughput, latency p50/p99, errors and rows per forward pass, beside in-process
 * {@link SparseCoder#encode} at batch 100, measured just before each row. docs/results.md
 * ("Serving") has the command and the numbers.
 *
 * <p>Arguments: {@code MODEL_DIR DATA_SPEC [seconds=10] [clients=1,16] [maxBatch=64,1]
 * [threads=2]}.
 */
public final class LoadBench {
  private LoadBench() {}

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    String data = args[1];
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int[] clients = ints(args.length > 3 ? args[3] : "1,16");
    int[] batches = ints(args.length > 4 ? args[4] : "64,1");
    int threads = args.length > 5 ? Integer.parseInt(args[5]) : 2;
    SdlgmRuntime.configure(threads);

    TrainTest tt = DataSpecs.parse(data).load();
    Dataset rows = tt.hasTest() ? tt.test() : tt.train();
    int d = rows.dim();
    int n = Math.min(rows.size(), 2000);
    byte[][] bodies = new byte[n][];
    float[] row = new float[d];
    for (int i = 0; i < n; i++) {
      rows.copyRows(i, i + 1, row);
      StringBuilder sb = new StringBuilder("{\"inputs\":[[");
      for (int j = 0; j < d; j++) {
        sb.append(j == 0 ? "" : ",").append(row[j] == 0f ? "0" : Float.toString(row[j]));
      }
      bodies[i] = sb.append("]]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    float[] x = new float[n * d];
    rows.copyRows(0, n, x);
    System.out.println(
        "| max batch | clients | requests/s | p50 ms | p99 ms | errors | rows per pass | in-process rows/s | vs in-process |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (int maxBatch : batches) {
      ServerConfig config =
          ServerConfig.builder(model)
              .port(0)
              .maxBatch(maxBatch)
              .maxWait(Duration.ofMillis(2))
              .queueCapacity(4096)
              .build();
      try (SdlgmServer s = SdlgmServer.start(config)) {
        // Warm-up: the JIT compiles the request path and the pass before anything is timed.
        run(s, bodies, 8, 5);
        run(s, bodies, 1, 3);
        for (int c : clients) {
          // The reference, just before: the machine's load changes from minute to minute.
          double inProcess = inProcess(model, x, n);
          long passes0 = s.forwardPasses();
          Result r = run(s, bodies, c, seconds);
          double perPass = r.ok / (double) Math.max(1, s.forwardPasses() - passes0);
          System.out.printf(
              Locale.ROOT,
              "| %d | %d | %.0f | %.2f | %.2f | %d | %.1f | %.0f | %.0f%% |%n",
              maxBatch,
              c,
              r.ok / r.seconds,
              r.p50,
              r.p99,
              r.errors,
              perPass,
              inProcess,
              100 * r.ok / r.seconds / inProcess);
        }
      }
    }
  }

  /** In-process {@link SparseCoder#encode} of the rows at batch 100: rows/s, best of 3. */
  private static double inProcess(Path model, float[] x, int n) {
    double best = 0;
    try (SparseCoder c = ModelDirectory.loadCoder(model)) {
      c.encode(x, n, 100);
      for (int rep = 0; rep < 3; rep++) {
        long t0 = System.nanoTime();
        c.encode(x, n, 100);
        best = Math.max(best, n / ((System.nanoTime() - t0) / 1e9));
      }
    }
    return best;
  }

  private record Result(long ok, long errors, double seconds, double p50, double p99) {}

  private static Result run(SdlgmServer s, byte[][] bodies, int clients, int seconds)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create(s.url() + "/v1/encode");
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong errors = new AtomicLong();
    List<long[]> lat = new ArrayList<>();
    List<Thread> ts = new ArrayList<>();
    long[] counts = new long[clients];
    for (int t = 0; t < clients; t++) {
      long[] mine = new long[1 << 18];
      lat.add(mine);
      int id = t;
      Thread th =
          new Thread(
              () -> {
                int i = id * 131;
                while (System.nanoTime() < end) {
                  byte[] body = bodies[i++ % bodies.length];
                  long t0 = System.nanoTime();
                  try {
                    HttpResponse<Void> r =
                        http.send(
                            HttpRequest.newBuilder(uri)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() != 200) {
                      errors.incrementAndGet();
                      continue;
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                    continue;
                  }
                  if (counts[id] < mine.length) {
                    mine[(int) counts[id]++] = System.nanoTime() - t0;
                  }
                }
              });
      ts.add(th);
    }
    long start = System.nanoTime();
    ts.forEach(Thread::start);
    for (Thread th : ts) {
      th.join();
    }
    double secs = (System.nanoTime() - start) / 1e9;
    long total = Arrays.stream(counts).sum();
    long[] all = new long[(int) total];
    int at = 0;
    for (int t = 0; t < clients; t++) {
      System.arraycopy(lat.get(t), 0, all, at, (int) counts[t]);
      at += (int) counts[t];
    }
    Arrays.sort(all);
    double p50 = all.length == 0 ? Double.NaN : all[(int) (0.50 * (all.length - 1))] / 1e6;
    double p99 = all.length == 0 ? Double.NaN : all[(int) (0.99 * (all.length - 1))] / 1e6;
    return new Result(total, errors.get(), secs, p50, p99);
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }
}
