package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.Dataset;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;

/**
 * {@code sdlgm calibrate}: a copy of a trained model whose codes meet another budget over the
 * training rows, the source left as it was, and the models whose budget cannot be set after
 * training refused with the reason.
 */
class CalibrateCommandTest {
  private static final Dataset TRAIN = DataSpecs.parse(Cli.SYN).load().train();

  /**
   * The mean of {@code count} over the codes of the training rows under the model in {@code dir}.
   */
  private static double mean(Path dir, ToIntFunction<SparseCode> count) {
    try (SparseCoder coder = ModelDirectory.loadCoder(dir)) {
      List<SparseCode> codes = coder.encode(TRAIN.features(), TRAIN.size(), 100);
      return codes.stream().mapToInt(count).average().orElseThrow();
    }
  }

  private static Cli.Result calibrate(Path model, String target, Path out, String... extra) {
    return Cli.run(
        Cli.args(
            "calibrate",
            "--model",
            model.toString(),
            "--target-nnz",
            target,
            "--out",
            out.toString(),
            extra));
  }

  @Test
  void theCopyMeetsEachNewBudgetAndTheSourceIsUnchanged(@TempDir Path tmp) throws IOException {
    Path m = tmp.resolve("m");
    Cli.trainTiny(m, 2); // the default objective: L0 = 4, budget 2
    byte[] params = Files.readAllBytes(m.resolve("model.params"));
    String config = Files.readString(m.resolve("config.json"));
    for (String t : new String[] {"1.5", "3"}) {
      Path out = tmp.resolve("m-" + t);
      Cli.Result r = calibrate(m, t, out);
      assertEquals(0, r.code(), r::toString);
      assertTrue(r.out().contains("level cost λ"), r::toString);
      double target = Double.parseDouble(t);
      // 300 training rows: the mean level moves in steps of 1/300 as λ moves.
      double level = mean(out, SparseCode::level);
      assertEquals(target, level, 0.02, "budget " + t);
      // ... and the command reports the mean its calibration reached. Calibration scores the
      // levels in double after one pass, encoding in float32 through the fused heads, so a row
      // within rounding of a tie between two levels may land on the other one: a few rows of 300.
      java.util.regex.Matcher said =
          java.util.regex.Pattern.compile("mean level over the training rows: ([0-9.]+)")
              .matcher(r.out());
      assertTrue(said.find(), r::toString);
      assertEquals(level, Double.parseDouble(said.group(1)), 3.5 / 300);
      assertEquals(
          target,
          Cli.readJson(out.resolve("config.json")).path("model").path("targetNnz").asDouble());
      assertTrue(Files.exists(out.resolve("history.csv")));
      assertTrue(Files.exists(out.resolve("scaling.json")));
    }
    assertArrayEquals(params, Files.readAllBytes(m.resolve("model.params")));
    assertEquals(config, Files.readString(m.resolve("config.json")));
    // The default objective trains at the cap whatever the budget, which only sets the level cost
    // after training: calibrating to 1.5 gives the very model that training at 1.5 gives.
    Path direct = tmp.resolve("direct");
    Cli.trainTiny(direct, 2, "--target-nnz", "1.5");
    assertArrayEquals(
        Files.readAllBytes(direct.resolve("model.params")),
        Files.readAllBytes(tmp.resolve("m-1.5").resolve("model.params")));
    // A calibrated copy is an ordinary model: eval reads it.
    Cli.ok("eval", "--model", tmp.resolve("m-3").toString(), "--no-probe");
  }

  /**
   * {@code train --train-at-cap}: training codes go to the cap (the last epoch's mean training nnz
   * near L0 = 4, where a {@code --no-train-at-cap} run steers them towards its budget of 2), and
   * the default run, which trains at the cap too, is the same model. The written model meets the
   * budget over the training rows through the level cost set after training.
   */
  @Test
  void trainAtCapTrainsAtTheCapAndMeetsTheBudgetAfterwards(@TempDir Path tmp) throws IOException {
    Path cap = tmp.resolve("cap");
    // Batches of 10: the level cost moves once per step, so it needs steps to reach the cap.
    Cli.trainTiny(cap, 5, "--train-at-cap", "--batch", "10");
    Path steered = tmp.resolve("steered");
    Cli.trainTiny(steered, 5, "--no-train-at-cap", "--batch", "10");
    Path byDefault = tmp.resolve("default");
    Cli.trainTiny(byDefault, 5, "--batch", "10");
    assertArrayEquals(
        Files.readAllBytes(cap.resolve("model.params")),
        Files.readAllBytes(byDefault.resolve("model.params")));
    double atCap = lastTrainNnz(cap);
    double toBudget = lastTrainNnz(steered);
    assertTrue(atCap >= 3.5, "training codes near the cap of 4: " + atCap);
    assertTrue(atCap > toBudget + 1, atCap + " against a run steered to 2: " + toBudget);
    assertEquals(2.0, mean(cap, SparseCode::level), 0.02);
    assertTrue(
        Cli.readJson(cap.resolve("config.json")).path("model").path("trainAtCap").asBoolean());
    // Without a budget the level cost it relies on does not exist: refused before training.
    Cli.Result plain = Cli.tryTrainTiny(tmp.resolve("p"), 1, "--plain", "--train-at-cap");
    assertRefused(plain, "needs sdlgm with a budget");
    assertFalse(Files.exists(tmp.resolve("p").resolve("config.json")));
  }

  private static double lastTrainNnz(Path dir) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("history.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    String[] last = lines.get(lines.size() - 1).split(",");
    return Double.parseDouble(last[header.indexOf("train_nnz")]);
  }

  @Test
  void batchTopKGetsANewThreshold(@TempDir Path tmp) {
    Path m = tmp.resolve("b");
    Cli.trainTiny(m, 2, "--method", "batchtopk-ae");
    Path out = tmp.resolve("b-1");
    Cli.Result r = calibrate(m, "1", out);
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("threshold θ"), r::toString);
    assertEquals(1.0, mean(out, SparseCode::nnz), 0.02);
  }

  @Test
  void modelsWithoutABudgetToSetAreRefused(@TempDir Path tmp) {
    Path plain = tmp.resolve("plain");
    Cli.trainTiny(plain, 1, "--plain");
    assertRefused(calibrate(plain, "2", tmp.resolve("o1")), "trained without a budget");

    Path topk = tmp.resolve("topk");
    Cli.trainTiny(topk, 1, "--method", "topk-ae");
    assertRefused(calibrate(topk, "2", tmp.resolve("o2")), "topk-ae model has no budget");

    Path head = tmp.resolve("head");
    Cli.trainTiny(head, 1, "--level-inference", "head");
    assertRefused(calibrate(head, "2", tmp.resolve("o3")), "--level-inference exact");
    // ... which the override gives, and the copy records.
    Cli.Result ok = calibrate(head, "2", tmp.resolve("o3"), "--level-inference", "exact");
    assertEquals(0, ok.code(), ok::toString);

    assertRefused(calibrate(head, "5", tmp.resolve("o4")), "(0, L0 = 4]");
    assertRefused(calibrate(head, "0", tmp.resolve("o4")), "(0, L0 = 4]");
    assertRefused(calibrate(head, "2", head, "--level-inference", "exact"), "is --model itself");
    Cli.Result again = calibrate(head, "2", tmp.resolve("o3"), "--level-inference", "exact");
    assertRefused(again, "--overwrite");
    assertFalse(again.error().contains("--resume"), "calibrate has no --resume: " + again);
    assertFalse(Files.exists(tmp.resolve("o1")), "a refused run leaves no folder");
  }

  private static void assertRefused(Cli.Result r, String reason) {
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.error().contains(reason), () -> "expected '" + reason + "' in " + r);
  }
}
