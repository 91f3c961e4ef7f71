package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code index} → {@code search} on a tiny synthetic model, checked against brute force; bad input.
 */
class IndexSearchCliTest {
  static final String DATA = "synthetic:n=600,test=150,seed=1,dim=64,atoms=8,lmax=3";
  static final int TRAIN = 600;

  @TempDir static Path shared;
  static Path model;
  static Path index;
  static Path ids;

  @BeforeAll
  static void trainAndIndex() throws IOException {
    model = shared.resolve("model");
    Cli.ok(Cli.args("train", "--data", DATA, Cli.TINY, "--epochs", "1", "--out", model.toString()));
    ids = shared.resolve("ids.txt");
    Files.write(
        ids, IntStream.range(0, TRAIN).mapToObj(i -> "row-" + i).toList(), StandardCharsets.UTF_8);
    index = shared.resolve("index");
    Cli.Result r =
        Cli.ok(
            "index",
            "--model",
            model.toString(),
            "--data",
            DATA,
            "--out",
            index.toString(),
            "--ids",
            ids.toString());
    assertTrue(r.err().contains("indexed 600 rows"), r::toString);
  }

  /** The codes that {@code encode} writes for a part, in row order. */
  static List<JsonNode> codes(String part) throws IOException {
    return codes(part, null);
  }

  /** The same, with {@code encode --level-inference inference} (null: the model's own). */
  static List<JsonNode> codes(String part, String inference) throws IOException {
    Path out = shared.resolve("codes-" + part + "-" + inference + ".jsonl");
    if (!Files.exists(out)) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "encode",
                  "--model",
                  model.toString(),
                  "--data",
                  DATA,
                  "--part",
                  part,
                  "--out",
                  out.toString()));
      if (inference != null) {
        args.addAll(List.of("--level-inference", inference));
      }
      Cli.ok(args.toArray(String[]::new));
    }
    List<JsonNode> list = new ArrayList<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      list.add(Cli.JSON.readTree(line));
    }
    return list;
  }

  /** Σ over common dimensions, ascending, in double: the index's exact score. */
  static double dot(JsonNode a, JsonNode b) {
    double s = 0;
    int i = 0;
    int j = 0;
    JsonNode ai = a.get("indices");
    JsonNode bi = b.get("indices");
    while (i < ai.size() && j < bi.size()) {
      int x = ai.get(i).asInt();
      int y = bi.get(j).asInt();
      if (x == y) {
        s +=
            (double) (float) a.get("values").get(i).asDouble()
                * (float) b.get("values").get(j).asDouble();
        i++;
        j++;
      } else if (x < y) {
        i++;
      } else {
        j++;
      }
    }
    return s + 0.0;
  }

  @Test
  void searchFindsTheExactNearestCodes() throws IOException {
    Path out = shared.resolve("hits.jsonl");
    Cli.Result r =
        Cli.ok(
            "search",
            "--index",
            index.toString(),
            "--model",
            model.toString(),
            "--data",
            DATA,
            "--k",
            "5",
            "--out",
            out.toString(),
            "--exact");
    assertTrue(r.err().contains("identical ranking for 150 of 150 queries"), r::toString);
    List<JsonNode> train = codes("train");
    List<JsonNode> test = codes("test");
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(test.size(), lines.size());
    for (int q = 0; q < lines.size(); q++) {
      JsonNode line = Cli.JSON.readTree(lines.get(q));
      assertEquals(q, line.get("query").asInt());
      JsonNode hits = line.get("hits");
      assertEquals(5, hits.size(), lines.get(q));
      // Brute force over the codes that encode writes: score descending, then row ascending.
      JsonNode query = test.get(q);
      List<Integer> want =
          IntStream.range(0, TRAIN)
              .boxed()
              .sorted(
                  Comparator.<Integer>comparingDouble(d -> -dot(query, train.get(d)))
                      .thenComparing(d -> d))
              .limit(5)
              .toList();
      for (int h = 0; h < 5; h++) {
        int row = want.get(h);
        assertEquals("row-" + row, hits.get(h).get("id").asText(), "query " + q + " hit " + h);
        assertEquals(dot(query, train.get(row)), hits.get(h).get("score").asDouble(), 0.0);
        assertFalse(hits.get(h).has("label"), "synthetic rows have no labels");
      }
    }
  }

  @Test
  void queriesAreEncodedWithTheIndexsLevelInference() throws IOException {
    JsonNode recorded = Cli.JSON.readTree(index.resolve("sdlgm-index.json").toFile());
    assertEquals("exact", recorded.get("levelInference").asText(), "the model's own by default");
    Path headIndex = shared.resolve("index-head");
    Cli.ok(
        "index",
        "--model",
        model.toString(),
        "--data",
        DATA,
        "--out",
        headIndex.toString(),
        "--level-inference",
        "head");
    JsonNode info = Cli.JSON.readTree(headIndex.resolve("sdlgm-index.json").toFile());
    assertEquals("head", info.get("levelInference").asText());

    List<JsonNode> train = codes("train", "head");
    List<JsonNode> test = codes("test", "head");
    List<JsonNode> exactTest = codes("test");
    // Without this the test could not tell the two inferences apart.
    assertTrue(
        IntStream.range(0, test.size())
            .anyMatch(q -> !test.get(q).get("indices").equals(exactTest.get(q).get("indices"))),
        "head and exact give the same codes on every test row");
    Path out = shared.resolve("hits-head.jsonl");
    Cli.ok(
        "search",
        "--index",
        headIndex.toString(),
        "--model",
        model.toString(),
        "--data",
        DATA,
        "--k",
        "1",
        "--out",
        out.toString());
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(test.size(), lines.size());
    for (int q = 0; q < lines.size(); q++) {
      JsonNode query = test.get(q);
      JsonNode hit = Cli.JSON.readTree(lines.get(q)).get("hits").get(0);
      int row = Integer.parseInt(hit.get("id").asText());
      double best =
          IntStream.range(0, TRAIN).mapToDouble(d -> dot(query, train.get(d))).max().orElseThrow();
      // The score is the head-mode query's dot product with a head-mode document, and the best.
      assertEquals(dot(query, train.get(row)), hit.get("score").asDouble(), 0.0, "query " + q);
      assertEquals(best, hit.get("score").asDouble(), 0.0, "query " + q);
    }
  }

  @Test
  void withoutModelTheIndexsOwnIsUsed() throws IOException {
    Path given = shared.resolve("given.jsonl");
    Path recorded = shared.resolve("recorded.jsonl");
    Cli.ok(
        "search",
        "--index",
        index.toString(),
        "--model",
        model.toString(),
        "--data",
        DATA,
        "--out",
        given.toString());
    Cli.ok("search", "--index", index.toString(), "--data", DATA, "--out", recorded.toString());
    assertEquals(
        Files.readString(given, StandardCharsets.UTF_8),
        Files.readString(recorded, StandardCharsets.UTF_8));

    // A copy of the index whose recorded model has moved away: one line saying so.
    Path moved = shared.resolve("moved-index");
    Cli.copyTree(index, moved);
    Path info = moved.resolve("sdlgm-index.json");
    String gone = shared.resolve("gone-model").toAbsolutePath().toString();
    Files.writeString(
        info,
        Files.readString(info, StandardCharsets.UTF_8)
            .replace(model.toAbsolutePath().normalize().toString(), gone),
        StandardCharsets.UTF_8);
    Path out = shared.resolve("moved.jsonl");
    Cli.Result r =
        Cli.run("search", "--index", moved.toString(), "--data", DATA, "--out", out.toString());
    assertEquals(2, r.code(), r::toString);
    assertTrue(
        r.error().contains("the index was built from the model " + gone)
            && r.error().contains("does not exist any more")
            && r.error().contains("give --model DIR"),
        r::toString);
    assertFalse(Files.exists(out));
  }

  @Test
  void searchRefusesAnotherModel() throws IOException {
    Path other = shared.resolve("other-model");
    Cli.copyTree(model, other);
    byte[] params = Files.readAllBytes(other.resolve("model.params"));
    params[params.length - 1] ^= 1;
    Files.write(other.resolve("model.params"), params);
    Path out = shared.resolve("other.jsonl");
    Cli.Result r =
        Cli.run(
            "search",
            "--index",
            index.toString(),
            "--model",
            other.toString(),
            "--data",
            DATA,
            "--out",
            out.toString());
    assertEquals(2, r.code(), r::toString);
    assertTrue(
        r.error().contains("index was built from the model " + model.toAbsolutePath()),
        r::toString);
    assertFalse(r.err().contains("\tat "), "stack trace printed");
    assertFalse(Files.exists(out));
  }

  @Test
  void badInputGivesOneLineAndExit2() throws IOException {
    Path out = shared.resolve("bad.jsonl");
    String m = model.toString();
    expectError(
        "index directory does not exist",
        "search",
        "--index",
        shared.resolve("no-index").toString(),
        "--model",
        m,
        "--data",
        DATA,
        "--out",
        out.toString());
    expectError(
        "not a code index",
        "search",
        "--index",
        model.toString(),
        "--model",
        m,
        "--data",
        DATA,
        "--out",
        out.toString());
    expectError(
        "--k must be ≥ 1, got 0",
        "search",
        "--index",
        index.toString(),
        "--model",
        m,
        "--data",
        DATA,
        "--k",
        "0",
        "--out",
        out.toString());
    assertFalse(Files.exists(out), "an output file was written by a failed search");

    Path fresh = shared.resolve("fresh-index");
    Path shortIds = shared.resolve("short-ids.txt");
    Files.write(
        shortIds,
        IntStream.range(0, TRAIN - 1).mapToObj(i -> "r" + i).toList(),
        StandardCharsets.UTF_8);
    expectError(
        shortIds + ": 599 lines, but the data have 600 rows",
        "index",
        "--model",
        m,
        "--data",
        DATA,
        "--out",
        fresh.toString(),
        "--ids",
        shortIds.toString());
    Path longIds = shared.resolve("long-ids.txt");
    Files.write(
        longIds,
        IntStream.range(0, TRAIN + 3).mapToObj(i -> "r" + i).toList(),
        StandardCharsets.UTF_8);
    expectError(
        longIds + " line 601: more ids than the 600 rows",
        "index",
        "--model",
        m,
        "--data",
        DATA,
        "--out",
        fresh.toString(),
        "--ids",
        longIds.toString());
    Path dupIds = shared.resolve("dup-ids.txt");
    List<String> dup = new ArrayList<>(IntStream.range(0, TRAIN).mapToObj(i -> "r" + i).toList());
    dup.set(9, "r2");
    Files.write(dupIds, dup, StandardCharsets.UTF_8);
    expectError(
        dupIds + " line 10: duplicate id 'r2' (also on line 3)",
        "index",
        "--model",
        m,
        "--data",
        DATA,
        "--out",
        fresh.toString(),
        "--ids",
        dupIds.toString());
    assertFalse(Files.exists(fresh), "a failed index build left its directory");
    try (var s = Files.list(shared)) {
      assertTrue(
          s.noneMatch(p -> p.getFileName().toString().contains(".building-")),
          "a build directory was left");
    }

    expectError(
        "exists and is not empty; use --overwrite",
        "index",
        "--model",
        m,
        "--data",
        DATA,
        "--out",
        index.toString());
    expectError(
        "rows have 32 features, but the model was trained on 64",
        "index",
        "--model",
        m,
        "--data",
        "synthetic:n=50,seed=1,dim=32",
        "--out",
        fresh.toString());
    assertFalse(Files.exists(fresh));
  }

  @Test
  void denseVaeCodesAreRefused() {
    Path vae = shared.resolve("vae");
    Cli.ok(
        Cli.args(
            "train",
            "--data",
            DATA,
            Cli.TINY,
            "--method",
            "vae",
            "--epochs",
            "1",
            "--no-eval",
            "--out",
            vae.toString()));
    expectError(
        "a dense VAE (method vae)",
        "index",
        "--model",
        vae.toString(),
        "--data",
        DATA,
        "--out",
        shared.resolve("vae-index").toString());
    assertFalse(Files.exists(shared.resolve("vae-index")));
  }

  @Test
  void labelsOfTheDataAreStoredAndScored() throws IOException {
    // 200 rows of 8 values in [0,1]; the label is the position of the largest of the first two.
    java.util.Random r = new java.util.Random(3);
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      double[] x = r.doubles(8).toArray();
      for (double v : x) {
        csv.append(String.format(java.util.Locale.ROOT, "%.4f,", v));
      }
      csv.append(x[0] > x[1] ? 0 : 1).append('\n');
    }
    Path file = shared.resolve("rows.csv");
    Files.writeString(file, csv, StandardCharsets.UTF_8);
    String data = "csv:" + file + ",header=false,label=last";
    Path m = shared.resolve("csv-model");
    Cli.ok(
        Cli.args(
            "train",
            "--data",
            data,
            "--split",
            "0.8",
            Cli.TINY,
            "--epochs",
            "1",
            "--no-eval",
            "--out",
            m.toString()));
    Path idx = shared.resolve("csv-index");
    Cli.ok("index", "--model", m.toString(), "--data", data, "--out", idx.toString());
    Path out = shared.resolve("csv-hits.jsonl");
    Cli.Result res =
        Cli.ok(
            "search",
            "--index",
            idx.toString(),
            "--model",
            m.toString(),
            "--data",
            data,
            "--part",
            "train",
            "--k",
            "3",
            "--out",
            out.toString());
    assertTrue(res.err().contains("label precision@3: "), res::toString);
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(200, lines.size());
    String[] rows = csv.toString().split("\n");
    for (String line : lines) {
      for (JsonNode h : Cli.JSON.readTree(line).get("hits")) {
        String row = rows[Integer.parseInt(h.get("id").asText())];
        assertEquals(row.substring(row.lastIndexOf(',') + 1), h.get("label").asText(), line);
      }
    }
  }

  @Test
  void helpShowsAnExample() {
    for (String c : new String[] {"index", "search"}) {
      Cli.Result r = Cli.ok(c, "--help");
      assertTrue(r.out().contains("Usage: sdlgm " + c), r::toString);
      assertTrue(r.out().contains("Example: sdlgm " + c), r::toString);
      assertTrue(Cli.ok("--help").out().contains(c), c + " is not listed by sdlgm --help");
    }
  }

  private static void expectError(String fragment, String... args) {
    Cli.Result r = Cli.run(args);
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.error().contains(fragment), () -> "expected '" + fragment + "'\n" + r);
    assertFalse(r.err().contains("\tat "), () -> "stack trace printed\n" + r);
  }
}
