package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code train} resolves for unsupervised data: the default objective with a budget of L0/2,
 * trained at the cap where it can be, a budget given on the command line, and the plain model with
 * {@code --plain}; and the options that the multi-label task refuses.
 */
class DefaultObjectiveTest {
  @Test
  void aRunEndingShortOfTheCapIsToldSo() {
    org.sdlgm.model.SdlgmConfig atCap = org.sdlgm.train.Recipes.sparseCodes(40, 20);
    java.util.function.DoubleFunction<java.util.List<org.sdlgm.io.EpochRecord>> lastNnz =
        nnz ->
            java.util.List.of(
                new org.sdlgm.io.EpochRecord(3, 1800, 1, 1, java.util.Map.of("train_nnz", nnz), 0));
    String note = TrainCommand.shortOfTheCap(atCap, lastNnz.apply(12.5)).orElseThrow();
    assertTrue(note.contains("12.50 non-zeros") && note.contains("cap of 40"), note);
    assertTrue(note.contains("1800 steps"), note);
    // At the cap (within 10%), or not trained at the cap: nothing to say.
    assertTrue(TrainCommand.shortOfTheCap(atCap, lastNnz.apply(36.5)).isEmpty());
    assertTrue(
        TrainCommand.shortOfTheCap(atCap.toBuilder().trainAtCap(false).build(), lastNnz.apply(12.5))
            .isEmpty());
    assertTrue(TrainCommand.shortOfTheCap(atCap, java.util.List.of()).isEmpty());
  }

  private static JsonNode model(Path dir) throws java.io.IOException {
    return Cli.readJson(dir.resolve("config.json")).path("model");
  }

  @Test
  void defaultPlainAndBudget(@TempDir Path tmp) throws java.io.IOException {
    Cli.trainTiny(tmp.resolve("default"), 1);
    JsonNode d = model(tmp.resolve("default"));
    assertEquals("values", d.path("selection").asText(), d::toString);
    assertTrue(d.path("straightThrough").asBoolean(), d::toString);
    assertEquals("geometric", d.path("levelPrior").asText(), d::toString);
    assertEquals(d.path("maxLevel").asDouble() / 2, d.path("targetNnz").asDouble(), 1e-9);
    assertEquals(0.01, d.path("betaS").asDouble(), 1e-12);
    assertEquals(0.01, d.path("betaV").asDouble(), 1e-12);
    assertEquals("none", d.path("selectionGradient").asText(), d::toString);
    assertEquals("exact", d.path("levelInference").asText(), d::toString);
    assertEquals(1.0, d.path("settleFraction").asDouble(), 1e-12);
    assertTrue(d.path("trainAtCap").asBoolean(), d::toString);

    Cli.Result budget = Cli.trainTiny(tmp.resolve("budget"), 1, "--target-nnz", "1.5");
    assertTrue(
        budget.out().contains("trained at the cap L0 = 4")
            && budget.out().contains("budget of 1.5 non-zeros"),
        budget::toString);
    assertEquals(1.5, model(tmp.resolve("budget")).path("targetNnz").asDouble(), 1e-12);
    assertTrue(model(tmp.resolve("budget")).path("trainAtCap").asBoolean());
    // δ is printed beside the inputs' scale, so that a user can judge it.
    assertTrue(budget.out().contains("(δ = 1.00; mean input norm "), budget::toString);
    // One tiny epoch does not bring the training codes to the cap: said, with the numbers.
    assertTrue(budget.out().contains("short of the cap of 4"), budget::toString);
    Cli.Result steered = Cli.trainTiny(tmp.resolve("steered"), 1, "--no-train-at-cap");
    assertFalse(steered.out().contains("trained at the cap"), steered::toString);
    assertFalse(model(tmp.resolve("steered")).path("trainAtCap").asBoolean());
    // Training at the cap relies on a level inference that reads the level cost; asking for the
    // head leaves it off instead of refusing an option the user never gave. So does the
    // fixed-level ablation, which has no level to cut.
    Cli.trainTiny(tmp.resolve("by-head"), 1, "--level-inference", "head");
    assertFalse(model(tmp.resolve("by-head")).path("trainAtCap").asBoolean());
    Cli.trainTiny(tmp.resolve("fixed"), 1, "--method", "sdlgm-fixed");
    assertFalse(model(tmp.resolve("fixed")).path("trainAtCap").asBoolean());

    // A selection head asks for the gradient it learns from; the contradiction is refused.
    Cli.trainTiny(tmp.resolve("head"), 1, "--selection", "head");
    assertEquals("relaxed", model(tmp.resolve("head")).path("selectionGradient").asText());
    Cli.Result bad =
        Cli.run(
            "train",
            "--data",
            Cli.SYN,
            "--selection",
            "head",
            "--selection-gradient",
            "none",
            "--epochs",
            "1",
            "--out",
            tmp.resolve("bad").toString());
    assertEquals(2, bad.code(), bad::toString);
    assertTrue(bad.err().contains("--selection-gradient relaxed"), bad::toString);

    Cli.trainTiny(tmp.resolve("plain"), 1, "--plain");
    JsonNode p = model(tmp.resolve("plain"));
    assertEquals("head", p.path("selection").asText(), p::toString);
    assertEquals("uniform", p.path("levelPrior").asText(), p::toString);
    assertEquals(0.0, p.path("targetNnz").asDouble(), p::toString);
    assertEquals(1.0, p.path("betaS").asDouble(), 1e-12);
    assertEquals("relaxed", p.path("selectionGradient").asText(), p::toString);
    assertEquals(0.0, p.path("settleFraction").asDouble(), 1e-12);
    assertEquals("head", p.path("levelInference").asText(), p::toString);
    assertFalse(p.path("trainAtCap").asBoolean(), p::toString);
  }

  /**
   * {@code encode --level-inference} overrides the model's own mode for one run: the default
   * model's codes carry the probabilities of the optimal level posterior, the override the level
   * head's, and they differ; {@code search} gives each code a level it scored.
   */
  @Test
  void encodeCanOverrideTheLevelInference(@TempDir Path tmp) throws java.io.IOException {
    Path m = tmp.resolve("default");
    Cli.trainTiny(m, 1);
    java.util.List<String> exact = encode(m, tmp.resolve("exact.jsonl"));
    java.util.List<String> head = encode(m, tmp.resolve("head.jsonl"), "--level-inference", "head");
    assertEquals(exact.size(), head.size());
    int differ = 0;
    for (int i = 0; i < exact.size(); i++) {
      JsonNode a = Cli.JSON.readTree(exact.get(i));
      JsonNode b = Cli.JSON.readTree(head.get(i));
      assertEquals(a.path("pL").size(), b.path("pL").size());
      differ += a.path("pL").equals(b.path("pL")) ? 0 : 1;
    }
    assertTrue(differ > 0, "the override changed no code's level probabilities");
    // search scores a subset of the levels exact scores: every level it gives a probability to
    // is one exact scores too, and its L̂ is one of them.
    java.util.List<String> search =
        encode(m, tmp.resolve("search.jsonl"), "--level-inference", "search");
    assertEquals(exact.size(), search.size());
    for (int i = 0; i < exact.size(); i++) {
      JsonNode s = Cli.JSON.readTree(search.get(i));
      int level = s.path("L").asInt();
      assertTrue(s.path("pL").get(level - 1).asDouble() > 0, search.get(i));
      assertTrue(s.path("indices").size() <= level, search.get(i));
      // The model trained at the cap, whose head learned the cap: the climb starts at the budget
      // of 2, so that level is scored on every row.
      assertTrue(s.path("pL").get(1).asDouble() > 0, search.get(i));
    }
    Cli.Result bad =
        Cli.run(
            "encode",
            "--model",
            m.toString(),
            "--data",
            Cli.SYN,
            "--level-inference",
            "mode",
            "--out",
            tmp.resolve("bad.jsonl").toString());
    assertEquals(2, bad.code(), bad::toString);
  }

  /**
   * {@code eval --level-inference} evaluates the same parameters under another mode: the head's
   * codes reconstruct differently from the default's exact ones, and the model's own {@code
   * config.json} is left as it was.
   */
  @Test
  void evalCanOverrideTheLevelInference(@TempDir Path tmp) throws java.io.IOException {
    Path m = tmp.resolve("default");
    Cli.trainTiny(m, 1);
    String config = java.nio.file.Files.readString(m.resolve("config.json"));
    double[] recon = new double[2];
    String[] modes = {"exact", "head"};
    for (int i = 0; i < 2; i++) {
      Path json = tmp.resolve(modes[i] + ".json");
      Cli.ok(
          "eval",
          "--model",
          m.toString(),
          "--no-probe",
          "--level-inference",
          modes[i],
          "--json",
          json.toString());
      recon[i] = Cli.JSON.readTree(json.toFile()).path("evaluation").path("reconError").asDouble();
      assertTrue(recon[i] > 0, json + ": " + recon[i]);
    }
    assertTrue(recon[0] != recon[1], "both modes reconstructed at " + recon[0]);
    // The default model trained at the cap, so its head's codes are not at the budget: said.
    Cli.Result byHead =
        Cli.run("eval", "--model", m.toString(), "--no-probe", "--level-inference", "head");
    assertEquals(0, byHead.code(), byHead::toString);
    assertTrue(byHead.err().contains("trained at the cap"), byHead::toString);
    // Training with the head and at the cap is refused, naming the way out.
    Cli.Result bad =
        Cli.tryTrainTiny(tmp.resolve("bad"), 1, "--train-at-cap", "--level-inference", "head");
    assertEquals(2, bad.code(), bad::toString);
    assertTrue(bad.err().contains("--no-train-at-cap"), bad::toString);
    assertEquals(config, java.nio.file.Files.readString(m.resolve("config.json")));
  }

  private static java.util.List<String> encode(Path model, Path out, String... extra)
      throws java.io.IOException {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "encode",
                "--model",
                model.toString(),
                "--data",
                Cli.SYN,
                "--part",
                "test",
                "--out",
                out.toString()));
    args.addAll(java.util.List.of(extra));
    Cli.ok(args.toArray(new String[0]));
    return java.nio.file.Files.readAllLines(out, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void budgetAboveTheCapIsRefused(@TempDir Path tmp) {
    Cli.Result r =
        Cli.run(
            Cli.args(
                "train",
                "--data",
                Cli.SYN,
                Cli.TINY,
                "--epochs",
                "1",
                "--target-nnz",
                "9",
                "--out",
                tmp.resolve("m").toString()));
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("target mean number of non-zeros"), r::toString);
  }

  @Test
  void multilabelRefusesTheUnsupervisedObjectiveOptions(@TempDir Path tmp) {
    for (String opt : new String[] {"--plain", "--target-nnz=2", "--selection=values"}) {
      Cli.Result r =
          Cli.run(
              "train",
              "--task",
              "multilabel",
              "--data",
              "synthetic-ml:n=50",
              opt,
              "--out",
              tmp.resolve("m").toString());
      assertEquals(2, r.code(), r::toString);
    }
  }
}
