package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --task multilabel}, {@code eval} and {@code predict} end to end on a small synthetic
 * multi-label set with ground truth, and the multi-label bad inputs: each ends with exit 2, one
 * error line naming the culprit, and nothing written.
 */
class MultiLabelCliTest {
  /** 800 train / 200 test rows, 3,000 sparse features, 40 labels, |Y| in 1..4. */
  static final String SYN = "synthetic-ml:n=800,test=200,features=3000,labels=40,lmax=4,seed=3";

  @TempDir static Path shared;
  static Path model;
  static Cli.Result trained;

  @TempDir Path tmp;

  @BeforeAll
  static void trainOnce() {
    model = shared.resolve("tagger");
    trained =
        Cli.ok(
            "train",
            "--task",
            "multilabel",
            "--data",
            SYN,
            "--hidden",
            "64",
            "--epochs",
            "30",
            "--batch",
            "50",
            "--validation",
            "0.1",
            "-L",
            "4",
            "--out",
            model.toString());
  }

  @Test
  void trainWritesAModelDirectoryAndMetricsThatBeatChance() throws IOException {
    for (String f :
        List.of(
            "config.json",
            "model.params",
            "features.json",
            "history.csv",
            "metrics.json",
            "report/report.html",
            "report/set-size-confusion.png")) {
      assertTrue(Files.isRegularFile(model.resolve(f)), f + " missing");
    }
    JsonNode config = Cli.readJson(model.resolve("config.json"));
    assertEquals("sdlgm-tagger", config.get("format").asText());
    assertEquals(40, config.at("/data/labelNames").size());
    assertEquals(
        "tfidf",
        config.at("/data/featureTransform").asText(),
        "auto resolves to tf-idf on sparse counts");
    JsonNode count = Cli.readJson(model.resolve("metrics.json")).at("/evaluation/count");
    // Chance P@1 is about 2.5/40; the labels have clear feature signatures.
    assertTrue(count.get("p1").asDouble() > 0.6, "P@1 " + count.get("p1"));
    System.out.println("synthetic multi-label metrics: " + count);
    // |Y| is uniform on 1..4: any constant guess has count accuracy ≤ 0.25 and mean |L̂ − |Y|| ≥ 1.
    assertTrue(
        count.get("countAccuracy").asDouble() > 0.35,
        "count accuracy " + count.get("countAccuracy"));
    assertTrue(
        count.get("meanAbsCountError").asDouble() < 0.9,
        "mean abs count error " + count.get("meanAbsCountError"));
    assertTrue(count.get("meanPredictedSetSize").asDouble() <= 4);
    assertTrue(trained.out().contains("set rule: count"), trained.out());
    assertEquals(31, Files.readAllLines(model.resolve("history.csv")).size(), "header + 30 epochs");
  }

  @Test
  void predictWritesNamedLabelSetsNeverLargerThanL0() throws IOException {
    Path out = tmp.resolve("tags.jsonl");
    Cli.ok("predict", "--model", model.toString(), "--top", "6", "--out", out.toString());
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(200, lines.size());
    Set<Integer> levels = new HashSet<>();
    for (String line : lines) {
      JsonNode row = Cli.JSON.readTree(line);
      int l = row.get("L").asInt();
      levels.add(l);
      assertTrue(l >= 1 && l <= 4, line);
      assertEquals(l, row.get("labels").size());
      assertEquals(l, row.get("scores").size());
      assertEquals(6, row.get("ranked").size());
      assertEquals(4, row.get("pL").size());
      for (int i = 0; i < l; i++) {
        assertEquals(row.get("ranked").get(i).asText(), row.get("labels").get(i).asText());
      }
    }
    assertTrue(levels.size() >= 2, "the set size should vary with the input: " + levels);
  }

  @Test
  void evalReproducesTheTrainingMetricsAndWritesJson() throws IOException {
    Path json = tmp.resolve("m.json");
    Cli.Result r = Cli.ok("eval", "--model", model.toString(), "--json", json.toString());
    assertTrue(r.out().contains("P@1"), r.out());
    JsonNode evaluated = Cli.readJson(json);
    JsonNode trained = Cli.readJson(model.resolve("metrics.json"));
    // One shape: eval --json has every member of the metrics.json that train wrote.
    trained.fieldNames().forEachRemaining(f -> assertTrue(evaluated.has(f), f));
    assertEquals(trained.path("format"), evaluated.path("format"));
    double p1 = evaluated.at("/evaluation/count/p1").asDouble();
    double trainedP1 = trained.at("/evaluation/count/p1").asDouble();
    assertEquals(trainedP1, p1, 1e-12, "a saved and reloaded model scores exactly the same");
  }

  @Test
  void brMlpReportsThresholdAndTopKRules() throws IOException {
    Path dir = tmp.resolve("br");
    Cli.Result r =
        Cli.ok(
            "train",
            "--task",
            "multilabel",
            "--method",
            "br-mlp",
            "--data",
            SYN,
            "--hidden",
            "32",
            "--epochs",
            "2",
            "--validation",
            "0",
            "--no-report",
            "--out",
            dir.toString());
    JsonNode ev = Cli.readJson(dir.resolve("metrics.json")).get("evaluation");
    assertTrue(ev.has("threshold") && ev.has("top-k"), ev.toString());
    JsonNode config = Cli.readJson(dir.resolve("config.json"));
    int k = config.at("/model/topK").asInt();
    assertEquals(
        Math.round(config.at("/data/trainLabelCardinality").asDouble()),
        k,
        "k defaults to the rounded training label cardinality");
    assertEquals(k, ev.at("/top-k/meanPredictedSetSize").asDouble(), 1e-9);
    assertTrue(r.out().contains("set rule: threshold"));
  }

  private Cli.Result expectBadInput(Path out, String mention, String... args) throws IOException {
    Cli.Result r = Cli.run(args);
    assertEquals(2, r.code(), () -> "sdlgm " + String.join(" ", args) + "\n" + r);
    String line = r.error();
    assertTrue(
        line.contains(mention), () -> "error line does not mention '" + mention + "': " + line);
    assertFalse(r.err().contains("\tat "), () -> "stack trace:\n" + r.err());
    if (out != null) {
      assertEquals(List.of(), Cli.filesUnder(out), "output left behind in " + out);
    }
    return r;
  }

  @Test
  void optionsOfTheOtherTaskAreRejected() throws IOException {
    Path out = tmp.resolve("x");
    expectBadInput(
        out,
        "--decoder",
        "train",
        "--task",
        "multilabel",
        "--data",
        SYN,
        "--decoder",
        "linear",
        "--out",
        out.toString());
    expectBadInput(
        out,
        "--objective",
        "train",
        "--data",
        "synthetic",
        "--objective",
        "plackett-luce",
        "--out",
        out.toString());
    expectBadInput(
        out, "--task", "train", "--task", "tagging", "--data", SYN, "--out", out.toString());
  }

  @Test
  void aCapAboveTheLabelCountIsRejectedBeforeTraining() throws IOException {
    Path out = tmp.resolve("x");
    expectBadInput(
        out,
        "exceeds the 40 labels",
        "train",
        "--task",
        "multilabel",
        "--data",
        SYN,
        "-L",
        "41",
        "--out",
        out.toString());
  }

  @Test
  void dataWithOtherFeaturesOrLabelsIsRejected() throws IOException {
    Path out = tmp.resolve("p.jsonl");
    expectBadInput(
        tmp,
        "features, but the model was trained on 3000",
        "predict",
        "--model",
        model.toString(),
        "--data",
        "synthetic-ml:n=50,test=0,features=2000,labels=40",
        "--out",
        out.toString());
    expectBadInput(
        tmp,
        "labels that differ",
        "eval",
        "--model",
        model.toString(),
        "--data",
        "synthetic-ml:n=50,test=20,features=3000,labels=30");
  }

  @Test
  void anUnsupervisedModelIsNotAcceptedByPredict() throws IOException {
    Path unsup = tmp.resolve("unsup");
    Cli.trainTiny(unsup, 1, "--no-eval");
    expectBadInput(
        null,
        "unsupervised model",
        "predict",
        "--model",
        unsup.toString(),
        "--out",
        tmp.resolve("p.jsonl").toString());
    expectBadInput(
        null,
        "multi-label model",
        "encode",
        "--model",
        model.toString(),
        "--data",
        Cli.SYN,
        "--out",
        tmp.resolve("c.jsonl").toString());
  }

  @Test
  void aStoppedRunResumesFromItsLastEpoch() throws IOException {
    Path dir = tmp.resolve("resumed");
    String[] base = {
      "train",
      "--task",
      "multilabel",
      "--data",
      SYN,
      "--hidden",
      "16",
      "--validation",
      "0.1",
      "--keep-best",
      "--no-report",
      "--out",
      dir.toString()
    };
    Cli.ok(Cli.args(base, "--epochs", "2"));
    List<String> first = Files.readAllLines(dir.resolve("history.csv"));
    Cli.Result r = Cli.ok(Cli.args(base, "--epochs", "4", "--resume"));
    List<String> all = Files.readAllLines(dir.resolve("history.csv"));
    assertEquals(5, all.size(), "header + 2 epochs before the stop + 2 after: " + all);
    for (int i = 1; i < first.size(); i++) {
      assertEquals(first.get(i), all.get(i), "epochs before the stop are kept as they were");
    }
    assertTrue(all.get(4).startsWith("4,"), all.get(4));
    assertTrue(Files.isRegularFile(dir.resolve("metrics.json")), r.toString());

    expectBadInput(
        null,
        "model.hidden '[16]'",
        Cli.args(
            "train",
            "--task",
            "multilabel",
            "--data",
            SYN,
            "--hidden",
            "32",
            "--validation",
            "0.1",
            "--keep-best",
            "--no-report",
            "--out",
            dir.toString(),
            "--epochs",
            "5",
            "--resume"));
    expectBadInput(
        null,
        "no checkpoint to resume from",
        Cli.args(
            "train",
            "--task",
            "multilabel",
            "--data",
            SYN,
            "--out",
            tmp.resolve("fresh").toString(),
            "--resume"));
  }

  @Test
  void arffProblemsNameFileAndLine() throws IOException {
    Path bad = tmp.resolve("bad.arff");
    Files.writeString(
        bad,
        String.join(
            "\n",
            "@relation r",
            "@attribute f1 numeric",
            "@attribute f2 numeric",
            "@attribute a {0,1}",
            "@attribute b {0,1}",
            "@data",
            "0.5,1,0,1",
            "0.1,0.2,2,0",
            ""));
    expectBadInput(
        tmp.resolve("m"),
        "bad.arff",
        "train",
        "--task",
        "multilabel",
        "--data",
        "arff:" + bad,
        "--labels",
        "last:2",
        "--out",
        tmp.resolve("m").toString());
  }

  @Test
  void officialSplitOfASharedMulanSetTrains() throws IOException {
    Path emotions = Cli.sharedData().resolve("emotions");
    Assumptions.assumeTrue(
        Files.isDirectory(emotions), "skipping: shared data not found at " + emotions);
    Path out = tmp.resolve("emo");
    Cli.ok(
        "train",
        "--task",
        "multilabel",
        "--data",
        "mulan:" + emotions,
        "--hidden",
        "32",
        "--epochs",
        "3",
        "--out",
        out.toString());
    JsonNode m = Cli.readJson(out.resolve("metrics.json"));
    assertEquals(202, m.get("testSize").asInt(), "the official test part of emotions");
    try (Stream<Path> s = Files.list(out)) {
      assertTrue(s.noneMatch(p -> p.toString().endsWith(".tmp")));
    }
  }

  @Test
  void benchResolvesTheConfigurationLikeTrain() throws IOException {
    // Options the user gives are kept (here --top-k), and L0 is filled in from the data.
    Path json = tmp.resolve("bench.json");
    Cli.ok(
        "bench",
        "--task",
        "multilabel",
        "--data",
        SYN,
        "--rows",
        "200",
        "--epochs",
        "1",
        "--hidden",
        "32",
        "--top-k",
        "7",
        "--encode-rows",
        "100",
        "--json",
        json.toString());
    JsonNode b = Cli.readJson(json);
    assertEquals(7, b.path("model").path("topK").asInt(), b.toString());
    assertTrue(b.path("model").path("maxLevel").asInt() >= 1, b.toString());
    for (String f :
        new String[] {
          "trainExamplesPerSecond", "predictRowsPerSecondBatch500", "calibrationMatmulGflops"
        }) {
      assertTrue(b.path(f).asDouble() > 0, f + " in " + b);
    }
  }
}
