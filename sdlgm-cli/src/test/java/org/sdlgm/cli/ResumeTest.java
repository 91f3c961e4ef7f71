package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --resume} continues a run from its last checkpoint. */
class ResumeTest {
  @TempDir Path tmp;

  @Test
  void resumeContinuesTheHistory() throws IOException {
    Path dir = tmp.resolve("run");
    Cli.trainTiny(dir, 2, "--no-eval");
    assertEquals(3, history(dir).size());

    Cli.trainTiny(dir, 4, "--no-eval", "--resume");
    List<String> h = history(dir);
    assertEquals(5, h.size(), () -> "header + 4 epochs expected: " + h);
    int lossCol = List.of(h.get(0).split(",")).indexOf("train_loss");
    assertTrue(lossCol >= 0, h.get(0));
    double[] loss = new double[5];
    for (int e = 1; e <= 4; e++) {
      String[] f = h.get(e).split(",");
      assertEquals(e, Integer.parseInt(f[0]), () -> "epoch numbers must be 1..4: " + h);
      loss[e] = Double.parseDouble(f[lossCol]);
      assertTrue(Double.isFinite(loss[e]), h.get(e));
    }
    double l2 = loss[2];
    double l3 = loss[3];
    assertTrue(
        Math.abs(l3 - l2) <= 0.2 * Math.abs(l2),
        "epoch 3 loss "
            + l3
            + " is not within 20% of epoch 2's "
            + l2
            + " (restarted from scratch?)");
    assertTrue(Files.isRegularFile(dir.resolve("config.json")));
    assertTrue(Files.isRegularFile(dir.resolve("model.params")));
    Cli.assertNoTmp(dir);
    // The model directory's history and the steps count on from the first run.
    long steps2 = Long.parseLong(h.get(2).split(",")[1]);
    long steps4 = Long.parseLong(h.get(4).split(",")[1]);
    assertEquals(2 * steps2, steps4, () -> "step counter should continue: " + h);
  }

  @Test
  void aResumedModelIsNotDescribedByTheStoppedRunsMetrics() throws IOException {
    Path dir = tmp.resolve("run");
    Cli.trainTiny(dir, 1);
    assertTrue(Files.isRegularFile(dir.resolve("metrics.json")));
    Cli.trainTiny(dir, 2, "--no-eval", "--resume");
    assertFalse(
        Files.exists(dir.resolve("metrics.json")),
        "metrics of the 1-epoch model beside the 2-epoch one");
    assertTrue(
        Cli.readJson(dir.resolve("config.json")).at("/training/epochs").asInt() == 2,
        () -> "config.json describes the resumed run");
  }

  @Test
  void resumeWithoutACheckpoint() throws IOException {
    Path dir = tmp.resolve("empty");
    Files.createDirectories(dir);
    Cli.Result r =
        Cli.run(
            Cli.args(
                "train",
                "--data",
                Cli.SYN,
                Cli.TINY,
                "--epochs",
                "1",
                "--no-eval",
                "--resume",
                "--out",
                dir.toString()));
    assertEquals(2, r.code(), r::toString);
    String e = r.error();
    assertTrue(e.contains("no checkpoint to resume from"), e);
    assertEquals(List.of(), Cli.filesUnder(dir));
    assertFalse(r.err().contains("\tat "), r::toString);
  }

  private static List<String> history(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve("history.csv"), StandardCharsets.UTF_8);
  }
}
