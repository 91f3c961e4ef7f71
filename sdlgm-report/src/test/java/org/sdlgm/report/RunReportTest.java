package org.sdlgm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sdlgm.SdlgmException;
import org.sdlgm.io.ModelDirectory;

/** {@link RunReport} on tiny model directories written by the training workflow. */
class RunReportTest {

  @Test
  void syntheticImageRunHasEveryFigure() throws IOException {
    Path model = TinyRuns.synthetic();
    Path html =
        RunReport.write(model, ReportOptions.defaults().withRows(80).withExamples(12).withAtoms(8));
    assertEquals(model.resolve("report").resolve("report.html"), html);
    List<String> images = ReportFiles.assertSelfContained(html);
    assertEquals(
        List.of(
            "learning-curves.png",
            "level-histogram.png",
            "level-confusion.png",
            "reconstructions.png",
            "atoms.png",
            "dimension-usage.png"),
        images);
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertTrue(
        page.contains("<title>sdlgm report: synthetic (sdlgm, K = 16, L0 = 4)</title>"), page);
    assertTrue(
        page.contains("validation values use hard samples"),
        "the run has a validation part: its curves must be drawn");
    assertTrue(page.contains("Spearman(L̂, L_true)"), "summary lacks the recovery of L_true");
    assertTrue(
        page.contains("Effective nnz: mean / median / max (δ = 1; mean input norm "),
        "the effective nnz row must give δ and the inputs' scale");
    assertTrue(
        page.contains("the first 80 test examples"), "captions must say which rows were used");
    assertTrue(page.contains("cap L0 = 4"), "histogram caption must name the cap");
    // Every figure has a caption.
    assertEquals(images.size(), page.split("<figcaption>", -1).length - 1);
  }

  @Test
  void labelledRunWithoutTestPartOrMetrics() throws IOException {
    Path model = TinyRuns.labelledCsv();
    assertFalse(
        Files.exists(model.resolve(ModelDirectory.METRICS)), "fixture must lack metrics.json");
    Path out = TinyRuns.fresh("labelled-report");
    Path html = RunReport.write(model, ReportOptions.defaults().withOutputDir(out));
    assertEquals(out.resolve("report.html"), html);
    assertFalse(
        Files.exists(model.resolve("report")), "--out given: nothing goes to MODEL_DIR/report");
    List<String> images = ReportFiles.assertSelfContained(html);
    // Not images: no reconstructions or atoms; labels: per-class bars; no ground truth: no
    // confusion.
    assertEquals(
        List.of(
            "learning-curves.png",
            "level-histogram.png",
            "level-per-class.png",
            "dimension-usage.png"),
        images);
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertTrue(page.contains("no test part"), "the page must say the training rows stand in");
    assertTrue(page.contains("no metrics.json"), "the page must say the run was not evaluated");
    assertTrue(page.contains("all 240 training examples"), "caption must name the rows used");
  }

  @Test
  void rewritingReplacesTheOldFiguresOnly() throws IOException {
    Path model = TinyRuns.synthetic();
    Path out = TinyRuns.fresh("rewrite-report");
    Path unrelated = out.resolve("unrelated.png");
    Files.writeString(unrelated, "not ours");
    RunReport.write(model, ReportOptions.defaults().withRows(50).withOutputDir(out));
    assertTrue(Files.exists(out.resolve("atoms.png")));
    Path html =
        RunReport.write(
            model,
            ReportOptions.defaults().withRows(50).withExamples(0).withAtoms(0).withOutputDir(out));
    assertFalse(Files.exists(out.resolve("atoms.png")), "figure of the earlier page left behind");
    assertFalse(
        Files.exists(out.resolve("reconstructions.png")), "figure of the earlier page left behind");
    assertTrue(Files.exists(unrelated), "a file the report did not write was deleted");
    Files.delete(unrelated);
    List<String> images = ReportFiles.assertSelfContained(html);
    assertFalse(
        images.contains("atoms.png") || images.contains("reconstructions.png"), images::toString);
  }

  @Test
  void customSectionsReplaceTheDefaults() throws IOException {
    ReportSection<ReportContext> only =
        new ReportSection<>() {
          @Override
          public String title() {
            return "Only <this>";
          }

          @Override
          public boolean appliesTo(ReportContext ctx) {
            return true;
          }

          @Override
          public void render(ReportContext ctx, ReportPage page) {
            page.paragraph("K is " + ctx.config().latentDim() + " & codes: " + ctx.codes().size());
          }
        };
    Path out = TinyRuns.fresh("custom-report");
    Path html =
        RunReport.write(
            TinyRuns.synthetic(),
            ReportOptions.defaults().withRows(10).withOutputDir(out),
            List.of(only, new DimensionUsageSection()));
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertTrue(page.contains("<h2>Only &lt;this&gt;</h2>"), page);
    assertTrue(page.contains("<p>K is 16 &amp; codes: 10</p>"), page);
    assertEquals(List.of("dimension-usage.png"), ReportFiles.assertSelfContained(html));
  }

  @Test
  void missingModelDirectoryIsAClearError() {
    SdlgmException e =
        assertThrows(
            SdlgmException.class,
            () ->
                RunReport.write(TinyRuns.ROOT.resolve("no-such-model"), ReportOptions.defaults()));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void optionsAreChecked() {
    assertThrows(SdlgmException.class, () -> ReportOptions.defaults().withRows(0));
    assertThrows(SdlgmException.class, () -> ReportOptions.defaults().withExamples(-1));
    assertThrows(SdlgmException.class, () -> ReportOptions.defaults().withAtoms(1000));
    Path m = Path.of("m");
    assertEquals(m.resolve("report"), ReportOptions.defaults().outputFor(m));
  }
}
