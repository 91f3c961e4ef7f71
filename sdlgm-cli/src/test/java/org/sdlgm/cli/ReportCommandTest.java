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

/** {@code sdlgm report} on a tiny trained model (the pages themselves: sdlgm-report's tests). */
class ReportCommandTest {
  @Test
  void reportWritesThePageIntoTheModelDirectory(@TempDir Path dir) throws IOException {
    Path model = dir.resolve("model");
    Cli.trainTiny(model, 1);
    Cli.Result r = Cli.ok("report", model.toString(), "--rows", "50");
    Path html = model.resolve("report").resolve("report.html");
    assertTrue(r.out().contains("report written to " + html), r::toString);
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertTrue(page.contains("<h2>Run summary</h2>"), page);
    for (String png :
        List.of(
            "learning-curves.png",
            "level-histogram.png",
            "level-confusion.png",
            "dimension-usage.png")) {
      assertTrue(page.contains("src=\"" + png + "\""), png + " not on the page");
      assertTrue(
          Files.size(model.resolve("report").resolve(png)) > 1000, png + " missing or empty");
    }
    Cli.assertNoTmp(model);

    Path out = dir.resolve("elsewhere");
    Cli.ok("report", "--model", model.toString(), "--out", out.toString(), "--rows", "20");
    assertTrue(Files.isRegularFile(out.resolve("report.html")));
  }

  @Test
  void trainWritesAReportUnlessToldNot(@TempDir Path dir) throws IOException {
    Path model = dir.resolve("with-report");
    Cli.Result r =
        Cli.ok(
            "train",
            "--data",
            Cli.SYN,
            "-K",
            "16",
            "-L",
            "4",
            "--encoder",
            "32",
            "--decoder-hidden",
            "32",
            "--epochs",
            "1",
            "--out",
            model.toString());
    assertTrue(Files.isRegularFile(model.resolve("report").resolve("report.html")), r.toString());
    assertTrue(r.out().contains("report written to"), r.out());
  }

  @Test
  void usageErrors(@TempDir Path dir) {
    Cli.Result none = Cli.run("report");
    assertEquals(2, none.code(), none::toString);
    assertTrue(none.error().contains("MODEL_DIR"), none::toString);

    Cli.Result missing = Cli.run("report", dir.resolve("absent").toString());
    assertEquals(2, missing.code(), missing::toString);
    assertTrue(missing.error().contains("does not exist"), missing::toString);

    Cli.Result rows = Cli.run("report", dir.toString(), "--rows", "0");
    assertEquals(2, rows.code(), rows::toString);
    assertTrue(rows.error().contains("--rows"), rows::toString);
    assertFalse(rows.err().contains("Exception"), rows::toString);
  }

  @Test
  void helpShowsAnExample() {
    Cli.Result r = Cli.ok("report", "--help");
    assertTrue(r.out().contains("Usage: sdlgm report"), r::toString);
    assertTrue(r.out().contains("Example: sdlgm report"), r::toString);
  }
}
