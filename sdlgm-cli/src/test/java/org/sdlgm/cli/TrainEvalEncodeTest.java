package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** train → eval → encode, end to end on a tiny synthetic source and a tiny model. */
class TrainEvalEncodeTest {
  @TempDir static Path shared;
  static Path model;
  static Cli.Result trained;

  @BeforeAll
  static void train() {
    model = shared.resolve("model");
    trained = Cli.trainTiny(model, 2);
  }

  @Test
  void trainWritesTheModelDirectory() throws IOException {
    for (String f : List.of("config.json", "model.params", "history.csv", "metrics.json")) {
      assertTrue(Files.isRegularFile(model.resolve(f)), f + " missing; " + Cli.filesUnder(model));
    }
    Cli.assertNoTmp(model);
    assertTrue(trained.out().contains("model written to " + model), trained::toString);

    JsonNode config = Cli.readJson(model.resolve("config.json"));
    assertEquals("sdlgm-model", config.path("format").asText());
    assertEquals(1, config.path("formatVersion").asInt());

    JsonNode ev = Cli.readJson(model.resolve("metrics.json")).path("evaluation");
    assertTrue(ev.isObject(), "metrics.json has no evaluation object");
    assertTrue(ev.path("nnz").path("max").isNumber(), "evaluation.nnz.max missing");
    assertTrue(ev.path("nnz").path("max").asInt() <= 4, () -> "nnz.max > L0: " + ev.path("nnz"));
    assertTrue(
        ev.path("recovery").path("spearmanLevel").isNumber(),
        () -> "evaluation.recovery.spearmanLevel is not a number: " + ev.path("recovery"));
  }

  @Test
  void historyHasOneRowPerEpoch() throws IOException {
    List<String> lines = Files.readAllLines(model.resolve("history.csv"), StandardCharsets.UTF_8);
    assertEquals(3, lines.size(), () -> "header + 2 epochs expected: " + lines);
    assertTrue(lines.get(0).startsWith("epoch,"), lines.get(0));
    assertTrue(lines.get(1).startsWith("1,"), lines.get(1));
    assertTrue(lines.get(2).startsWith("2,"), lines.get(2));
  }

  @Test
  void evalPrintsTheRecoveryOfSparsity() {
    Cli.Result r = Cli.ok("eval", "--model", model.toString(), "--no-probe");
    assertTrue(r.out().contains("Spearman"), r::toString);
    assertTrue(r.out().contains("nnz per code"), r::toString);
  }

  @Test
  void encodeJsonLines() throws IOException {
    Path out = shared.resolve("codes.jsonl");
    Cli.ok(
        "encode",
        "--model",
        model.toString(),
        "--data",
        Cli.SYN,
        "--part",
        "test",
        "--out",
        out.toString());
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(100, lines.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode c = Cli.JSON.readTree(lines.get(i));
      assertTrue(c.isObject(), lines.get(i));
      for (String f : List.of("id", "L", "indices", "values", "pL")) {
        assertTrue(c.has(f), "line " + (i + 1) + " lacks " + f + ": " + lines.get(i));
      }
      assertEquals(i, c.get("id").asInt());
      int nnz = c.get("indices").size();
      assertTrue(nnz <= 4, "more than L0 = 4 non-zeros: " + lines.get(i));
      assertEquals(nnz, c.get("values").size(), lines.get(i));
      assertTrue(c.get("L").asInt() <= 4, lines.get(i));
      assertTrue(c.get("L").asInt() >= 1, lines.get(i));
      for (JsonNode ix : c.get("indices")) {
        assertTrue(ix.asInt() >= 0 && ix.asInt() < 16, lines.get(i));
      }
    }
    Cli.assertNoTmp(shared);
  }

  @Test
  void encodeCsv() throws IOException {
    Path out = shared.resolve("codes.csv");
    Cli.ok(
        "encode",
        "--model",
        model.toString(),
        "--data",
        Cli.SYN,
        "--part",
        "test",
        "--out",
        out.toString());
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    StringBuilder header = new StringBuilder("id,L,nnz");
    for (int j = 0; j < 16; j++) {
      header.append(",z").append(j);
    }
    assertEquals(header.toString(), lines.get(0));
    assertEquals(101, lines.size());
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      assertEquals(19, f.length, line);
      assertTrue(nonZeros(f) <= 4, line);
      assertEquals(Integer.parseInt(f[2]), nonZeros(f), line);
    }
  }

  @Test
  void encodingIsDeterministic() throws IOException {
    for (String ext : List.of("jsonl", "csv")) {
      Path a = shared.resolve("a." + ext);
      Path b = shared.resolve("b." + ext);
      Cli.ok(
          "encode",
          "--model",
          model.toString(),
          "--data",
          Cli.SYN,
          "--part",
          "test",
          "--out",
          a.toString());
      Cli.ok(
          "encode",
          "--model",
          model.toString(),
          "--data",
          Cli.SYN,
          "--part",
          "test",
          "--out",
          b.toString());
      assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), ext + " encodings differ");
    }
  }

  /** Each alternative method trains for one epoch; the sparse ones never exceed L0. */
  @ParameterizedTest
  @ValueSource(strings = {"sdlgm-fixed", "vae", "topk-ae"})
  void everyMethodTrains(String method, @TempDir Path dir) throws IOException {
    Path m = dir.resolve("m");
    Cli.trainTiny(m, 1, "--method", method, "--no-eval");
    assertTrue(Files.isRegularFile(m.resolve("config.json")));
    assertTrue(Files.isRegularFile(m.resolve("model.params")));
    assertTrue(!Files.exists(m.resolve("metrics.json")), "--no-eval wrote metrics.json");
    if (method.equals("vae")) {
      return;
    }
    Path jsonl = dir.resolve("codes.jsonl");
    Cli.ok(
        "encode",
        "--model",
        m.toString(),
        "--data",
        Cli.SYN,
        "--part",
        "test",
        "--out",
        jsonl.toString());
    List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
    assertEquals(100, lines.size());
    List<Integer> over = new ArrayList<>();
    for (String line : lines) {
      JsonNode c = Cli.JSON.readTree(line);
      if (c.get("indices").size() > 4) {
        over.add(c.get("id").asInt());
      }
    }
    assertTrue(over.isEmpty(), method + ": rows with more than L0 = 4 non-zeros: " + over);
    Path csv = dir.resolve("codes.csv");
    Cli.ok(
        "encode",
        "--model",
        m.toString(),
        "--data",
        Cli.SYN,
        "--part",
        "test",
        "--out",
        csv.toString());
    for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8).subList(1, 101)) {
      assertTrue(nonZeros(line.split(",", -1)) <= 4, method + ": " + line);
    }
  }

  @Test
  void benchWritesThroughputPhasesAndMemory(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("bench.json");
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "--data",
                Cli.SYN,
                "--rows",
                "200",
                "--epochs",
                "2",
                "--encode-rows",
                "100",
                "--json",
                json.toString(),
                "-K",
                "16",
                "-L",
                "4",
                "--encoder",
                "32",
                "--decoder-hidden",
                "32"));
    Cli.Result r = Cli.ok(args.toArray(new String[0]));
    assertTrue(r.out().contains("forward"), r.toString());
    JsonNode b = Cli.readJson(json);
    for (String f :
        new String[] {
          "trainExamplesPerSecond",
          "encodeExamplesPerSecondBatch100",
          "encodeExamplesPerSecondBatch1000",
          "peakHeapBytes",
          "calibrationMatmulGflops"
        }) {
      assertTrue(b.path(f).asDouble() > 0, f + " in " + b);
    }
    JsonNode phases = b.path("trainStepMillis");
    for (String f : new String[] {"forward", "backward", "update"}) {
      assertTrue(phases.path(f).asDouble() > 0, "trainStepMillis." + f + " in " + b);
    }
  }

  private static int nonZeros(String[] fields) {
    int n = 0;
    for (int j = 3; j < fields.length; j++) {
      if (Float.parseFloat(fields[j]) != 0f) {
        n++;
      }
    }
    return n;
  }
}
