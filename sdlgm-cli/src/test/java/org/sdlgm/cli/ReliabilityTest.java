package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.io.Checkpoint;

/**
 * The promises of docs/reliability.md that the bad-input table and the kill test do not cover: late
 * failures moved up front or turned into notes, bugs reported as bugs, the interrupt message, and
 * experiments that refuse cells finished under an edited spec.
 */
class ReliabilityTest {
  @TempDir Path tmp;

  /** A small model trained for one epoch, without validation split or report. */
  private static final List<String> SMALL =
      List.of(
          "-K",
          "4",
          "-L",
          "2",
          "--encoder",
          "8",
          "--decoder-hidden",
          "8",
          "--validation",
          "0",
          "--epochs",
          "1",
          "--no-report");

  private Path csv(int rows) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      sb.append(i % 3 * 0.3)
          .append(',')
          .append(0.5)
          .append(',')
          .append(i % 2 * 0.9)
          .append(',')
          .append(i % 2)
          .append('\n');
    }
    Path f = tmp.resolve("tiny.csv");
    Files.writeString(f, sb.toString());
    return f;
  }

  @Test
  void aProbeThatCannotBeFittedIsSkippedWithANoteAndTheModelGetsItsMetrics() throws IOException {
    Path out = tmp.resolve("out");
    Cli.Result r =
        Cli.ok(
            Cli.args(
                "train",
                "--data",
                "csv:" + csv(8) + ",label=last",
                "--split",
                "0.5",
                SMALL,
                "--out",
                out.toString()));
    assertTrue(r.err().contains("note: linear probe skipped"), r::toString);
    assertTrue(Files.isRegularFile(out.resolve("metrics.json")), r::toString);
  }

  @Test
  void trainingWithoutATestPartSaysSo() throws IOException {
    Path out = tmp.resolve("out");
    Cli.Result r =
        Cli.ok(
            Cli.args(
                "train",
                "--data",
                "csv:" + csv(20) + ",label=last",
                SMALL,
                "--out",
                out.toString()));
    assertTrue(r.out().contains("no test part"), r::toString);
  }

  @Test
  void theDemoOnACsvWithoutATestPartEndsWithANoteNotANullPointer() throws IOException {
    Path out = tmp.resolve("demo");
    Cli.Result r =
        Cli.run(
            "demo",
            "--data",
            "csv:" + csv(20) + ",label=last",
            "--epochs",
            "1",
            "-K",
            "4",
            "-L",
            "2",
            "--out",
            out.toString());
    assertFalse(r.err().contains("NullPointerException"), r::toString);
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("no test part"), r::toString);
  }

  @Test
  void aFolderLeftBeforeTheFirstCheckpointIsReusedWithoutOverwrite() throws IOException {
    Path out = tmp.resolve("stopped");
    Files.createDirectories(out.resolve(Checkpoint.NEW));
    Files.writeString(out.resolve(Checkpoint.NEW).resolve("model.params"), "half");
    Files.writeString(out.resolve("scaling.json"), "{}");
    Files.writeString(out.resolve(".config.json.12345.tmp"), "half");
    Cli.trainTiny(out, 1, "--no-eval");
    assertTrue(Files.isRegularFile(out.resolve("config.json")));
    assertFalse(Files.exists(out.resolve(Checkpoint.NEW)));
    Cli.assertNoTmp(out);
  }

  @Test
  void aBugIsReportedAsABugWithItsTraceInALogFile() throws IOException {
    StringWriter err = new StringWriter();
    int code =
        BugReport.report(
            new IllegalStateException("boom"), new String[] {"train", "--x"}, new PrintWriter(err));
    assertEquals(BugReport.EXIT, code);
    List<String> lines = err.toString().lines().toList();
    assertEquals(1, lines.size(), err::toString);
    assertTrue(lines.get(0).startsWith("error: internal error, a bug in sdlgm"), lines.get(0));
    assertTrue(lines.get(0).contains("IllegalStateException: boom"), lines.get(0));
    String path = lines.get(0).replaceAll(".*the full trace is in (\\S+);.*", "$1");
    Path log = Path.of(path);
    try {
      String trace = Files.readString(log);
      assertTrue(trace.contains("command: sdlgm train --x") && trace.contains("\tat "), trace);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  @Test
  void anInterruptSaysWhereTheCheckpointIsAndHowToResume() throws IOException {
    Path out = tmp.resolve("run dir");
    List<String> args = List.of("train", "--data", Cli.SYN, "--out", out.toString(), "--overwrite");
    String none = InterruptNotice.message(out, args);
    assertTrue(none.contains("before the first checkpoint") && none.contains("--overwrite"), none);
    Cli.trainTiny(out, 1, "--no-eval");
    String msg = InterruptNotice.message(out, args);
    assertTrue(
        msg.contains(out.resolve(Checkpoint.DIR).toString()) && msg.contains("after epoch 1"), msg);
    assertTrue(msg.endsWith("--out '" + out + "' --resume"), msg);
    assertFalse(msg.contains("--overwrite"), msg);
  }

  @Test
  void anExperimentRefusesACellFinishedUnderAnEditedSpec() throws IOException {
    Path spec = tmp.resolve("grid.yaml");
    Path out = tmp.resolve("exp");
    String yaml =
        String.join(
            "\n",
            "name: one cell",
            "datasets:",
            "  syn: {data: \"" + Cli.SYN + "\"}",
            "methods: [sdlgm]",
            "l0: [\"2\"]",
            "seeds: [1]",
            "options: [-K, \"16\", --encoder, \"32\", --decoder-hidden, \"32\", --epochs, \"1\", --validation, \"0\", --no-report]",
            "");
    Files.writeString(spec, yaml);
    Cli.ok("experiment", spec.toString(), "--out", out.toString(), "--in-process");
    Files.writeString(spec, yaml.replace("--epochs, \"1\"", "--epochs, \"2\""));
    for (String extra : List.of("--in-process", "--dry-run")) {
      Cli.Result r = Cli.run("experiment", spec.toString(), "--out", out.toString(), extra);
      assertEquals(2, r.code(), r::toString);
      assertTrue(r.error().contains("--epochs 1") && r.error().contains("--epochs 2"), r::toString);
    }
  }
}
