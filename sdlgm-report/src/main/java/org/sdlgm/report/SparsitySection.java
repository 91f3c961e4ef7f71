package org.sdlgm.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.sdlgm.eval.Confusion;
import org.sdlgm.model.Method;

/**
 * How sparse the codes are, per example: the histogram of L̂ against the cap L0, the mean L̂ per
 * class when the data has labels, and on synthetic data the confusion of L̂ with the true number of
 * atoms L_true (and of the effective support size, when {@code metrics.json} has it).
 */
public final class SparsitySection implements ReportSection<ReportContext> {
  @Override
  public String title() {
    return "Sparsity per example";
  }

  @Override
  public boolean appliesTo(ReportContext ctx) {
    return ctx.hasCodes() || ctx.evaluation().path("nnz").isObject();
  }

  @Override
  public void render(ReportContext ctx, ReportPage page) {
    histogram(ctx, page);
    perClass(ctx, page);
    confusion(ctx, page);
  }

  /** What the per-example count is called for this method. */
  private static String quantity(ReportContext ctx) {
    return ctx.config().method().isSdlgm() ? "L̂" : "nnz";
  }

  private static void histogram(ReportContext ctx, ReportPage page) {
    int cap = ctx.config().codeCap();
    int[] hist;
    String source;
    if (ctx.hasCodes()) {
      int[] values = ctx.config().method().isSdlgm() ? ctx.levels() : ctx.nnz();
      int max = cap;
      for (int v : values) {
        max = Math.max(max, v);
      }
      hist = new int[max + 1];
      for (int v : values) {
        hist[v]++;
      }
      source = ctx.examplesPhrase();
    } else {
      JsonNode stats = ctx.evaluation().path(ctx.config().method().isSdlgm() ? "level" : "nnz");
      if (!stats.path("histogram").isArray()) {
        stats = ctx.evaluation().path("nnz");
      }
      hist = ints(stats.path("histogram"));
      source = "the test set (metrics.json)";
    }
    String q = quantity(ctx);
    XYSeriesCollection data = new XYSeriesCollection();
    XYSeries s = new XYSeries("examples", true, false);
    for (int v = 0; v < hist.length; v++) {
      s.add(v, hist[v]);
    }
    data.addSeries(s);
    JFreeChart chart = Charts.integerBars(q + " per example", q, "examples", data);
    XYPlot plot = chart.getXYPlot();
    ValueMarker marker =
        new ValueMarker(
            cap + 0.5,
            Charts.PALETTE[3],
            new BasicStroke(
                2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    boolean dense = ctx.config().method() == Method.VAE;
    String capName = dense ? "K = " + cap + " (dense codes)" : "cap L0 = " + cap;
    marker.setLabel(capName + " ");
    marker.setLabelBackgroundColor(new Color(255, 255, 255, 220));
    marker.setLabelFont(Charts.LABEL);
    marker.setLabelPaint(Charts.PALETTE[3]);
    marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
    marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
    plot.addDomainMarker(marker);
    plot.getDomainAxis().setRange(-0.6, Math.max(cap, hist.length - 1) + 1.0);
    int mode = 0;
    long total = 0;
    double sum = 0;
    for (int v = 0; v < hist.length; v++) {
      mode = hist[v] > hist[mode] ? v : mode;
      total += hist[v];
      sum += (double) v * hist[v];
    }
    page.chart(
        "level-histogram",
        chart,
        720,
        360,
        String.format(
            Locale.ROOT,
            "How many examples get each %s (non-zeros of the code) on %s; mean %.2f, most common %d; "
                + "the dashed line marks %s.",
            q,
            source,
            total == 0 ? Double.NaN : sum / total,
            mode,
            dense ? "K = " + cap + ": this method's codes are dense" : "the cap L0 = " + cap));
  }

  private static void perClass(ReportContext ctx, ReportPage page) {
    double[] means = null;
    String source;
    if (ctx.hasCodes() && ctx.examples().hasLabels()) {
      int[] labels = ctx.examples().labels();
      int[] values = ctx.config().method().isSdlgm() ? ctx.levels() : ctx.nnz();
      int classes = Math.max(ctx.examples().numClasses(), ctx.info().data().numClasses());
      means = new double[classes];
      int[] count = new int[classes];
      for (int i = 0; i < labels.length; i++) {
        means[labels[i]] += values[i];
        count[labels[i]]++;
      }
      for (int c = 0; c < classes; c++) {
        means[c] = count[c] == 0 ? Double.NaN : means[c] / count[c];
      }
      source = ctx.examplesPhrase();
    } else {
      JsonNode per =
          ctx.evaluation().path(ctx.config().method().isSdlgm() ? "levelPerClass" : "nnzPerClass");
      if (per.isArray()) {
        means = new double[per.size()];
        for (int c = 0; c < means.length; c++) {
          means[c] = per.get(c).asDouble(Double.NaN);
        }
      }
      source = "the test set (metrics.json)";
    }
    if (means == null || means.length == 0 || ctx.config().method() == Method.VAE) {
      return; // nothing to compare for the dense VAE: every code has K non-zeros
    }
    String q = quantity(ctx);
    List<String> names = ClassNames.of(ctx.info().data().spec(), means.length);
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (int c = 0; c < means.length; c++) {
      if (Double.isFinite(means[c])) {
        data.addValue(means[c], "mean " + q, names.get(c));
      }
    }
    boolean rotate = names.stream().anyMatch(n -> n.length() > 3);
    JFreeChart chart =
        Charts.categoryBars("mean " + q + " per class", "class", "mean " + q, data, rotate);
    page.chart(
        "level-per-class",
        chart,
        720,
        rotate ? 400 : 340,
        "Mean " + q + " of each class on " + source + ".");
  }

  private static void confusion(ReportContext ctx, ReportPage page) {
    JsonNode rec = ctx.evaluation().path("recovery");
    int[][] level = null;
    int[][] effective = null;
    String source;
    if (rec.path("levelConfusion").path("counts").isArray()) {
      level = matrix(rec.path("levelConfusion").path("counts"));
      if (rec.path("effectiveConfusion").path("counts").isArray()) {
        effective = matrix(rec.path("effectiveConfusion").path("counts"));
      }
      source = "the test set (metrics.json)";
    } else if (ctx.hasCodes() && ctx.examples().hasGroundTruth()) {
      int[] pred = ctx.levels();
      int[] truth = ctx.examples().trueLevels();
      int maxPred = ctx.config().codeCap();
      int maxTrue = 0;
      for (int v : pred) {
        maxPred = Math.max(maxPred, v);
      }
      for (int v : truth) {
        maxTrue = Math.max(maxTrue, v);
      }
      level = Confusion.of(pred, truth, maxPred, maxTrue).counts();
      source = ctx.examplesPhrase();
    } else {
      return;
    }
    List<JFreeChart> charts = new ArrayList<>();
    charts.add(heatMap("L̂ against L_true", "L̂ (chosen level)", level, ctx.config().codeCap()));
    if (effective != null) {
      charts.add(
          heatMap(
              "effective support against L_true",
              "effective nnz",
              effective,
              ctx.config().codeCap()));
    }
    page.image(
        "level-confusion",
        Charts.grid(charts, 2, 520, 440),
        "Synthetic data: number of "
            + "examples for each true number of atoms L_true (rows) and chosen level L̂ (columns)"
            + (effective != null
                ? ", and the same for the effective support (active dimensions that "
                    + "change x̂ by more than δ)"
                : "")
            + ", on "
            + source
            + "; colour is the share of the row, so a dark diagonal is perfect recovery.");
  }

  /** A confusion heat map: truth down the y axis, prediction along x, counts printed in cells. */
  static JFreeChart heatMap(String title, String xLabel, int[][] counts, int cap) {
    return heatMap(title, xLabel, "L_true", counts, cap);
  }

  /**
   * A confusion heat map with a named y axis (the multi-label report draws |Y| against L̂ with it):
   * {@code counts[truth][prediction]}, colour the share of the row, counts in the cells.
   */
  static JFreeChart heatMap(String title, String xLabel, String yLabel, int[][] counts, int cap) {
    int rowLo = Integer.MAX_VALUE;
    int rowHi = -1;
    int colLo = Integer.MAX_VALUE;
    int colHi = -1;
    for (int t = 0; t < counts.length; t++) {
      for (int p = 0; p < counts[t].length; p++) {
        if (counts[t][p] > 0) {
          rowLo = Math.min(rowLo, t);
          rowHi = Math.max(rowHi, t);
          colLo = Math.min(colLo, p);
          colHi = Math.max(colHi, p);
        }
      }
    }
    if (rowHi < 0) {
      rowLo = rowHi = colLo = colHi = 0;
    }
    colLo = Math.min(colLo, Math.max(1, rowLo));
    colHi = Math.max(colHi, Math.min(cap, Math.max(rowHi, colHi)));
    int cells = (rowHi - rowLo + 1) * (colHi - colLo + 1);
    double[][] xyz = new double[3][cells];
    List<XYTextAnnotation> labels = new ArrayList<>();
    int i = 0;
    for (int t = rowLo; t <= rowHi; t++) {
      long rowTotal = 0;
      for (int v : counts[t]) {
        rowTotal += v;
      }
      for (int p = colLo; p <= colHi; p++) {
        int c = p < counts[t].length ? counts[t][p] : 0;
        double share = rowTotal == 0 ? 0 : c / (double) rowTotal;
        xyz[0][i] = p;
        xyz[1][i] = t;
        xyz[2][i] = share;
        i++;
        if (c > 0) {
          XYTextAnnotation a = new XYTextAnnotation(Integer.toString(c), p, t);
          a.setFont(Charts.TICK);
          a.setPaint(share > 0.55 ? Color.WHITE : Color.BLACK);
          labels.add(a);
        }
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("share of row", xyz);
    LookupPaintScale scale = new LookupPaintScale(0, 1.0001, Color.WHITE);
    Color lo = new Color(0xeef3fa);
    Color hi = new Color(0x08306b);
    for (int s = 1; s <= 20; s++) {
      double f = s / 20.0;
      scale.add(f - 0.05 + 1e-9, mix(lo, hi, f));
    }
    XYBlockRenderer r = new XYBlockRenderer();
    r.setPaintScale(scale);
    NumberAxis x = new NumberAxis(xLabel);
    NumberAxis y = new NumberAxis(yLabel);
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setRange(colLo - 0.5, colHi + 0.5);
    y.setRange(rowLo - 0.5, rowHi + 0.5);
    y.setInverted(true);
    XYPlot plot = new XYPlot(data, x, y, r);
    labels.forEach(plot::addAnnotation);
    JFreeChart chart = new JFreeChart(title, Charts.TITLE, plot, false);
    Charts.style(chart);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    return chart;
  }

  private static Color mix(Color a, Color b, double f) {
    return new Color(
        (int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
        (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
        (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
  }

  private static int[] ints(JsonNode array) {
    int[] a = new int[array.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = array.get(i).asInt();
    }
    return a;
  }

  private static int[][] matrix(JsonNode rows) {
    int[][] m = new int[rows.size()][];
    for (int i = 0; i < m.length; i++) {
      m[i] = ints(rows.get(i));
    }
    return m;
  }
}
