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
    ExperimentSpec s = ExperimentSpec.read(file("g.yaml", String.join("\n",
        "name: grid",
        "task: unsupervised",
        "datasets:",
        "  syn: {data: \"synthetic:n=100\", options: [--epochs, \"2\"]}",
        "  csv: {data: \"csv:x.csv\", test: \"csv:y.csv\"}",
        "methods: [sdlgm, topk-ae]",
        "l0: [\"4\", auto]",
        "seeds: [1, 2]",
        "options: [-K, \"16\"]",
        "methodOptions: {sdlgm: [--hard]}", "")));
    List<ExperimentCell> cells = s.cells();
    assertEquals(16, cells.size());
    assertEquals(new ExperimentCell("syn", "sdlgm", "4", 1), cells.get(0));
    assertEquals("syn-sdlgm-L4-s1", cells.get(0).name());
    assertEquals(new ExperimentCell("csv", "topk-ae", "auto", 2), cells.get(15));
    assertEquals(List.of("train", "--task", "unsupervised", "--data", "synthetic:n=100", "--method",
        "sdlgm", "-L", "4", "--seed", "1", "-K", "16", "--epochs", "2", "--hard"),
        s.trainArguments(cells.get(0)));
    assertEquals(List.of("train", "--task", "unsupervised", "--data", "csv:x.csv", "--test",
        "csv:y.csv", "--method", "topk-ae", "--seed", "2", "-K", "16"), s.trainArguments(cells.get(15)));
  }

  @Test
  void methodVariantsTrainTheBaseMethodWithTheirOwnOptions() throws IOException {
    ExperimentSpec s = ExperimentSpec.read(file("v.yaml", "datasets:\n  a: {data: synthetic}\n"
        + "methods: [sdlgm, \"sdlgm:recipe\"]\nmethodOptions: {\"sdlgm:recipe\": [--hard]}\n"));
    ExperimentCell v = s.cells().get(1);
    assertEquals("a-sdlgm_recipe-Lauto-s1", v.name());
    assertEquals(List.of("train", "--task", "unsupervised", "--data", "synthetic", "--method", "sdlgm",
        "--seed", "1", "--hard"), s.trainArguments(v));
    assertTrue(error("w.yaml", "datasets:\n  a: {data: synthetic}\nmethods: [\"vae2:x\"]\n")
        .contains("unknown method 'vae2'"));
  }

  @Test
  void jsonFormWithDefaults() throws IOException {
    ExperimentSpec s = ExperimentSpec.read(file("g.json",
        "{\"task\":\"multilabel\",\"datasets\":{\"b\":{\"data\":\"mulan:d\"}},\"methods\":[\"br-mlp\"]}"));
    assertEquals(List.of("auto"), s.l0());
    assertEquals(List.of(1L), s.seeds());
    assertEquals("experiment", s.name());
    assertEquals(1, s.cells().size());
  }

  @Test
  void malformedYamlNamesFileLineAndColumn() throws IOException {
    String m = error("bad.yaml", "name: x\ndatasets:\n  a: {data: \"synthetic\"\nmethods: [sdlgm]\n");
    assertTrue(m.startsWith(tmp.resolve("bad.yaml") + ":"), m);
    assertTrue(m.matches(".*bad\\.yaml:\\d+:\\d+: malformed experiment file: .*"), m);
    assertTrue(!m.contains("\n"), "one line: " + m);
  }

  @Test
  void unknownFieldIsNamed() throws IOException {
    String m = error("u.yaml", "name: x\nmethod: [sdlgm]\ndatasets:\n  a: {data: synthetic}\n");
    assertTrue(m.contains("unknown field 'method'") && m.contains("u.yaml") && m.contains("methods"), m);
  }

  @Test
  void unknownMethodForTheTaskIsRejected() throws IOException {
    String m = error("m.yaml", "task: multilabel\ndatasets:\n  a: {data: \"mulan:x\"}\nmethods: [sdlgm, vae]\n");
    assertTrue(m.contains("unknown multi-label method 'vae'"), m);
    String m2 = error("m2.yaml", "datasets:\n  a: {data: synthetic}\nmethods: [sdlgm, vsc]\n");
    assertTrue(m2.contains("unknown method 'vsc'"), m2);
  }

  @Test
  void otherBadGrids() throws IOException {
    assertTrue(error("a.yaml", "methods: [sdlgm]\n").contains("no datasets"));
    assertTrue(error("b.yaml", "datasets:\n  a: {data: synthetic}\n").contains("no methods"));
    assertTrue(error("c.yaml", "datasets:\n  a: {data: synthetic}\nmethods: [sdlgm]\nl0: [\"0\"]\n")
        .contains("l0 values must be integers"));
    assertTrue(error("d.yaml", "datasets:\n  a: {data: synthetic}\nmethods: [sdlgm]\nmethodOptions: {vae: [--x]}\n")
        .contains("not in methods"));
    assertTrue(error("e.yaml", "datasets:\n  a/b: {data: synthetic}\nmethods: [sdlgm]\n")
        .contains("dataset name 'a/b'"));
    assertTrue(error("f.yaml", "datasets:\n  a: {test: synthetic}\nmethods: [sdlgm]\n")
        .contains("has no 'data' spec"));
    assertTrue(error("g.yaml", "task: tagging\ndatasets:\n  a: {data: synthetic}\nmethods: [sdlgm]\n")
        .contains("task must be"));
  }

  @Test
  void missingDataSetFailsBeforeAnyRun() throws IOException {
    ExperimentSpec s = ExperimentSpec.read(file("d.yaml",
        "datasets:\n  gone: {data: \"csv:" + tmp.resolve("absent.csv") + "\"}\nmethods: [sdlgm]\n"));
    int[] launched = {0};
    ExperimentRunner r = new ExperimentRunner(s, tmp.resolve("out"), (args, log) -> {
      launched[0]++;
      return 0;
    }, 1, System.err);
    String m = assertThrows(SdlgmException.class, r::run).getMessage();
    assertTrue(m.contains("dataset 'gone'") && m.contains("absent.csv"), m);
    assertEquals(0, launched[0]);
    assertTrue(Files.notExists(tmp.resolve("out")));
  }
}
