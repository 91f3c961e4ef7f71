package org.sdlgm.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.sdlgm.model.SparseCode;

/**
 * A benchmark of {@link CodeIndex#search} (not a test; run by hand, see docs/results.md): {@code
 * SearchBench INDEX CODES.jsonl [k] [threads] [withInputs]} reads query codes written by {@code
 * sdlgm encode}, warms up, then times every query one by one on one thread (latency percentiles),
 * against {@link ExactSearch}, and with {@code threads} threads sharing the index.
 */
public final class SearchBench {
  private SearchBench() {}

  public static void main(String[] args) throws Exception {
    Path indexDir = Path.of(args[0]);
    List<SparseCode> queries = readCodes(Path.of(args[1]));
    int k = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    boolean withInputs = args.length > 4 && Boolean.parseBoolean(args[4]);
    try (CodeIndex index = CodeIndex.open(indexDir)) {
      int warm = Math.min(1000, queries.size());
      index.search(queries.subList(0, warm), k);
      long p0 = index.postingsVisited();
      long[] lat = new long[queries.size()];
      long t0 = System.nanoTime();
      for (int i = 0; i < queries.size(); i++) {
        long s = System.nanoTime();
        index.search(List.of(queries.get(i)), k, withInputs);
        lat[i] = System.nanoTime() - s;
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      double postings = (double) (index.postingsVisited() - p0) / queries.size();
      report("index, 1 thread" + (withInputs ? ", with inputs" : ""), queries.size(), secs, lat);
      System.out.printf(
          Locale.ROOT, "  postings read per query: %.1f of %d documents%n", postings, index.size());

      ExactSearch exact = ExactSearch.of(index);
      for (int i = 0; i < warm; i++) {
        exact.search(queries.get(i), k);
      }
      long[] blat = new long[queries.size()];
      t0 = System.nanoTime();
      for (int i = 0; i < queries.size(); i++) {
        long s = System.nanoTime();
        exact.search(queries.get(i), k);
        blat[i] = System.nanoTime() - s;
      }
      report(
          "brute force over the codes, 1 thread",
          queries.size(),
          (System.nanoTime() - t0) / 1e9,
          blat);

      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (SparseCode q : queries) {
          fs.add(pool.submit(() -> index.search(List.of(q), k, withInputs)));
        }
        for (Future<?> f : fs) {
          f.get();
        }
        double msecs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            Locale.ROOT, "index, %d threads: %,.0f queries/s%n", threads, queries.size() / msecs);
      } finally {
        pool.shutdown();
      }
    }
  }

  private static void report(String what, int n, double secs, long[] lat) {
    long[] s = lat.clone();
    Arrays.sort(s);
    System.out.printf(
        Locale.ROOT,
        "%s: %,.0f queries/s, p50 %.3f ms, p99 %.3f ms%n",
        what,
        n / secs,
        s[n / 2] / 1e6,
        s[Math.max(0, (int) Math.ceil(0.99 * n) - 1)] / 1e6);
  }

  /** The codes of a JSON Lines file written by {@code sdlgm encode}. */
  static List<SparseCode> readCodes(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<SparseCode> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        JsonNode n = json.readTree(line);
        int[] idx = new int[n.get("indices").size()];
        float[] val = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
          idx[i] = n.get("indices").get(i).asInt();
          val[i] = (float) n.get("values").get(i).asDouble();
        }
        out.add(new SparseCode(idx.length, idx, val, null));
      }
    }
    return out;
  }
}
