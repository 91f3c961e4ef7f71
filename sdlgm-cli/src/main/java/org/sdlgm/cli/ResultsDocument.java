package org.sdlgm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sdlgm.SdlgmException;
import org.sdlgm.util.AtomicFiles;

/**
 * Puts an experiment's generated table into a hand-written document (docs/results.md) between
 * {@code <!-- sdlgm-experiment: NAME -->} and {@code <!-- /sdlgm-experiment: NAME -->}, so the
 * prose around it stays while the numbers are regenerated; figures the table shows are copied next
 * to the document under {@code figures/NAME-FIGURE} and the links rewritten.
 */
final class ResultsDocument {
  private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)\\]\\(([^)/]+\\.png)\\)");

  private ResultsDocument() {}

  static void update(Path doc, String name, Path experimentDir) {
    Path md = experimentDir.resolve("results.md");
    if (!Files.isRegularFile(md)) {
      throw new SdlgmException(md + ": missing; run the experiment first");
    }
    try {
      String table = Files.readString(md, StandardCharsets.UTF_8);
      // The generated page's title becomes a bold line: the document has its own headings.
      table = table.replaceFirst("^# (.*)\\n", "**$1**\n");
      Path figures = doc.toAbsolutePath().getParent().resolve("figures");
      Matcher m = IMAGE.matcher(table);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String target = name + "-" + m.group(2);
        Files.createDirectories(figures);
        Files.copy(
            experimentDir.resolve(m.group(2)),
            figures.resolve(target),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        m.appendReplacement(
            sb, Matcher.quoteReplacement("![" + m.group(1) + "](figures/" + target + ")"));
      }
      m.appendTail(sb);
      String open = "<!-- sdlgm-experiment: " + name + " -->";
      String close = "<!-- /sdlgm-experiment: " + name + " -->";
      String block = open + "\n" + sb.toString().strip() + "\n" + close;
      String text = Files.isRegularFile(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
      int a = text.indexOf(open);
      int b = text.indexOf(close);
      String updated =
          a >= 0 && b > a
              ? text.substring(0, a) + block + text.substring(b + close.length())
              : text + (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + "\n" + block + "\n";
      AtomicFiles.writeString(doc, updated);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
