package org.sdlgm.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.Dataset;
import org.sdlgm.index.CodeIndex;
import org.sdlgm.index.ExactSearch;
import org.sdlgm.index.SearchHit;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sdlgm search}: the k nearest documents of an index for each row of a data source. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
      "Find the k documents of an index whose codes best match each row's code.",
      "",
      "Encodes each row with the model the index was built from (checked by the fingerprint of",
      "its model.params) and ranks the index's documents by the exact dot product of the codes,",
      "ties to the earlier document. JSON Lines, one object per row:",
      "  {\"query\":0,\"hits\":[{\"id\":\"17\",\"label\":\"3\",\"score\":2.41},...]}",
      "Prints queries/s, postings read per query and, when rows and documents have labels, the",
      "share of hits with the row's label (precision@k). --exact also runs a brute-force search",
      "over every document's code and reports its speed and the index's recall against it.",
      "",
      "Example: sdlgm search --index runs/fmnist-index --data fashion-mnist:/usr/share/datasets/fashion-mnist --part test --k 10 --out hits.jsonl"
    })
final class SearchCommand implements Callable<Integer> {
  @Option(
      names = {"-i", "--index"},
      required = true,
      paramLabel = "INDEX",
      description = "Index directory written by 'sdlgm index'.")
  Path index;

  @Option(
      names = {"-m", "--model"},
      paramLabel = "DIR",
      description =
          "Model directory the index was built from (default: the one the index records).")
  Path model;

  @Option(
      names = {"-d", "--data"},
      required = true,
      paramLabel = "SPEC",
      description = "Query rows (same syntax as train --data).")
  String data;

  @Option(
      names = "--part",
      paramLabel = "train|test|all",
      description = "Which part of the source (default test).")
  String part = "test";

  @Option(
      names = {"-k", "--k"},
      paramLabel = "K",
      description = "Hits per query (default 10).")
  int k = 10;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description = "Output file (JSON Lines).")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing output file.")
  boolean overwrite;

  @Option(
      names = "--exact",
      description =
          "Also search by brute force and report its speed and the index's recall@k against it.")
  boolean exact;

  @Option(
      names = "--batch",
      paramLabel = "B",
      description = "Rows per encoding batch (default 1000).")
  int batch = 1000;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() {
    if (k < 1) {
      throw new SdlgmException("--k must be ≥ 1, got " + k);
    }
    if (batch < 1) {
      throw new SdlgmException("--batch must be ≥ 1, got " + batch);
    }
    OutputChecks.file(out, "--out");
    OutputChecks.notModelFile(out, "--out");
    OutputChecks.notInput(out, "--out", data);
    if (Files.exists(out) && !overwrite) {
      throw new SdlgmException(out + ": exists; use --overwrite to replace it");
    }
    try (CodeIndex idx = CodeIndex.open(index)) {
      Path modelDir = idx.info().modelOr(model, index.toString());
      idx.info().checkModel(modelDir, index.toString());
      ModelInfo<SdlgmConfig, DataSchema> trained = ModelDirectory.readCoderInfo(modelDir);
      // Queries are encoded the way the indexed codes were (the index's level inference).
      ModelInfo<SdlgmConfig, DataSchema> info =
          trained.withModel(idx.info().queryConfig(trained.model()));
      Dataset rows = DataParts.rows(data, part);
      EvalCommand.checkDim(info, rows.dim(), data);
      List<SparseCode> queries = encode(modelDir, info, rows);

      long[] nanos = new long[queries.size()];
      List<List<SearchHit>> results = new ArrayList<>(queries.size());
      long p0 = idx.postingsVisited();
      long t0 = System.nanoTime();
      for (int q = 0; q < queries.size(); q++) {
        long s = System.nanoTime();
        results.add(idx.search(List.of(queries.get(q)), k, false).get(0));
        nanos[q] = System.nanoTime() - s;
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      long postings = idx.postingsVisited() - p0;
      write(results);

      int n = queries.size();
      System.err.println(
          String.format(
              Locale.ROOT,
              "searched %d queries (k = %d) over %d documents in %.2f s: %,.0f queries/s, latency p50 %.3f ms, p99 %.3f ms; "
                  + "%.1f postings read per query (brute force: %d documents)",
              n,
              k,
              idx.size(),
              secs,
              n / Math.max(secs, 1e-9),
              percentile(nanos, 0.5) / 1e6,
              percentile(nanos, 0.99) / 1e6,
              n == 0 ? 0.0 : (double) postings / n,
              idx.size()));
      if (rows.hasLabels() && n > 0) {
        double p = precision(rows.labels(), results);
        if (!Double.isNaN(p)) {
          System.err.println(String.format(Locale.ROOT, "label precision@%d: %.4f", k, p));
        }
      }
      if (exact) {
        exact(idx, queries, results);
      }
    }
    return 0;
  }

  private List<SparseCode> encode(
      Path modelDir, ModelInfo<SdlgmConfig, DataSchema> info, Dataset rows) {
    int d = rows.dim();
    List<SparseCode> codes = new ArrayList<>(rows.size());
    // This coder scales the raw rows itself (the model directory's scaling.json).
    try (SparseCoder coder = ModelDirectory.loadCoder(modelDir, info)) {
      int chunk = Math.max(batch, 10_000);
      float[] buf = new float[chunk * d];
      for (int from = 0; from < rows.size(); from += chunk) {
        int n = Math.min(chunk, rows.size() - from);
        rows.copyRows(from, from + n, buf);
        codes.addAll(coder.encode(buf, n, batch));
      }
    }
    return codes;
  }

  private void write(List<List<SearchHit>> results) {
    JsonFactory json = new JsonFactory();
    AtomicFiles.write(
        out,
        os -> {
          try (JsonGenerator g = json.createGenerator(os, JsonEncoding.UTF8)) {
            g.setRootValueSeparator(null);
            for (int q = 0; q < results.size(); q++) {
              g.writeStartObject();
              g.writeNumberField("query", q);
              g.writeArrayFieldStart("hits");
              for (SearchHit h : results.get(q)) {
                g.writeStartObject();
                g.writeStringField("id", h.id());
                if (h.label() != null) {
                  g.writeStringField("label", h.label());
                }
                g.writeNumberField("score", h.score());
                g.writeEndObject();
              }
              g.writeEndArray();
              g.writeEndObject();
              g.writeRaw('\n');
            }
          }
        });
  }

  /** The share of hits whose label is the query row's; NaN when no hit has a label. */
  private static double precision(int[] labels, List<List<SearchHit>> results) {
    long same = 0;
    long labelled = 0;
    for (int q = 0; q < results.size(); q++) {
      String want = Integer.toString(labels[q]);
      for (SearchHit h : results.get(q)) {
        if (h.label() != null) {
          labelled++;
          same += want.equals(h.label()) ? 1 : 0;
        }
      }
    }
    return labelled == 0 ? Double.NaN : (double) same / labelled;
  }

  private void exact(CodeIndex idx, List<SparseCode> queries, List<List<SearchHit>> results) {
    long l0 = System.nanoTime();
    ExactSearch brute = ExactSearch.of(idx);
    double loadSecs = (System.nanoTime() - l0) / 1e9;
    long[] nanos = new long[queries.size()];
    long found = 0;
    long total = 0;
    int identical = 0;
    long t0 = System.nanoTime();
    for (int q = 0; q < queries.size(); q++) {
      long s = System.nanoTime();
      List<ExactSearch.Scored> ref = brute.search(queries.get(q), k);
      nanos[q] = System.nanoTime() - s;
      Set<Integer> want = new HashSet<>();
      ref.forEach(r -> want.add(r.doc()));
      List<SearchHit> got = results.get(q);
      found += got.stream().filter(h -> want.contains(h.doc())).count();
      total += want.size();
      boolean same = got.size() == ref.size();
      for (int i = 0; same && i < ref.size(); i++) {
        same = got.get(i).doc() == ref.get(i).doc() && got.get(i).score() == ref.get(i).score();
      }
      identical += same ? 1 : 0;
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    int n = queries.size();
    System.err.println(
        String.format(
            Locale.ROOT,
            "brute force over the %d codes (loaded in %.2f s): %.2f s, %,.0f queries/s, latency p50 %.3f ms, p99 %.3f ms; "
                + "index recall@%d %.4f, identical ranking for %d of %d queries",
            idx.size(),
            loadSecs,
            secs,
            n / Math.max(secs, 1e-9),
            percentile(nanos, 0.5) / 1e6,
            percentile(nanos, 0.99) / 1e6,
            k,
            total == 0 ? 1.0 : (double) found / total,
            identical,
            n));
  }

  private static double percentile(long[] nanos, double p) {
    if (nanos.length == 0) {
      return 0;
    }
    long[] s = nanos.clone();
    Arrays.sort(s);
    return s[Math.max(0, Math.min(s.length - 1, (int) Math.ceil(p * s.length) - 1))];
  }
}
