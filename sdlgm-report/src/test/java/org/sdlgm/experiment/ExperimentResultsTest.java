package org.sdlgm.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results of a finished grid, from hand-made run folders: the CSV rows, the mean ± std per cell,
 * resuming (finished runs are not launched again), the trade-off figure and the index page.
 */
class ExperimentResultsTest {
  @TempDir Path tmp;

  private ExperimentSpec spec() throws IOException {
    Path f = tmp.resolve("g.yaml");
    Files.writeString(
        f,
        "datasets:\n  syn: {data: \"synthetic:n=200,test=50\"}\n"
            + "methods: [sdlgm, topk-ae]\nl0: [\"2\", \"4\"]\nseeds: [1, 2]\n");
    return ExperimentSpec.read(f);
  }

  /** A fake finished unsupervised run whose numbers depend on the cell. */
  private static void fakeRun(Path out, ExperimentCell c, double recon, double nnz)
      throws IOException {
    Path d = out.resolve(c.name());
    Files.createDirectories(d);
    Files.writeString(d.resolve("config.json"), "{\"model\":{\"maxLevel\":" + c.l0() + "}}");
    Files.writeString(
        d.resolve("metrics.json"),
        String.format(
            Locale.ROOT,
            "{\"trainSeconds\":1.5,\"evaluation\":{\"elbo\":-10,\"reconError\":%s,\"nnz\":{\"mean\":%s,\"max\":%s},"
                + "\"probe\":{\"testAccuracy\":0.5}}}",
            recon,
            nnz,
            c.l0()));
  }

  @Test
  void finishedRunsAreTabulatedAndNotRunAgain() throws Exception {
    ExperimentSpec s = spec();
    Path out = tmp.resolve("out");
    for (ExperimentCell c : s.cells()) {
      int l0 = Integer.parseInt(c.l0());
      double recon = (c.method().equals("sdlgm") ? 10 : 12) - l0 + c.seed(); // seeds 1, 2 → ±0.707
      fakeRun(out, c, recon, l0 - 0.5 * c.seed());
    }
    List<String> launched = new java.util.ArrayList<>();
    ExperimentRunner.Outcome o =
        new ExperimentRunner(
                s,
                out,
                (args, log) -> {
                  launched.add(String.join(" ", args));
                  return 0;
                },
                2,
                System.err)
            .run();
    assertEquals(List.of(), launched, "every run had metrics.json: nothing is launched again");
    assertEquals(8, o.skipped().size());

    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals(9, csv.size());
    assertTrue(
        csv.get(0)
            .startsWith(
                "dataset,method,l0,target,seed,rule,l0_used,train_seconds,elbo,recon_error,nnz_mean"));
    assertTrue(
        csv.get(1).startsWith("syn,sdlgm,2,,1,-,2,1.50000,-10.0000,9.00000,1.50000"), csv.get(1));

    String md = Files.readString(out.resolve("results.md"));
    // sdlgm, L0 2: recon 9 and 10 → 9.500 ± 0.707; nnz 1.5 and 1.0 → 1.250 ± 0.354.
    assertTrue(
        md.contains(
            "| syn | sdlgm | 2 | 2 | - | 2 | -10.000 ± 0.000 | 9.500 ± 0.707 | 1.250 ± 0.354 |"),
        md);
    assertTrue(md.contains("![sparsity/quality trade-off](tradeoff-syn.png)"), md);

    BufferedImage png = ImageIO.read(out.resolve("tradeoff-syn.png").toFile());
    assertEquals(900, png.getWidth());
    String html = Files.readString(out.resolve("index.html"));
    assertTrue(html.contains("<img src=\"tradeoff-syn.png\"") && html.contains("results.md"), html);
    assertTrue(html.contains("syn-topk-ae-L4-s2"), html);
  }

  /**
   * A fake finished run with every unsupervised metric; elbo "NaN" as Jackson writes it for
   * autoencoders.
   */
  private static void fullRun(
      Path out,
      ExperimentCell c,
      double recon,
      double nnz,
      double probe,
      String elbo,
      String warning)
      throws IOException {
    Path d = out.resolve(c.name());
    Files.createDirectories(d);
    Files.writeString(
        d.resolve("config.json"),
        "{\"model\":{\"maxLevel\":" + (c.l0().equals("auto") ? "20" : c.l0()) + "}}");
    Files.writeString(
        d.resolve("metrics.json"),
        String.format(
            Locale.ROOT,
            "{\"trainSeconds\":2,\"evaluation\":{\"elbo\":%s,\"reconError\":%s,"
                + "\"nnz\":{\"mean\":%s,\"std\":0.5,\"max\":%s,\"shareAtCap\":0.25},"
                + "\"effectiveNnz\":{\"mean\":%s},\"reconErrorEffective\":%s,"
                + "\"probe\":{\"testAccuracy\":%s},\"collapseWarning\":%s}}",
            elbo,
            recon,
            nnz,
            c.l0().equals("auto") ? "20" : c.l0(),
            nnz - 1,
            1.5 * recon,
            probe,
            warning == null ? "null" : "\"" + warning + "\""));
  }

  @Test
  void targetGridTabulatesEveryMetricPerTargetAndDrawsBothFigures() throws Exception {
    Path f = tmp.resolve("t.yaml");
    Files.writeString(
        f,
        "datasets:\n  syn: {data: \"synthetic:n=200,test=50\"}\n"
            + "methods: [sdlgm, topk-ae]\ntargets: [2, 4]\nseeds: [1]\nseedsPerTarget: {\"2\": [1, 2, 3]}\n");
    ExperimentSpec s = ExperimentSpec.read(f);
    Path out = tmp.resolve("t");
    for (ExperimentCell c : s.cells()) {
      boolean sdlgm = c.method().equals("sdlgm");
      double t = Double.parseDouble(c.target());
      fullRun(
          out,
          c,
          20 - 2 * t + c.seed(),
          t + 0.1 * c.seed(),
          0.5 + 0.05 * t + 0.01 * c.seed(),
          sdlgm ? "-50" : "\"NaN\"",
          sdlgm && c.seed() == 2 ? "partial collapse: only 0.5 of 2.2 non-zeros" : null);
    }
    ExperimentResults r = ExperimentResults.collect(s, out);
    assertEquals(List.of(), r.missing());
    r.write();

    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals(9, csv.size(), String.join("\n", csv));
    assertEquals(
        "dataset,method,l0,target,seed,rule,l0_used,train_seconds,elbo,recon_error,nnz_mean,nnz_std,"
            + "nnz_max,share_at_cap,effective_nnz_mean,recon_error_effective,probe_accuracy,spearman_level,level_exact,effective_support_exact,"
            + "collapse_warning",
        csv.get(0));
    assertEquals(
        "syn,sdlgm,4,2,2,-,4,2.00000,-50.0000,18.0000,2.20000,0.500000,4.00000,0.250000,1.20000,"
            + "27.0000,0.620000,,,,\"partial collapse: only 0.5 of 2.2 non-zeros\"",
        csv.get(2));
    // topk-ae has no ELBO: the cell is blank, and k = target.
    assertEquals(
        "syn,topk-ae,2,2,1,-,2,2.00000,,17.0000,2.10000,0.500000,2.00000,0.250000,1.10000,25.5000,0.610000,,,,",
        csv.get(5));

    String md = Files.readString(out.resolve("results.md"));
    assertTrue(
        md.contains(
            "| data | method | target | L0 | L0 (k) used | rule | seeds | elbo | recon_error | nnz_mean | "
                + "nnz_std | nnz_max | share_at_cap | effective_nnz_mean | recon_error_effective | "
                + "probe_accuracy | collapse |"),
        md);
    // sdlgm at target 2, seeds 1–3: recon 17, 18, 19 → 18 ± 1; nnz 2.1, 2.2, 2.3; one of three
    // warned.
    assertTrue(
        md.contains(
            "| syn | sdlgm | 2 | 4 | 4 | - | 3 | -50.000 ± 0.000 | 18.000 ± 1.000 | 2.200 ± 0.100 | "
                + "0.500 ± 0.000 | 4.000 ± 0.000 | 0.250 ± 0.000 | 1.200 ± 0.100 | 27.000 ± 1.500 | "
                + "0.620 ± 0.010 | ⚠ 1/3 |"),
        md);
    assertTrue(md.contains("| syn | topk-ae | 4 | 4 | 4 | - | 1 | — | 13.000 | 4.100 |"), md);
    assertTrue(md.contains("- syn-sdlgm-T2-s2: partial collapse"), md);
    assertTrue(md.contains("seeds [1] (at targets 2: [1, 2, 3])"), md);
    assertTrue(
        md.contains("![sparsity/quality trade-off](tradeoff-syn.png)")
            && md.contains("![probe accuracy against sparsity](probe-syn.png)"),
        md);

    for (String png : List.of("tradeoff-syn.png", "probe-syn.png")) {
      BufferedImage img = ImageIO.read(out.resolve(png).toFile());
      assertEquals(900, img.getWidth(), png);
    }
    String html = Files.readString(out.resolve("index.html"));
    assertTrue(
        html.contains("<img src=\"tradeoff-syn.png\"")
            && html.contains("<img src=\"probe-syn.png\""),
        html);
    assertTrue(html.contains("syn-topk-ae-T4-s1"), html);
  }

  @Test
  void missingRunsAreLaunchedAndListed() throws Exception {
    ExperimentSpec s = spec();
    Path out = tmp.resolve("out2");
    ExperimentCell done = s.cells().get(0);
    fakeRun(out, done, 9, 1.5);
    List<List<String>> launched =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    ExperimentRunner.Outcome o =
        new ExperimentRunner(
                s,
                out,
                (args, log) -> {
                  launched.add(args);
                  return 1; // every launched run fails
                },
                2,
                System.err)
            .run();
    assertEquals(7, launched.size());
    assertEquals(7, o.failed().size());
    assertTrue(launched.stream().allMatch(a -> a.contains("--out") && a.contains("--overwrite")));
    assertEquals(7, o.results().missing().size());
    assertTrue(Files.readString(out.resolve("results.md")).contains("Missing runs"));
  }
}
