package org.sdlgm.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.SdlgmException;

/** Experiment files: YAML and JSON forms, the grid they define, and every bad file's message. */
class ExperimentSpecTest {
  @TempDir Path tmp;

  private Path file(String name, String text) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private String error(String name, String text) throws IOException {
    Path f = file(name, text);
    return assertThrows(SdlgmException.class, () -> ExperimentSpec.read(f)).getMessage();
  }

  @Test
  void yamlGridExpandsInOrderWithEveryOptionSource() throws IOException {
    ExperimentSpec s =
        ExperimentSpec.read(
            file(
                "g.yaml",
                String.join(
                    "\n",
                    "name: grid",
                    "task: unsupervised",
                    "datasets:",
                    "  syn: {data: \"synthetic:n=100\", options: [--epochs, \"2\"]}",
                    "  csv: {data: \"csv:x.csv\", test: \"csv:y.csv\"}",
                    "methods: [sdlgm, topk-ae]",
                    "l0: [\"4\", auto]",
                    "seeds: [1, 2]",
                    "options: [-K, \"16\"]",
                    "methodOptions: {sdlgm: [--hard]}",
                    "")));
    List<ExperimentCell> cells = s.cells();
    assertEquals(16, cells.size());
    assertEquals(new ExperimentCell("syn", "sdlgm", "4", 1), cells.get(0));
    assertEquals("syn-sdlgm-L4-s1", cells.get(0).name());
    assertEquals(new ExperimentCell("csv", "topk-ae", "auto", 2), cells.get(15));
    assertEquals(
        List.of(
            "train",
            "--task",
            "unsupervised",
            "--data",
            "synthetic:n=100",
            "--method",
            "sdlgm",
            "-L",
            "4",
            "--seed",
            "1",
            "-K",
            "16",
            "--epochs",
            "2",
            "--hard"),
        s.trainArguments(cells.get(0)));
    assertEquals(
        List.of(
            "train",
            "--task",
            "unsupervised",
            "--data",
            "csv:x.csv",
            "--test",
            "csv:y.csv",
            "--method",
            "topk-ae",
            "--seed",
            "2",
            "-K",
            "16"),
        s.trainArguments(cells.get(15)));
  }

  @Test
  void methodVariantsTrainTheBaseMethodWithTheirOwnOptions() throws IOException {
    ExperimentSpec s =
        ExperimentSpec.read(
            file(
                "v.yaml",
                "datasets:\n  a: {data: synthetic}\n"
                    + "methods: [sdlgm, \"sdlgm:recipe\"]\nmethodOptions: {\"sdlgm:recipe\": [--hard]}\n"));
    ExperimentCell v = s.cells().get(1);
    assertEquals("a-sdlgm_recipe-Lauto-s1", v.name());
    assertEquals(
        List.of(
            "train",
            "--task",
            "unsupervised",
            "--data",
            "synthetic",
            "--method",
            "sdlgm",
            "--seed",
            "1",
            "--hard"),
        s.trainArguments(v));
    assertTrue(
        error("w.yaml", "datasets:\n  a: {data: synthetic}\nmethods: [\"vae2:x\"]\n")
            .contains("unknown method 'vae2'"));
  }

  @Test
  void jsonFormWithDefaults() throws IOException {
    ExperimentSpec s =
        ExperimentSpec.read(
            file(
                "g.json",
                "{\"task\":\"multilabel\",\"datasets\":{\"b\":{\"data\":\"mulan:d\"}},\"methods\":[\"br-mlp\"]}"));
    assertEquals(List.of("auto"), s.l0());
    assertEquals(List.of(1L), s.seeds());
    assertEquals("experiment", s.name());
    assertEquals(1, s.cells().size());
  }

  @Test
  void malformedYamlNamesFileLineAndColumn() throws IOException {
    String m =
        error("bad.yaml", "name: x\ndatasets:\n  a: {data: \"synthetic\"\nmethods: [sdlgm]\n");
    assertTrue(m.startsWith(tmp.resolve("bad.yaml") + ":"), m);
    assertTrue(m.matches(".*bad\\.yaml:\\d+:\\d+: malformed experiment file: .*"), m);
    assertTrue(!m.contains("\n"), "one line: " + m);
  }

  @Test
  void unknownFieldIsNamed() throws IOException {
    String m = error("u.yaml", "name: x\nmethod: [sdlgm]\ndatasets:\n  a: {data: synthetic}\n");
    assertTrue(
        m.contains("unknown field 'method'") && m.contains("u.yaml") && m.contains("methods"), m);
  }

  @Test
  void unknownMethodForTheTaskIsRejected() throws IOException {
    String m =
        error(
            "m.yaml",
            "task: multilabel\ndatasets:\n  a: {data: \"mulan:x\"}\nmethods: [sdlgm, vae]\n");
    assertTrue(m.contains("unknown multi-label method 'vae'"), m);
    String m2 =
        error("m2.yaml", "datasets:\n  a: {data: synthetic}\nmethods: [sdlgm, sparse-pca]\n");
    assertTrue(m2.contains("unknown method 'sparse-pca'"), m2);
  }

  @Test
  void otherBadGrids() throws IOException {
    assertTrue(error("a.yaml", "methods: [sdlgm]\n").contains("no datasets"));
    assertTrue(error("b.yaml", "datasets:\n  a: {data: synthetic}\n").contains("no methods"));
    assertTrue(
        error("c.yaml", "datasets:\n  a: {data: synthetic}\nmethods: [sdlgm]\nl0: [\"0\"]\n")
            .contains("l0 values must be integers"));
    assertTrue(
        error(
                "d.yaml",
                "datasets:\n  a: {data: synthetic}\nmethods: [sdlgm]\nmethodOptions: {vae: [--x]}\n")
            .contains("not in methods"));
    assertTrue(
        error("e.yaml", "datasets:\n  a/b: {data: synthetic}\nmethods: [sdlgm]\n")
            .contains("dataset name 'a/b'"));
    assertTrue(
        error("f.yaml", "datasets:\n  a: {test: synthetic}\nmethods: [sdlgm]\n")
            .contains("has no 'data' spec"));
    assertTrue(
        error("g.yaml", "task: tagging\ndatasets:\n  a: {data: synthetic}\nmethods: [sdlgm]\n")
            .contains("task must be"));
  }

  private static final String TARGET_GRID =
      String.join(
          "\n",
          "datasets:",
          "  syn: {data: \"synthetic:n=100\", options: [-K, \"16\"]}",
          "methods: [sdlgm, \"sdlgm:plain\", batchtopk-ae, vsc, topk-ae, sdlgm-fixed, vae]",
          "targets: [3, 10]",
          "seeds: [7]",
          "seedsPerTarget: {\"3\": [1, 2]}",
          "methodOptions: {\"sdlgm:plain\": [--plain], vae: [-L, \"16\"]}",
          "");

  private static List<String> train(String method, String... rest) {
    List<String> a =
        new java.util.ArrayList<>(
            List.of(
                "train",
                "--task",
                "unsupervised",
                "--data",
                "synthetic:n=100",
                "--method",
                method));
    a.addAll(List.of(rest));
    return a;
  }

  @Test
  void targetsGiveBudgetMethodsATargetAndALooserCapAndFixedKMethodsK() throws IOException {
    ExperimentSpec s = ExperimentSpec.read(file("t.yaml", TARGET_GRID));
    assertTrue(s.hasTargets());
    assertEquals(List.of(), s.l0());
    List<ExperimentCell> cells = s.cells();
    // 7 methods × (2 seeds at target 3 + 1 seed at target 10).
    assertEquals(21, cells.size());
    assertEquals(new ExperimentCell("syn", "sdlgm", "6", "3", 1), cells.get(0));
    assertEquals("syn-sdlgm-T3-s1", cells.get(0).name());
    assertEquals(
        List.of(1L, 2L, 7L), cells.subList(0, 3).stream().map(ExperimentCell::seed).toList());
    assertEquals(
        train("sdlgm", "-L", "6", "--target-nnz", "3", "--seed", "1", "-K", "16"),
        s.trainArguments(cells.get(0)));
    // 2 × 10 = 20 > K = 16: the cap is K.
    assertEquals(
        train("sdlgm", "-L", "16", "--target-nnz", "10", "--seed", "7", "-K", "16"),
        s.trainArguments(cells.get(2)));
    assertEquals("syn-sdlgm_plain-T3-s2", cells.get(4).name());
    assertEquals(
        train("sdlgm", "-L", "6", "--target-nnz", "3", "--seed", "2", "-K", "16", "--plain"),
        s.trainArguments(cells.get(4)));
    assertEquals(
        train("batchtopk-ae", "-L", "6", "--target-nnz", "3", "--seed", "1", "-K", "16"),
        s.trainArguments(cells.get(6)));
    assertEquals(
        train("vsc", "-L", "16", "--target-nnz", "10", "--seed", "7", "-K", "16"),
        s.trainArguments(cells.get(11)));
    ExperimentCell topk = cells.get(12);
    assertEquals("syn-topk-ae-T3-s1", topk.name());
    assertEquals(train("topk-ae", "-L", "3", "--seed", "1", "-K", "16"), s.trainArguments(topk));
    assertEquals(
        train("sdlgm-fixed", "-L", "10", "--seed", "7", "-K", "16"),
        s.trainArguments(cells.get(17)));
    ExperimentCell vae = cells.get(18);
    assertEquals(new ExperimentCell("syn", "vae", "auto", "3", 1), vae);
    assertEquals("syn-vae-T3-s1", vae.name());
    // vae takes neither; its -L comes from methodOptions (the default 20 > K = 16).
    assertEquals(train("vae", "--seed", "1", "-K", "16", "-L", "16"), s.trainArguments(vae));
  }

  @Test
  void capFactorRoundsUpInDecimalsAndTargetsAreWrittenCanonically() throws IOException {
    ExperimentSpec s =
        ExperimentSpec.read(
            file(
                "c.json",
                "{\"datasets\":{\"a\":{\"data\":\"synthetic\"}},"
                    + "\"methods\":[\"vsc\"],\"targets\":[\"10.0\",4.5],\"capFactor\":1.1,"
                    + "\"seedsPerTarget\":{\"10\":[3]}}"));
    List<ExperimentCell> c = s.cells();
    assertEquals(
        List.of("a-vsc-T10-s3", "a-vsc-T4.5-s1"),
        c.subList(0, 2).stream().map(ExperimentCell::name).toList());
    // 1.1 × 10 = 11 exactly (not 12 from 11.000000000000002); 1.1 × 4.5 = 4.95 → 5.
    assertEquals(List.of("11", "5"), c.subList(0, 2).stream().map(ExperimentCell::l0).toList());
    assertEquals(
        List.of(
            "train",
            "--task",
            "unsupervised",
            "--data",
            "synthetic",
            "--method",
            "vsc",
            "-L",
            "11",
            "--target-nnz",
            "10",
            "--seed",
            "3"),
        s.trainArguments(c.get(0)));
    assertTrue(
        error(
                "c2.json",
                "{\"datasets\":{\"a\":{\"data\":\"synthetic\"}},"
                    + "\"methods\":[\"vsc\",\"topk-ae\"],\"targets\":[4.5]}")
            .contains("not an integer, but topk-ae"));
  }

  @Test
  void aDataSetMayListItsOwnTargets() throws IOException {
    ExperimentSpec s =
        ExperimentSpec.read(
            file(
                "o.yaml",
                String.join(
                    "\n",
                    "datasets:",
                    "  big: {data: \"synthetic:n=100\"}",
                    "  small: {data: \"synthetic:n=50\", targets: [2], options: [-K, \"8\"]}",
                    "methods: [sdlgm]",
                    "targets: [5, 20]",
                    "seedsPerTarget: {\"2\": [1, 2, 3]}",
                    "")));
    assertEquals(
        List.of(
            "big-sdlgm-T5-s1",
            "big-sdlgm-T20-s1",
            "small-sdlgm-T2-s1",
            "small-sdlgm-T2-s2",
            "small-sdlgm-T2-s3"),
        s.cells().stream().map(ExperimentCell::name).toList());
    assertEquals("40", s.cells().get(1).l0());
  }

  @Test
  void badTargetGridsNameTheFile() throws IOException {
    String base = "datasets:\n  a: {data: synthetic}\nmethods: [sdlgm, topk-ae]\n";
    String[][] cases = {
      {"l0: [\"4\"]\ntargets: [2]\n", "'l0' and 'targets' are alternative axes"},
      {
        "targets: [2, 3]\nseedsPerTarget: {\"5\": [1]}\n",
        "seedsPerTarget names target '5', which is not in targets [2, 3]"
      },
      {"targets: [2]\nseedsPerTarget: {\"2\": []}\n", "no seeds for target 2"},
      {"seedsPerTarget: {\"2\": [1]}\n", "'seedsPerTarget' needs 'targets'"},
      {"targets: [two]\n", "targets must be numbers > 0"},
      {"targets: [0]\n", "targets must be numbers > 0"},
      {"targets: [2, 2.0]\n", "target 2 is listed twice"},
      {"targets: [2]\ncapFactor: 0.5\n", "capFactor must be a number ≥ 1"},
      {"targets: [20]\noptions: [-K, \"16\"]\n", "target 20 exceeds K = 16"},
      {"targets: [2]\noptions: [-L, \"8\"]\n", "option '-L' of a/sdlgm conflicts with 'targets'"},
      {
        "targets: [2]\nmethodOptions: {topk-ae: [--target-nnz=3]}\n",
        "option '--target-nnz=3' of a/topk-ae"
      },
      {"task: multilabel\ntargets: [2]\n", "unknown multi-label method 'topk-ae'"},
    };
    for (String[] c : cases) {
      String m = error("bad.yaml", base + c[0]);
      assertTrue(m.startsWith(tmp.resolve("bad.yaml") + ":") && m.contains(c[1]), c[0] + " → " + m);
    }
    String ml =
        error(
            "ml.yaml",
            "task: multilabel\ndatasets:\n  a: {data: \"mulan:x\"}\nmethods: [sdlgm]\ntargets: [2]\n");
    assertTrue(
        ml.contains("'targets' (budgets of non-zeros per code) are for unsupervised grids"), ml);
    String vae =
        error(
            "vae.yaml",
            "datasets:\n  a: {data: synthetic}\nmethods: [vae]\ntargets: [2]\noptions: [-K, \"16\"]\n");
    assertTrue(
        vae.contains(
            "vae of a gets no -L from 'targets', and the default L0 = 20 exceeds K = 16; "
                + "add methodOptions {vae: [-L, \"16\"]}"),
        vae);
    String own =
        error("own.yaml", "datasets:\n  a: {data: synthetic, targets: [2]}\nmethods: [sdlgm]\n");
    assertTrue(own.contains("dataset 'a' lists targets"), own);
  }

  /** The base of most bad files below: lines 1–3. */
  private static final String BASE = "datasets:\n  a: {data: synthetic}\nmethods: [sdlgm]\n";

  /**
   * Every check of a spec's content, each with a file whose offending line ends in the comment
   * {@code #<}: the message must start with {@code FILE:LINE:COLUMN: } for that line and name the
   * problem.
   */
  @Test
  void everyContentErrorNamesTheLineOfTheOffendingNode() throws IOException {
    String[][] cases = {
      // Fields, types and shapes.
      {
        "name: x\nmethod: [sdlgm]  #<\ndatasets:\n  a: {data: synthetic}\n",
        "unknown field 'method'"
      },
      {
        "datasets:\n  a:\n    data: synthetic\n    tset: y  #<\nmethods: [sdlgm]\n",
        "unknown field 'tset' in Dataset"
      },
      {BASE + "seeds:\n  - 1\n  - x  #<\n", "seeds[1]"},
      {BASE + "seeds: [1, 2.5]  #<\n", "seeds[1]"},
      {BASE + "capFactor: big  #<\n", "capFactor"},
      {BASE + "methodOptions:\n  sdlgm: [--hard, [x]]  #<\n", "methodOptions.sdlgm[1]"},
      {"datasets:\n  a: [synthetic]  #<\nmethods: [sdlgm]\n", "datasets.a"},
      {"datasets:\n  a: {data: synthetic}\nmethods: sdlgm  #<\n", "methods"},
      {BASE + "seeds: [1, ~]  #<\n", "an empty item in seeds"},
      {BASE + "options:\n  - --hard\n  -  #<\n", "an empty item in options"},
      {BASE + "methodOptions:\n  sdlgm:  #<\n", "methodOptions gives no options for 'sdlgm'"},
      // Duplicate keys and extra documents.
      {BASE + "methods: [vae]  #<\n", "duplicate key 'methods' (first at line 3)"},
      {
        "datasets:\n  a: {data: synthetic}\n  a: {data: other}  #<\nmethods: [sdlgm]\n",
        "duplicate key 'a' (first at line 2)"
      },
      {
        "datasets:\n  a: {data: synthetic, data: other}  #<\nmethods: [sdlgm]\n",
        "duplicate key 'data'"
      },
      {BASE + "---\ndatasets:  #<\n  b: {data: synthetic}\nmethods: [vae]\n", "a second document"},
      // The grid.
      {"task: tagging  #<\n" + BASE, "task must be unsupervised or multilabel"},
      {"datasets: {}  #<\nmethods: [sdlgm]\n", "no datasets"},
      {"datasets:\n  a: {data: synthetic}\nmethods: []  #<\n", "no methods"},
      {BASE + "seeds: []  #<\n", "'seeds' is empty"},
      {"datasets:\n  a: {test: synthetic}  #<\nmethods: [sdlgm]\n", "dataset 'a' has no 'data'"},
      {"datasets:\n  a:  #<\nmethods: [sdlgm]\n", "dataset 'a' has no 'data' spec"},
      {"datasets:\n  a/b: {data: synthetic}  #<\nmethods: [sdlgm]\n", "dataset name 'a/b'"},
      {
        "datasets:\n  a: {data: synthetic}\nmethods:\n  - sdlgm\n  - sparse-pca  #<\n",
        "unknown method 'sparse-pca'"
      },
      {"datasets:\n  a: {data: synthetic}\nmethods: [sdlgm, \"a b\"]  #<\n", "method 'a b' must"},
      {BASE + "methodOptions:\n  sdlgm: [--hard]\n  vae: [--x]  #<\n", "not in methods"},
      {BASE + "l0:\n  - \"4\"\n  - \"0\"  #<\n", "l0 values must be integers ≥ 1"},
      {BASE + "l0: []  #<\n", "no L0 values or targets"},
      // Repeats: two cells with one folder.
      {BASE + "seeds: [1, 2,\n  1]  #<\n", "seed 1 is listed twice in seeds"},
      {
        "datasets:\n  a: {data: synthetic}\nmethods: [sdlgm,\n  topk-ae, sdlgm]  #<\n",
        "method 'sdlgm' is listed twice"
      },
      {BASE + "l0:\n  - auto\n  - 4\n  - \"4\"  #<\n", "l0 value 4 is listed twice"},
      {BASE + "l0: [auto, \"2\", auto]  #<\n", "l0 value auto is listed twice"},
      {BASE + "targets: [2]\nseedsPerTarget:\n  \"2\": [3, 3]  #<\n", "seed 3 is listed twice"},
      // Targets.
      {BASE + "l0: [\"4\"]\ntargets: [2]  #<\n", "alternative axes"},
      {BASE + "seedsPerTarget: {\"2\": [1]}  #<\n", "'seedsPerTarget' needs 'targets'"},
      {
        "datasets:\n  a: {data: synthetic, targets: [2]}  #<\nmethods: [sdlgm]\n",
        "dataset 'a' lists targets"
      },
      {
        "task: multilabel\ndatasets:\n  a: {data: \"mulan:x\"}\nmethods: [br-mlp]\ntargets: [2]  #<\n",
        "are for unsupervised grids"
      },
      {BASE + "targets: [2]\ncapFactor: 0.5  #<\n", "capFactor must be a number ≥ 1"},
      {BASE + "targets:\n  - 2\n  - 0  #<\n", "targets must be numbers > 0"},
      {BASE + "targets: [2,\n  2.0]  #<\n", "target 2 is listed twice"},
      {
        "datasets:\n  a: {data: synthetic, targets: [0]}  #<\nmethods: [sdlgm]\ntargets: [2]\n",
        "targets of dataset 'a' must be numbers > 0"
      },
      {BASE + "targets: [2, 3]\nseedsPerTarget:\n  \"5\": [1]  #<\n", "names target '5'"},
      {BASE + "targets: [2]\nseedsPerTarget:\n  \"2\": []  #<\n", "no seeds for target 2"},
      {
        BASE + "targets: [2]\nseedsPerTarget:\n  \"2\": [1]\n  \"2.0\": [2]  #<\n",
        "seedsPerTarget names target 2 twice"
      },
      {BASE + "options: [-K, \"16\"]\ntargets:\n  - 2\n  - 20  #<\n", "target 20 exceeds K = 16"},
      {
        "datasets:\n  a:\n    data: synthetic\n    options: [--epochs, \"2\",\n      -L, \"8\"]  #<\n"
            + "methods: [sdlgm]\ntargets: [2]\n",
        "option '-L' of a/sdlgm conflicts with 'targets'"
      },
      {
        "datasets:\n  a: {data: synthetic}\nmethods: [sdlgm, topk-ae]\ntargets: [2]\n"
            + "methodOptions:\n  topk-ae: [--target-nnz=3]  #<\n",
        "option '--target-nnz=3' of a/topk-ae"
      },
      {
        "datasets:\n  a: {data: synthetic}\nmethods:\n  - sdlgm\n  - vae  #<\n"
            + "targets: [2]\noptions: [-K, \"16\"]\n",
        "vae of a gets no -L from 'targets'"
      },
      {
        "datasets:\n  a: {data: synthetic}\nmethods: [topk-ae]\ntargets:\n  - 2\n  - 4.5  #<\n",
        "not an integer, but topk-ae"
      },
    };
    List<String> wrong = new java.util.ArrayList<>();
    for (String[] c : cases) {
      int line = lineOf(c[0]);
      Path f = file("s.yaml", c[0]);
      String m;
      try {
        ExperimentSpec.read(f);
        m = "no error";
      } catch (SdlgmException e) {
        m = e.getMessage();
      }
      if (!m.matches(
              java.util.regex.Pattern.quote(tmp.resolve("s.yaml") + ":" + line) + ":\\d+: .*")
          || !m.contains(c[1])
          || m.contains("\n")) {
        wrong.add("line " + line + ", " + c[1] + " ← " + c[0].replace("\n", "⏎") + "\n  got " + m);
      }
    }
    assertTrue(wrong.isEmpty(), wrong.size() + " wrong:\n" + String.join("\n", wrong));
  }

  /** The 1-based number of the line of {@code text} that ends in {@code #<}. */
  private static int lineOf(String text) {
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).endsWith("#<")) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("no #< in " + text);
  }

  @Test
  void contentErrorsGiveTheColumnToo() throws IOException {
    String m = error("c.yaml", "datasets:\n  a: {data: synthetic}\nmethods: [sdlgm, sparse-pca]\n");
    assertTrue(m.startsWith(tmp.resolve("c.yaml") + ":3:18: unknown method 'sparse-pca'"), m);
    String d = error("d.yaml", BASE + "  # the same key again\nmethods: [vae]\n");
    assertTrue(
        d.startsWith(tmp.resolve("d.yaml") + ":5:1: duplicate key 'methods' (first at line 3)"), d);
  }

  @Test
  void jsonContentErrorsNameTheLineToo() throws IOException {
    String m =
        error(
            "j.json",
            "{\n  \"datasets\": {\"a\": {\"data\": \"s\"}},\n  \"methods\": [\"sdlgm\",\n"
                + "    \"nope\"]\n}\n");
    assertTrue(m.startsWith(tmp.resolve("j.json") + ":4:5: unknown method 'nope'"), m);
    String d =
        error(
            "d.json",
            "{\"datasets\": {\"a\": {\"data\": \"s\"}}, \"methods\": [\"sdlgm\"],\n"
                + " \"methods\": [\"vae\"]}");
    assertTrue(d.startsWith(tmp.resolve("d.json") + ":2:2: duplicate key 'methods'"), d);
  }

  @Test
  void emptyFilesAreRefusedAtLineOne() throws IOException {
    for (String text : new String[] {"", "\n\n", "# nothing yet\n", "---\n", "~\n"}) {
      String m = error("e.yaml", text);
      assertTrue(
          m.startsWith(tmp.resolve("e.yaml") + ":1:") && m.contains("empty experiment file"),
          "'" + text + "' → " + m);
    }
    String j = error("e.json", "");
    assertTrue(j.startsWith(tmp.resolve("e.json") + ":1:") && j.contains("empty"), j);
  }

  @Test
  void aMissingFieldHasNoLineToName() throws IOException {
    String m = error("a.yaml", "methods: [sdlgm]\n");
    assertEquals(tmp.resolve("a.yaml") + ": no datasets; add at least one under 'datasets'", m);
  }

  @Test
  void missingDataSetFailsBeforeAnyRun() throws IOException {
    ExperimentSpec s =
        ExperimentSpec.read(
            file(
                "d.yaml",
                "datasets:\n  gone: {data: \"csv:"
                    + tmp.resolve("absent.csv")
                    + "\"}\nmethods: [sdlgm]\n"));
    int[] launched = {0};
    ExperimentRunner r =
        new ExperimentRunner(
            s,
            tmp.resolve("out"),
            (args, log) -> {
              launched[0]++;
              return 0;
            },
            1,
            System.err);
    String m = assertThrows(SdlgmException.class, r::run).getMessage();
    assertTrue(m.contains("dataset 'gone'") && m.contains("absent.csv"), m);
    assertEquals(0, launched[0]);
    assertTrue(Files.notExists(tmp.resolve("out")));
  }
}
