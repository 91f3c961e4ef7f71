package org.sdlgm.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.sdlgm.util.AtomicFiles;

/**
 * The body of the report as it is assembled: sections add paragraphs, tables and figures; each
 * figure is written at once as a PNG next to {@code report.html} and referenced by a relative
 * {@code <img>} path, so the directory is self-contained (no network, no script).
 */
public final class ReportPage {
  private final Path dir;
  private final StringBuilder body = new StringBuilder();
  private final Set<String> names = new HashSet<>();

  ReportPage(Path dir) {
    this.dir = dir;
  }

  /** A paragraph of plain text (escaped). */
  public ReportPage paragraph(String text) {
    body.append("<p>").append(Html.escape(text)).append("</p>\n");
    return this;
  }

  /** A paragraph in the note style (for caveats). */
  public ReportPage note(String text) {
    body.append("<p class=\"note\">").append(Html.escape(text)).append("</p>\n");
    return this;
  }

  /** A two-column table of names and values (both escaped); rows with a null value are skipped. */
  public ReportPage keyValueTable(List<String[]> rows) {
    body.append("<table class=\"summary\">\n");
    for (String[] r : rows) {
      if (r[1] == null) {
        continue;
      }
      body.append("<tr><th>")
          .append(Html.escape(r[0]))
          .append("</th><td>")
          .append(Html.escape(r[1]))
          .append("</td></tr>\n");
    }
    body.append("</table>\n");
    return this;
  }

  /** A JFreeChart rendered at {@code width × height} pixels, with a caption. */
  public ReportPage chart(String name, JFreeChart chart, int width, int height, String caption) {
    return image(name, Charts.render(chart, width, height), caption);
  }

  /** An image (a rendered chart or an image grid) written as {@code name.png}, with a caption. */
  public ReportPage image(String name, BufferedImage image, String caption) {
    String file = uniqueName(name) + ".png";
    Path path = dir.resolve(file);
    AtomicFiles.write(
        path,
        out -> {
          if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer available");
          }
        });
    body.append("<figure>\n<img src=\"")
        .append(Html.escape(file))
        .append("\" width=\"")
        .append(image.getWidth())
        .append("\" height=\"")
        .append(image.getHeight())
        .append("\" alt=\"")
        .append(Html.escape(caption))
        .append("\">\n<figcaption>")
        .append(Html.escape(caption))
        .append("</figcaption>\n</figure>\n");
    return this;
  }

  private String uniqueName(String name) {
    String base = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-");
    if (base.isEmpty()) {
      base = "figure";
    }
    String n = base;
    for (int i = 2; !names.add(n); i++) {
      n = base + "-" + i;
    }
    return n;
  }

  void raw(String html) {
    body.append(html);
  }

  String body() {
    return body.toString();
  }
}
