package org.sdlgm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Checks of a written report directory shared by the tests. */
final class ReportFiles {
  private static final Pattern IMG =
      Pattern.compile("<img\\s[^>]*src=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
  private static final Pattern URL_ATTR =
      Pattern.compile("(?:src|href)=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

  private ReportFiles() {}

  /** The {@code src} of every {@code <img>} of the page, in order. */
  static List<String> imageSources(String html) {
    List<String> out = new ArrayList<>();
    Matcher m = IMG.matcher(html);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /**
   * Asserts that the page is self-contained: every image is a relative path to a readable PNG of
   * sensible size that is not blank, every link is an in-page anchor, nothing names a network
   * location or a script, and every PNG of the directory is on the page. Returns the image file
   * names.
   */
  static List<String> assertSelfContained(Path html) throws IOException {
    assertTrue(Files.isRegularFile(html), html + " missing");
    String page = Files.readString(html, StandardCharsets.UTF_8);
    String lower = page.toLowerCase(Locale.ROOT);
    for (String bad :
        List.of("http:", "https:", "ftp:", "file:", "<script", "<link", "@import", "url(")) {
      assertFalse(lower.contains(bad), () -> "report.html contains '" + bad + "'");
    }
    Matcher attrs = URL_ATTR.matcher(page);
    while (attrs.find()) {
      String v = attrs.group(1);
      assertFalse(
          v.startsWith("/") || v.contains("..") || v.contains(":"),
          () -> "not a relative in-directory reference: " + v);
    }
    List<String> images = imageSources(page);
    assertFalse(images.isEmpty(), "no <img> in the report");
    Path dir = html.getParent();
    for (String src : images) {
      Path png = dir.resolve(src);
      assertTrue(Files.isRegularFile(png), () -> src + " referenced but missing");
      BufferedImage img = ImageIO.read(png.toFile());
      assertNotNull(img, () -> src + " is not a readable image");
      byte[] magic = new byte[8];
      try (var in = Files.newInputStream(png)) {
        assertEquals(8, in.read(magic));
      }
      assertEquals((byte) 0x89, magic[0], src + " is not a PNG");
      assertEquals(
          "PNG", new String(magic, 1, 3, StandardCharsets.US_ASCII), src + " is not a PNG");
      assertTrue(
          img.getWidth() >= 200
              && img.getWidth() <= 2400
              && img.getHeight() >= 60
              && img.getHeight() <= 2400,
          () -> src + " has an odd size " + img.getWidth() + "×" + img.getHeight());
      assertTrue(distinctColours(img) >= 3, () -> src + " looks blank");
      assertTrue(
          page.contains(
              "src=\""
                  + src
                  + "\" width=\""
                  + img.getWidth()
                  + "\" height=\""
                  + img.getHeight()
                  + "\""),
          () -> src + ": width/height attributes do not match the file");
    }
    Set<String> onDisk = new HashSet<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).forEach(onDisk::add);
    }
    assertEquals(onDisk, new HashSet<>(images), "PNG files of the directory vs images of the page");
    return images;
  }

  private static int distinctColours(BufferedImage img) {
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        colours.add(img.getRGB(x, y));
        if (colours.size() >= 3) {
          return colours.size();
        }
      }
    }
    return colours.size();
  }
}
