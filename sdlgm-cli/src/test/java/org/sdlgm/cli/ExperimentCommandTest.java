package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sdlgm experiment} end to end on a tiny unsupervised grid (trained for real, in process):
 * results with the trade-off figure, resuming without retraining, and bad experiment files rejected
 * before any training.
 */
class ExperimentCommandTest {
  @TempDir Path tmp;

  @Test
  void tinyGridRunsTabulatesAndResumes() throws IOException {
    Path spec = tmp.resolve("grid.yaml");
    Path out = tmp.resolve("exp");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "name: tiny grid",
            "datasets:",
            "  syn: {data: \"" + Cli.SYN + "\"}",
            "methods: [sdlgm, topk-ae]",
            "l0: [\"2\", \"4\"]",
            "seeds: [1]",
            "options: [-K, \"16\", --encoder, \"32\", --decoder-hidden, \"32\", --epochs, \"1\", --validation, \"0\", --no-report, --no-eval]",
            "methodOptions: {sdlgm: [--kl-v, selected]}",
            ""));
    // --no-eval leaves runs without metrics.json: every cell must then count as failed.
    Cli.Result failed =
        Cli.run("experiment", spec.toString(), "--out", out.toString(), "--in-process");
    assertEquals(2, failed.code(), failed.toString());
    assertTrue(failed.error().contains("4 runs failed"), failed.error());

    Files.writeString(spec, Files.readString(spec).replace(", --no-eval]", "]"));
    Cli.Result r = Cli.ok("experiment", spec.toString(), "--out", out.toString(), "--in-process");
    assertTrue(r.out().contains("4 runs done now, 0 were done before, 0 failed"), r.out());
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals(5, csv.size(), String.join("\n", csv));
    String md = Files.readString(out.resolve("results.md"));
    assertTrue(md.contains("| syn | topk-ae | 4 | 4 | - | 1 |"), md);
    assertTrue(Files.size(out.resolve("tradeoff-syn.png")) > 1000);
    assertTrue(Files.readString(out.resolve("syn-sdlgm-L2-s1.cmd")).contains("--kl-v selected"));

    Cli.Result again =
        Cli.ok("experiment", spec.toString(), "--out", out.toString(), "--in-process");
    assertTrue(again.out().contains("0 runs done now, 4 were done before"), again.out());

    // The table goes into a hand-written document between markers; the prose around it stays.
    Path doc = tmp.resolve("docs").resolve("results.md");
    Files.createDirectories(doc.getParent());
    Files.writeString(
        doc,
        "# Results\n\nprose before\n\n<!-- sdlgm-experiment: grid -->\nold table\n"
            + "<!-- /sdlgm-experiment: grid -->\n\nprose after\n");
    Cli.ok(
        "experiment",
        spec.toString(),
        "--out",
        out.toString(),
        "--results-only",
        "--results-doc",
        doc.toString());
    String text = Files.readString(doc);
    assertTrue(
        text.startsWith("# Results\n\nprose before\n") && text.endsWith("prose after\n"), text);
    assertFalse(text.contains("old table"), text);
    assertTrue(
        text.contains("**tiny grid**") && text.contains("| syn | topk-ae | 4 | 4 | - | 1 |"), text);
    assertTrue(text.contains("![sparsity/quality trade-off](figures/grid-tradeoff-syn.png)"), text);
    assertTrue(
        Files.size(doc.getParent().resolve("figures").resolve("grid-tradeoff-syn.png")) > 1000);
  }

  @Test
  void tinyTargetGridTrainsEachMethodAtTheBudget() throws IOException {
    Path spec = tmp.resolve("budget.yaml");
    Path out = tmp.resolve("budget");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "name: tiny budget grid",
            "datasets:",
            "  syn: {data: \"" + Cli.SYN + "\"}",
            "methods: [sdlgm, topk-ae, vae]",
            "targets: [2]",
            "options: [-K, \"16\", --encoder, \"32\", --decoder-hidden, \"32\", --epochs, \"1\", --validation, \"0\", --no-report]",
            "methodOptions: {vae: [-L, \"16\"]}", // vae gets no -L; its default 20 exceeds K
            ""));
    Cli.Result dry = Cli.ok("experiment", spec.toString(), "--out", out.toString(), "--dry-run");
    assertTrue(dry.out().contains("--method sdlgm -L 4 --target-nnz 2 --seed 1 -K 16"), dry.out());
    assertTrue(dry.out().contains("--method topk-ae -L 2 --seed 1 -K 16"), dry.out());
    assertTrue(
        dry.out()
            .contains(
                "--method vae --seed 1 -K 16 --encoder 32 --decoder-hidden 32 --epochs 1 --validation 0 --no-report -L 16 --out"),
        dry.out());
    assertTrue(dry.out().contains("3 runs; data sets load"), dry.out());

    Cli.Result r = Cli.ok("experiment", spec.toString(), "--out", out.toString(), "--in-process");
    assertTrue(r.out().contains("3 runs done now"), r.out());
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals(4, csv.size(), String.join("\n", csv));
    assertTrue(
        csv.get(0).contains(",target,") && csv.get(0).endsWith(",collapse_warning"), csv.get(0));
    assertTrue(csv.get(1).startsWith("syn,sdlgm,4,2,1,-,4,"), csv.get(1));
    assertTrue(csv.get(2).startsWith("syn,topk-ae,2,2,1,-,2,"), csv.get(2));
    String md = Files.readString(out.resolve("results.md"));
    assertTrue(md.contains("| syn | topk-ae | 2 | 2 | 2 | - | 1 |"), md);
    assertTrue(Files.size(out.resolve("tradeoff-syn.png")) > 1000);
    assertTrue(Files.readString(out.resolve("index.html")).contains("syn-vae-T2-s1"));
  }

  @Test
  void badExperimentFilesFailBeforeTraining() throws IOException {
    Path out = tmp.resolve("never");
    Path unknown = tmp.resolve("u.yaml");
    Files.writeString(
        unknown, "datasets:\n  syn: {data: \"" + Cli.SYN + "\"}\nmethods: [sdlgm, sparse-pca]\n");
    Path missing = tmp.resolve("m.yaml");
    Files.writeString(
        missing,
        "datasets:\n  gone: {data: \"csv:" + tmp.resolve("absent.csv") + "\"}\nmethods: [sdlgm]\n");
    Path malformed = tmp.resolve("x.yaml");
    Files.writeString(malformed, "datasets:\n  syn: {data: \"synthetic\"\nmethods: [sdlgm]\n");
    for (Object[] c :
        new Object[][] {
          {unknown, "unknown method 'sparse-pca'"},
          {missing, "dataset 'gone'"},
          {malformed, "malformed experiment file"}
        }) {
      Cli.Result r = Cli.run("experiment", c[0].toString(), "--out", out.toString());
      assertEquals(2, r.code(), r.toString());
      assertTrue(r.error().contains((String) c[1]), r.error());
      assertFalse(r.err().contains("\tat "), r.err());
      assertFalse(Files.exists(out), "nothing may be written for a bad experiment file");
    }
  }
}
