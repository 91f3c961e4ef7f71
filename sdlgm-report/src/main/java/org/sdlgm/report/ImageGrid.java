package org.sdlgm.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Grids of small images (inputs, reconstructions, decoder atoms) written pixel by pixel into a
 * {@link BufferedImage}: image data rather than plots. Each tile is a group of one or more images
 * side by side with a label line under it.
 */
final class ImageGrid {
  private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final int GAP = 10;
  private static final int INNER_GAP = 2;
  private static final int LABEL_HEIGHT = 18;

  /** How a value becomes a colour. */
  interface ColorMap {
    int rgb(float v);
  }

  private ImageGrid() {}

  /** Grey levels, {@code lo} black to {@code hi} white (clipped). */
  static ColorMap grey(float lo, float hi) {
    float span = hi > lo ? hi - lo : 1f;
    return v -> {
      int g = Math.round(255f * Math.max(0f, Math.min(1f, (v - lo) / span)));
      return (g << 16) | (g << 8) | g;
    };
  }

  /** Diverging: −{@code max} blue, 0 white, +{@code max} red (clipped). */
  static ColorMap diverging(float max) {
    float m = max > 0 ? max : 1f;
    return v -> {
      float f = Math.max(-1f, Math.min(1f, v / m));
      Color end = f < 0 ? new Color(0x2166ac) : new Color(0xb2182b);
      float a = Math.abs(f);
      int r = Math.round(255 + a * (end.getRed() - 255));
      int g = Math.round(255 + a * (end.getGreen() - 255));
      int b = Math.round(255 + a * (end.getBlue() - 255));
      return (r << 16) | (g << 8) | b;
    };
  }

  /**
   * Draws tiles in {@code columns} columns; tile {@code t} shows {@code images[t][j]} (row-major
   * {@code h × w}) for j = 0.., side by side, coloured by {@code maps[t]}, each pixel {@code scale
   * × scale}, with {@code labels[t]} centred under it.
   */
  static BufferedImage tiles(
      float[][][] images, ColorMap[] maps, String[] labels, int h, int w, int scale, int columns) {
    int n = images.length;
    int per = n == 0 ? 1 : images[0].length;
    int tileW = per * w * scale + (per - 1) * INNER_GAP;
    int tileH = h * scale + LABEL_HEIGHT;
    int cols = Math.max(1, Math.min(columns, n));
    int rows = Math.max(1, (n + cols - 1) / cols);
    BufferedImage img =
        new BufferedImage(
            GAP + cols * (tileW + GAP), GAP + rows * (tileH + GAP), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(FONT);
      g.setColor(Color.BLACK);
      FontMetrics fm = g.getFontMetrics();
      for (int t = 0; t < n; t++) {
        int x0 = GAP + (t % cols) * (tileW + GAP);
        int y0 = GAP + (t / cols) * (tileH + GAP);
        for (int j = 0; j < per; j++) {
          int xj = x0 + j * (w * scale + INNER_GAP);
          float[] px = images[t][j];
          for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
              int rgb = maps[t].rgb(px[y * w + x]);
              for (int dy = 0; dy < scale; dy++) {
                for (int dx = 0; dx < scale; dx++) {
                  img.setRGB(xj + x * scale + dx, y0 + y * scale + dy, rgb);
                }
              }
            }
          }
          g.setColor(new Color(0xbbbbbb));
          g.drawRect(xj - 1, y0 - 1, w * scale + 1, h * scale + 1);
        }
        if (labels != null && labels[t] != null) {
          g.setColor(Color.BLACK);
          int lw = fm.stringWidth(labels[t]);
          g.drawString(
              labels[t], x0 + Math.max(0, (tileW - lw) / 2), y0 + h * scale + fm.getAscent() + 3);
        }
      }
    } finally {
      g.dispose();
    }
    return img;
  }
}
