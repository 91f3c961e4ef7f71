package org.sdlgm.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sdlgm.SdlgmException;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.Provenance;
import org.sdlgm.util.AtomicFiles;

/**
 * Writes the report of a model directory: {@code report.html} and the PNG figures it shows, in
 * {@code MODEL_DIR/report/} (or {@link ReportOptions#outputDir}). The page is self-contained —
 * relative image paths, inline style, no script, no network — and the figures are drawn without a
 * display ({@code java.awt.headless}). Writing again replaces the page and the figures of the
 * earlier one.
 *
 * <p>The report is a list of {@link ReportSection}s over the run's {@link RunContext}; {@link
 * #sectionsFor} picks those for an unsupervised run, {@link #taggerSectionsFor} those for a
 * multi-label model directory ({@code config.json} format {@value ModelDirectory#TAGGER_FORMAT}).
 * Typical use, e.g. at the end of training:
 *
 * <pre>{@code
 * Path html = RunReport.write(modelDir, ReportOptions.defaults());
 * }</pre>
 */
public final class RunReport {
  /** File name of the page inside the report directory. */
  public static final String HTML = "report.html";

  private RunReport() {}

  /** Writes the report of {@code modelDir} with the sections that fit the run; returns the page. */
  public static Path write(Path modelDir, ReportOptions options) {
    return write(modelDir, options, null);
  }

  /**
   * Writes the report of an unsupervised model's {@code modelDir} with the given sections (null:
   * {@link #sectionsFor} the run); sections whose {@link ReportSection#appliesTo} is false are left
   * out. Returns the path of {@code report.html}. A multi-label directory with null sections gets
   * its own ({@link #writeTagger}).
   */
  public static Path write(
      Path modelDir, ReportOptions options, List<ReportSection<ReportContext>> sections) {
    headless();
    // The format field is read first so that each kind of directory is read by its own context.
    if (ModelDirectory.TAGGER_FORMAT.equals(ModelDirectory.formatOf(modelDir))) {
      if (sections != null) {
        throw new SdlgmException(
            modelDir
                + " is a multi-label model: custom sections apply to "
                + "unsupervised models only; use RunReport.writeTagger(modelDir, options, sections)");
      }
      return writeTagger(modelDir, options, null);
    }
    try (ReportContext ctx = ReportContext.open(modelDir, options)) {
      return write(ctx, sections != null ? sections : sectionsFor(ctx));
    }
  }

  /**
   * Writes the report of a multi-label model directory ({@code config.json} format {@value
   * ModelDirectory#TAGGER_FORMAT}) with the given sections (null: {@link #taggerSectionsFor} the
   * run); returns the path of {@code report.html}. {@link #write(Path, ReportOptions)} calls this
   * for such directories.
   */
  public static Path writeTagger(
      Path modelDir, ReportOptions options, List<ReportSection<TaggerReportContext>> sections) {
    headless();
    try (TaggerReportContext ctx = TaggerReportContext.open(modelDir, options)) {
      return write(ctx, sections != null ? sections : taggerSectionsFor(ctx));
    }
  }

  private static void headless() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /**
   * Writes the page of {@code ctx}: in order, the sections that apply to the run, each in its own
   * {@code <section>} listed in the page's table of contents; one path for both kinds of run.
   */
  private static <X extends RunContext<?, ?>> Path write(
      X ctx, List<? extends ReportSection<X>> sections) {
    Path dir = ctx.outputDir();
    prepare(dir);
    List<String[]> toc = new ArrayList<>();
    ReportPage page = new ReportPage(dir);
    for (ReportSection<X> s : sections) {
      if (s.appliesTo(ctx)) {
        open(page, toc, s.title());
        s.render(ctx, page);
        page.raw("</section>\n");
      }
    }
    Path html = dir.resolve(HTML);
    String title = "sdlgm report: " + modelName(ctx.modelDir()) + " (" + ctx.describe() + ")";
    AtomicFiles.writeString(html, document(title, ctx.dataSpec(), toc, page.body()));
    return html;
  }

  /**
   * The sections of a multi-label run, in page order: summary, learning curves, predicted against
   * true set size, ranking metrics per set rule, and example predictions.
   */
  public static List<ReportSection<TaggerReportContext>> taggerSectionsFor(
      TaggerReportContext ctx) {
    return List.of(
        new TaggerSummarySection(),
        new TaggerLearningCurvesSection(),
        new SetSizeSection(),
        new RankingMetricsSection(),
        new ExamplePredictionsSection());
  }

  private static void open(ReportPage page, List<String[]> toc, String title) {
    String id = "s" + (toc.size() + 1);
    toc.add(new String[] {id, title});
    page.raw("<section id=\"" + id + "\">\n<h2>" + Html.escape(title) + "</h2>\n");
  }

  private static String modelName(Path modelDir) {
    Path n = modelDir.toAbsolutePath().normalize().getFileName();
    return n == null ? "model" : n.toString();
  }

  /**
   * The sections for this kind of run, in page order. Every run gets the summary, learning curves,
   * sparsity and dimension usage; image data adds reconstructions and decoder atoms. (Multi-label
   * model directories use {@link #taggerSectionsFor} instead.)
   */
  public static List<ReportSection<ReportContext>> sectionsFor(ReportContext ctx) {
    List<ReportSection<ReportContext>> s = new ArrayList<>();
    s.add(new SummarySection());
    s.add(new LearningCurvesSection());
    s.add(new SparsitySection());
    if (ctx.isImageData()) {
      s.add(new ReconstructionSection());
      s.add(new AtomsSection());
    }
    s.add(new DimensionUsageSection());
    return s;
  }

  /**
   * Creates the report directory and removes the page of an earlier report and the figures it
   * showed (only those: other files of the directory are left alone).
   */
  private static void prepare(Path dir) {
    try {
      Files.createDirectories(dir);
      Path old = dir.resolve(HTML);
      if (Files.isRegularFile(old)) {
        Matcher m = OLD_FIGURE.matcher(Files.readString(old, StandardCharsets.UTF_8));
        while (m.find()) {
          Files.deleteIfExists(dir.resolve(m.group(1)));
        }
        Files.delete(old);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot prepare report directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** An image of an earlier page: a plain file name in the report directory. */
  private static final Pattern OLD_FIGURE = Pattern.compile("<img src=\"([A-Za-z0-9._-]+\\.png)\"");

  private static String document(String title, String dataSpec, List<String[]> toc, String body) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>")
        .append(Html.escape(title))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<h1>")
        .append(Html.escape(title))
        .append("</h1>\n")
        .append("<p class=\"meta\">")
        .append(
            Html.escape(
                "Written "
                    + ZonedDateTime.now(java.time.ZoneId.systemDefault())
                        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT))
                    + " by sdlgm "
                    + Provenance.libraryVersion()
                    + " from "
                    + dataSpec
                    + "."))
        .append("</p>\n<nav><ul>\n");
    for (String[] t : toc) {
      b.append("<li><a href=\"#")
          .append(t[0])
          .append("\">")
          .append(Html.escape(t[1]))
          .append("</a></li>\n");
    }
    b.append("</ul></nav>\n").append(body).append("</body>\n</html>\n");
    return b.toString();
  }

  private static final String CSS =
      """
      body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1200px;
             margin: 1.5em auto; padding: 0 1em; color: #222; line-height: 1.4; }
      h1 { font-size: 1.5em; } h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 2em; }
      p.meta { color: #666; } p.note { background: #fff6e0; border-left: 4px solid #e0a000; padding: .4em .8em; }
      nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4em 1.2em; }
      table.summary { border-collapse: collapse; }
      table.summary th { text-align: left; font-weight: normal; color: #555; padding: .2em 1.2em .2em 0; vertical-align: top; white-space: nowrap; }
      table.summary td { padding: .2em 0; }
      table.summary tr { border-bottom: 1px solid #eee; }
      figure { margin: 1em 0 1.5em 0; }
      figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
      figcaption { color: #444; font-size: .92em; max-width: 60em; }
      table.examples { border-collapse: collapse; font-size: .92em; }
      table.examples th { text-align: left; border-bottom: 2px solid #ccc; padding: .2em .8em .2em 0; }
      table.examples td { border-bottom: 1px solid #eee; padding: .2em .8em .2em 0; vertical-align: top; }
      span.hit { color: #17692b; font-weight: bold; } span.miss { color: #a33; }
      span.missed { color: #888; font-style: italic; }
      """;
}
