package org.sdlgm.report;

import java.awt.BasicStroke;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.sdlgm.util.AtomicFiles;

/**
 * The sparsity/quality trade-off figure of an experiment: one curve per method of a quality measure
 * (reconstruction error, test ELBO) against the mean number of non-zeros, one point per L0 value,
 * with ±1 std error bars over seeds in both directions. It is the picture that shows what adaptive
 * sparsity buys: at the same mean nnz, a lower curve is better.
 */
public final class TradeoffChart {
  private TradeoffChart() {}

  /** One point of a curve: mean and std over seeds of x (mean nnz) and y (the quality measure). */
  public record Point(double x, double xStd, double y, double yStd) {}

  /** Writes the figure as a PNG (atomically). {@code curves} maps method → points in L0 order. */
  public static void write(
      Path png, String title, String xLabel, String yLabel, Map<String, List<Point>> curves) {
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    for (Map.Entry<String, List<Point>> e : curves.entrySet()) {
      XYIntervalSeries s = new XYIntervalSeries(e.getKey());
      for (Point p : e.getValue()) {
        s.add(p.x(), p.x() - p.xStd(), p.x() + p.xStd(), p.y(), p.y() - p.yStd(), p.y() + p.yStd());
      }
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
    XYErrorRenderer r = new XYErrorRenderer();
    r.setDefaultLinesVisible(true);
    r.setDefaultShapesVisible(true);
    for (int s = 0; s < data.getSeriesCount(); s++) {
      r.setSeriesPaint(s, Charts.PALETTE[s % Charts.PALETTE.length]);
      r.setSeriesStroke(s, new BasicStroke(2f));
      r.setSeriesShape(s, new java.awt.geom.Ellipse2D.Double(-4, -4, 8, 8));
    }
    chart.getXYPlot().setRenderer(r);
    ((org.jfree.chart.axis.NumberAxis) chart.getXYPlot().getRangeAxis())
        .setAutoRangeIncludesZero(false);
    Charts.style(chart);
    AtomicFiles.write(png, out -> ImageIO.write(Charts.render(chart, 900, 560), "png", out));
  }
}
