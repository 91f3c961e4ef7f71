package org.sdlgm.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's chart factory and common look on top of JFreeChart: white background, light grid,
 * one palette; rendering to images without a display.
 */
final class Charts {
  /**
   * Series colours: the ten of the common "tab10" palette, blue, orange, green, red, purple first.
   */
  static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
    new Color(0xbcbd22), new Color(0x17becf)
  };

  static final Color GRID = new Color(0xdddddd);
  static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
  static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

  private Charts() {}

  /** A line chart with dots, one series per entry of {@code data}, x as integers. */
  static JFreeChart lines(String title, String xLabel, String yLabel, XYSeriesCollection data) {
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title,
            xLabel,
            yLabel,
            data,
            PlotOrientation.VERTICAL,
            data.getSeriesCount() > 1,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, maxItems(data) <= 30);
    for (int s = 0; s < data.getSeriesCount(); s++) {
      r.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
      r.setSeriesStroke(s, new BasicStroke(2f));
      r.setSeriesShape(s, new java.awt.geom.Ellipse2D.Double(-3, -3, 6, 6));
    }
    plot.setRenderer(r);
    plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    style(chart);
    return chart;
  }

  /** Bars over integer x values (a histogram of counts), x ticks as integers. */
  static JFreeChart integerBars(
      String title, String xLabel, String yLabel, XYSeriesCollection data) {
    data.setIntervalWidth(0.8);
    JFreeChart chart =
        ChartFactory.createXYBarChart(
            title,
            xLabel,
            false,
            yLabel,
            data,
            PlotOrientation.VERTICAL,
            data.getSeriesCount() > 1,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    XYBarRenderer r = (XYBarRenderer) plot.getRenderer();
    r.setBarPainter(new StandardXYBarPainter());
    r.setShadowVisible(false);
    r.setDrawBarOutline(false);
    for (int s = 0; s < data.getSeriesCount(); s++) {
      r.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
    }
    plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    style(chart);
    return chart;
  }

  /** A vertical bar chart over categories. */
  static JFreeChart categoryBars(
      String title, String xLabel, String yLabel, CategoryDataset data, boolean rotateLabels) {
    JFreeChart chart =
        ChartFactory.createBarChart(
            title,
            xLabel,
            yLabel,
            data,
            PlotOrientation.VERTICAL,
            data.getRowCount() > 1,
            false,
            false);
    CategoryPlot plot = chart.getCategoryPlot();
    BarRenderer r = (BarRenderer) plot.getRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setShadowVisible(false);
    r.setDrawBarOutline(false);
    r.setItemMargin(0.02);
    for (int s = 0; s < data.getRowCount(); s++) {
      r.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
    }
    CategoryAxis x = plot.getDomainAxis();
    x.setCategoryMargin(0.15);
    if (rotateLabels) {
      x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    style(chart);
    return chart;
  }

  /** The common look: white, light grid, readable fonts. */
  static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    TextTitle t = chart.getTitle();
    if (t != null) {
      t.setFont(TITLE);
    }
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setPosition(RectangleEdge.TOP);
      legend.setItemFont(TICK);
      legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
    }
    if (chart.getPlot() instanceof XYPlot p) {
      p.setBackgroundPaint(Color.WHITE);
      p.setDomainGridlinePaint(GRID);
      p.setRangeGridlinePaint(GRID);
      p.setOutlineVisible(false);
      for (var a : List.of(p.getDomainAxis(), p.getRangeAxis())) {
        a.setLabelFont(LABEL);
        a.setTickLabelFont(TICK);
      }
    } else if (chart.getPlot() instanceof CategoryPlot p) {
      p.setBackgroundPaint(Color.WHITE);
      p.setRangeGridlinePaint(GRID);
      p.setOutlineVisible(false);
      p.getDomainAxis().setLabelFont(LABEL);
      p.getDomainAxis().setTickLabelFont(TICK);
      p.getRangeAxis().setLabelFont(LABEL);
      p.getRangeAxis().setTickLabelFont(TICK);
    }
  }

  /** Renders one chart. */
  static BufferedImage render(JFreeChart chart, int width, int height) {
    return chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null);
  }

  /** Renders several charts as panels of one image, {@code columns} per row. */
  static BufferedImage grid(List<JFreeChart> charts, int columns, int cellWidth, int cellHeight) {
    int cols = Math.max(1, Math.min(columns, charts.size()));
    int rows = (charts.size() + cols - 1) / cols;
    BufferedImage img =
        new BufferedImage(
            cols * cellWidth, Math.max(1, rows) * cellHeight, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      for (int i = 0; i < charts.size(); i++) {
        Rectangle2D area =
            new Rectangle2D.Double(
                (i % cols) * cellWidth, (i / cols) * cellHeight, cellWidth, cellHeight);
        charts.get(i).draw(g, area);
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  private static int maxItems(XYSeriesCollection data) {
    int m = 0;
    for (int s = 0; s < data.getSeriesCount(); s++) {
      m = Math.max(m, data.getItemCount(s));
    }
    return m;
  }
}
