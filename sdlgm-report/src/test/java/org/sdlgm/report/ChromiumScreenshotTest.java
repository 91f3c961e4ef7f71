package org.sdlgm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Opens the reports of the tiny synthetic run and the tiny multi-label run in headless Chromium:
 * takes a full-page screenshot (kept in {@code sdlgm-report/target/report-screenshots/} for a human
 * to look at) and checks, on a scripted copy of each page, that the browser loaded every image.
 * Skipped when no {@code chromium} is on the PATH ({@code apt-get install -y chromium} provides
 * one); {@code -Dsdlgm.chromium=PATH} names the binary, {@code -Dsdlgm.chromium=none} skips.
 * Chromium reads only local files here; no network is involved.
 */
class ChromiumScreenshotTest {
  private static Path chromium;
  private static Path html;
  private static Path multiLabelHtml;
  private static Path shots;

  @BeforeAll
  static void setUp() {
    String given = System.getProperty("sdlgm.chromium");
    if (given != null) {
      chromium = given.isBlank() || given.equals("none") ? null : Path.of(given);
    } else {
      chromium = onPath("chromium");
      if (chromium == null) {
        chromium = onPath("chromium-browser");
      }
    }
    if (chromium != null) {
      html =
          RunReport.write(
                  TinyRuns.synthetic(),
                  ReportOptions.defaults()
                      .withRows(100)
                      .withOutputDir(TinyRuns.fresh("browser-report")))
              .toAbsolutePath();
      multiLabelHtml =
          RunReport.write(
                  TinyRuns.multiLabel(),
                  ReportOptions.defaults()
                      .withRows(100)
                      .withOutputDir(TinyRuns.fresh("browser-report-multilabel")))
              .toAbsolutePath();
    }
    shots =
        Path.of(System.getProperty("sdlgm.report.screenshots", "target/report-screenshots"))
            .toAbsolutePath();
  }

  @BeforeEach
  void requireChromium() {
    assumeTrue(
        chromium != null,
        "chromium is not on the PATH (or -Dsdlgm.chromium=none): "
            + "skipping the browser check of the report (apt-get install -y chromium to run it)");
  }

  @Test
  void screenshotIsProduced() throws Exception {
    screenshot(html, "synthetic-report.png");
  }

  @Test
  void multiLabelScreenshotIsProduced() throws Exception {
    screenshot(multiLabelHtml, "multilabel-report.png");
  }

  private static void screenshot(Path html, String name) throws Exception {
    Files.createDirectories(shots);
    Path png = shots.resolve(name);
    Files.deleteIfExists(png);
    Result r = chromium("--screenshot=" + png, "--window-size=1200,3000", html.toUri().toString());
    assertEquals(0, r.code(), r::toString);
    assertTrue(Files.isRegularFile(png), () -> "no screenshot written; " + r);
    BufferedImage shot = ImageIO.read(png.toFile());
    assertNotNull(shot, "screenshot is not a readable image");
    assertEquals(1200, shot.getWidth());
    assertEquals(3000, shot.getHeight());
    System.out.println("report screenshot: " + png + " (" + Files.size(png) + " bytes)");
  }

  /**
   * Issue 4's check on real data: the report of a (small) Fashion-MNIST run and of a bibtex tagger
   * open with every image loaded. Each is skipped, with a message, when its data is not installed
   * (Fashion-MNIST: apt-get install -y dataset-fashion-mnist; bibtex: ../shared/data).
   */
  @Test
  void fashionMnistReportOpensWithEveryImage() throws Exception {
    Path run = TinyRuns.fashionMnist();
    assumeTrue(run != null, "skipping: Fashion-MNIST is not installed at " + TinyRuns.FASHION);
    Path page = RunReport.write(run, ReportOptions.defaults().withRows(500)).toAbsolutePath();
    screenshot(page, "fashion-mnist-report.png");
    imagesLoad(page);
    noConsoleMessages(page);
    assertTrue(
        Files.readString(page).contains("reconstructions.png"), "image runs show reconstructions");
  }

  @Test
  void bibtexReportOpensWithEveryImage() throws Exception {
    Path run = TinyRuns.bibtex();
    assumeTrue(run != null, "skipping: the shared bibtex data is not at " + TinyRuns.sharedData());
    Path page = RunReport.write(run, ReportOptions.defaults().withRows(500)).toAbsolutePath();
    screenshot(page, "bibtex-report.png");
    imagesLoad(page);
    noConsoleMessages(page);
    assertTrue(Files.readString(page).contains("TAG_"), "example predictions name bibtex's labels");
  }

  @Test
  void browserLoadsEveryImage() throws Exception {
    imagesLoad(html);
    noConsoleMessages(html);
  }

  /** The console check itself: a page that logs an error is caught. */
  @Test
  void consoleCheckCatchesAnError() throws Exception {
    Path bad = TinyRuns.fresh("console-check").resolve("bad.html").toAbsolutePath();
    Files.writeString(bad, "<html><body><script>console.error('boom')</script></body></html>");
    AssertionError e =
        org.junit.jupiter.api.Assertions.assertThrows(
            AssertionError.class, () -> noConsoleMessages(bad));
    assertTrue(e.getMessage().contains("boom"), e.getMessage());
  }

  /**
   * Opens the page with Chromium's logging on: every console message (errors included) is logged as
   * {@code :CONSOLE}; a report page must produce none.
   */
  private static void noConsoleMessages(Path page) throws Exception {
    Result r = chromium("--enable-logging=stderr", "--v=0", "--dump-dom", page.toUri().toString());
    assertEquals(0, r.code(), r::toString);
    List<String> console = r.err().lines().filter(l -> l.contains(":CONSOLE")).toList();
    assertTrue(console.isEmpty(), () -> "console messages on " + page + ": " + console);
  }

  @Test
  void browserLoadsEveryImageOfTheMultiLabelReport() throws Exception {
    imagesLoad(multiLabelHtml);
    noConsoleMessages(multiLabelHtml);
  }

  private static void imagesLoad(Path html) throws Exception {
    // A copy of the page, next to it (same relative paths), with a script that records on the
    // body which images failed to decode; --dump-dom prints the DOM after the load event.
    String page = Files.readString(html, StandardCharsets.UTF_8);
    String probe =
        "<script>window.addEventListener('load', () => {"
            + "const bad = [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))"
            + ".map(i => i.getAttribute('src'));"
            + "document.body.setAttribute('data-images', document.images.length);"
            + "document.body.setAttribute('data-broken', bad.join(' ') || 'none');});</script></body>";
    Path check = html.resolveSibling("browser-check.html.tmp.html");
    Files.writeString(check, page.replace("</body>", probe), StandardCharsets.UTF_8);
    try {
      Result r = chromium("--dump-dom", check.toUri().toString());
      assertEquals(0, r.code(), r::toString);
      Matcher body =
          Pattern.compile("<body data-images=\"(\\d+)\" data-broken=\"([^\"]*)\">")
              .matcher(r.out());
      assertTrue(body.find(), () -> "the probe did not run; " + r);
      int expected = ReportFiles.imageSources(page).size();
      assertEquals(Integer.toString(expected), body.group(1), "images seen by the browser");
      assertEquals("none", body.group(2), "images the browser could not load");
    } finally {
      Files.deleteIfExists(check);
    }
  }

  private record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit "
          + code
          + "\n--- stdout ---\n"
          + out
          + "\n--- stderr (tail) ---\n"
          + err.substring(Math.max(0, err.length() - 3000));
    }
  }

  private static Result chromium(String... args) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                chromium.toString(),
                "--headless",
                "--disable-gpu",
                "--no-sandbox",
                "--no-first-run",
                "--disable-extensions",
                "--hide-scrollbars"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("chromium", ".out");
    Path err = Files.createTempFile("chromium", ".err");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("chromium did not finish within 90 s: " + cmd);
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(File.pathSeparator)) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
