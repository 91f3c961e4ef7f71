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
    Files.writeString(f, "datasets:\n  syn: {data: \"synthetic:n=200,test=50\"}\n"
        + "methods: [sdlgm, topk-ae]\nl0: [\"2\", \"4\"]\nseeds: [1, 2]\n");
    return ExperimentSpec.read(f);
  }

  /** A fake finished unsupervised run whose numbers depend on the cell. */
  private static void fakeRun(Path out, ExperimentCell c, double recon, double nnz) throws IOException {
    Path d = out.resolve(c.name());
    Files.createDirectories(d);
    Files.writeString(d.resolve("config.json"), "{\"model\":{\"maxLevel\":" + c.l0() + "}}");
    Files.writeString(d.resolve("metrics.json"), String.format(Locale.ROOT,
        "{\"trainSeconds\":1.5,\"evaluation\":{\"elbo\":-10,\"reconError\":%s,\"nnz\":{\"mean\":%s,\"max\":%s},"
            + "\"probe\":{\"testAccuracy\":0.5}}}", recon, nnz, c.l0()));
  }

  @Test
  void finishedRunsAreTabulatedAndNotRunAgain() throws Exception {
    ExperimentSpec s = spec();
    Path out = tmp.resolve("out");
    for (ExperimentCell c : s.cells()) {
      int l0 = Integer.parseInt(c.l0());
      double recon = (c.method().equals("sdlgm") ? 10 : 12) - l0 + c.seed();  // seeds 1, 2 → ±0.707
      fakeRun(out, c, recon, l0 - 0.5 * c.seed());
    }
    List<String> launched = new java.util.ArrayList<>();
    ExperimentRunner.Outcome o = new ExperimentRunner(s, out, (args, log) -> {
      launched.add(String.join(" ", args));
      return 0;
    }, 2, System.err).run();
    assertEquals(List.of(), launched, "every run had metrics.json: nothing is launched again");
    assertEquals(8, o.skipped().size());

    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals(9, csv.size());
    assertTrue(csv.get(0).startsWith("dataset,method,l0,seed,rule,l0_used,train_seconds,elbo,recon_error,nnz_mean"));
    assertTrue(csv.get(1).startsWith("syn,sdlgm,2,1,-,2,1.50000,-10.0000,9.00000,1.50000"), csv.get(1));

    String md = Files.readString(out.resolve("results.md"));
    // sdlgm, L0 2: recon 9 and 10 → 9.500 ± 0.707; nnz 1.5 and 1.0 → 1.250 ± 0.354.
    assertTrue(md.contains("| syn | sdlgm | 2 | 2 | - | 2 | -10.000 ± 0.000 | 9.500 ± 0.707 | 1.250 ± 0.354 |"), md);
    assertTrue(md.contains("![sparsity/quality trade-off](tradeoff-syn.png)"), md);

    BufferedImage png = ImageIO.read(out.resolve("tradeoff-syn.png").toFile());
    assertEquals(900, png.getWidth());
    String html = Files.readString(out.resolve("index.html"));
    assertTrue(html.contains("<img src=\"tradeoff-syn.png\"") && html.contains("results.md"), html);
    assertTrue(html.contains("syn-topk-ae-L4-s2"), html);
  }

  @Test
  void missingRunsAreLaunchedAndListed() throws Exception {
    ExperimentSpec s = spec();
    Path out = tmp.resolve("out2");
    ExperimentCell done = s.cells().get(0);
    fakeRun(out, done, 9, 1.5);
    List<List<String>> launched = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    ExperimentRunner.Outcome o = new ExperimentRunner(s, out, (args, log) -> {
      launched.add(args);
      return 1;  // every launched run fails
    }, 2, System.err).run();
    assertEquals(7, launched.size());
    assertEquals(7, o.failed().size());
    assertTrue(launched.stream().allMatch(a -> a.contains("--out") && a.contains("--overwrite")));
    assertEquals(7, o.results().missing().size());
    assertTrue(Files.readString(out.resolve("results.md")).contains("Missing runs"));
  }
}
