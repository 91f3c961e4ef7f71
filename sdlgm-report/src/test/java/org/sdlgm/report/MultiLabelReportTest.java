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

/**
 * {@link RunReport} on a tiny multi-label model directory written by {@code MultiLabelWorkflow}.
 */
class MultiLabelReportTest {

  @Test
  void multiLabelRunHasEveryFigureAndTheExampleTable() throws IOException {
    Path model = TinyRuns.multiLabel();
    assertEquals(ModelDirectory.TAGGER_FORMAT, ModelDirectory.formatOf(model));
    assertTrue(
        Files.isRegularFile(model.resolve(ModelDirectory.METRICS)), "fixture must be evaluated");
    Path html = RunReport.write(model, ReportOptions.defaults().withRows(60));
    assertEquals(model.resolve("report").resolve("report.html"), html);
    List<String> images = ReportFiles.assertSelfContained(html);
    assertEquals(
        List.of("learning-curves.png", "set-size-confusion.png", "ranking-metrics.png"), images);
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertTrue(
        page.contains(
            "<title>sdlgm report: multilabel (sdlgm, multi-label, 12 labels, L0 = 3)</title>"),
        page);
    assertTrue(
        page.contains("Set rule count: P@1 / P@3 / P@5"),
        "summary lacks the metrics of the count rule");
    assertTrue(page.contains("Set size range L_min..L0"), "summary lacks the count head's range");
    assertTrue(
        page.contains("validation P@1"), "the run has a validation part: its curves must be drawn");
    assertTrue(
        page.contains("the first 60 test examples"), "captions must say which rows were used");
    // The example table: 15 rows, true and predicted labels by name, hits marked.
    assertTrue(page.contains("<table class=\"examples\">"), "no example table");
    String rest = page.substring(page.indexOf("<table class=\"examples\">"));
    String table = rest.substring(0, rest.indexOf("</table>"));
    assertEquals(
        ExamplePredictionsSection.ROWS + 1, table.split("<tr>", -1).length - 1, "header + 15 rows");
    List<String> names = ModelDirectory.readTaggerInfo(model).data().labelNames();
    assertTrue(
        names.stream().anyMatch(n -> table.contains(Html.escape(n))), "no label name in the table");
    assertTrue(
        table.contains("class=\"hit\"") || table.contains("class=\"miss\""),
        "predictions not marked");
    assertEquals(
        images.size(), page.split("<figcaption>", -1).length - 1, "every figure has a caption");
  }

  @Test
  void setSizeCountsCoverEveryScoredRow() {
    try (TaggerReportContext ctx =
        TaggerReportContext.open(TinyRuns.multiLabel(), ReportOptions.defaults().withRows(40))) {
      assertTrue(ctx.hasPredictions(), ctx.notes()::toString);
      assertEquals(40, ctx.size());
      int total = 0;
      for (int[] row : SetSizeSection.counts(ctx)) {
        for (int c : row) {
          total += c;
        }
      }
      assertEquals(40, total);
      for (int i = 0; i < ctx.size(); i++) {
        int l = ctx.prediction(i).labels().length;
        assertTrue(l >= ctx.config().minLevel() && l <= ctx.config().maxLevel(), "L̂ = " + l);
      }
    }
  }

  @Test
  void withoutMetricsThePageSaysSoAndDropsTheBars() throws IOException {
    Path copy = TinyRuns.fresh("multilabel-no-metrics");
    Path model = TinyRuns.multiLabel();
    for (String f :
        List.of(
            ModelDirectory.CONFIG,
            ModelDirectory.PARAMS,
            ModelDirectory.FEATURES,
            ModelDirectory.HISTORY)) {
      Files.copy(model.resolve(f), copy.resolve(f));
    }
    Path html = RunReport.write(copy, ReportOptions.defaults().withRows(30));
    List<String> images = ReportFiles.assertSelfContained(html);
    assertEquals(List.of("learning-curves.png", "set-size-confusion.png"), images);
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertTrue(page.contains("no metrics.json"), "the page must say the run was not evaluated");
    assertFalse(page.contains("Ranking metrics"), "no metrics: no ranking section");
  }

  @Test
  void customUnsupervisedSectionsAreRefusedForATagger() {
    SdlgmException e =
        assertThrows(
            SdlgmException.class,
            () ->
                RunReport.write(
                    TinyRuns.multiLabel(),
                    ReportOptions.defaults().withOutputDir(TinyRuns.fresh("multilabel-custom")),
                    List.of(new DimensionUsageSection())));
    assertTrue(e.getMessage().contains("multi-label"), e.getMessage());
  }
}
