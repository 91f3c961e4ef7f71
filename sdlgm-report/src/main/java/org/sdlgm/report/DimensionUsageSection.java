package org.sdlgm.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * How often each latent dimension is active across the encoded examples, as a bar chart sorted from
 * the most to the least used dimension (from {@code metrics.json} when no codes could be computed).
 */
public final class DimensionUsageSection implements ReportSection<ReportContext> {
  /** Up to this many dimensions, every bar is labelled with its index. */
  static final int LABELLED = 48;

  @Override
  public String title() {
    return "Latent dimension usage";
  }

  @Override
  public boolean appliesTo(ReportContext ctx) {
    return ctx.hasCodes() || ctx.evaluation().path("dimensionUsage").isArray();
  }

  @Override
  public void render(ReportContext ctx, ReportPage page) {
    int[] usage;
    int n;
    String source;
    if (ctx.hasCodes()) {
      usage = ctx.dimensionUsage();
      n = ctx.codes().size();
      source = ctx.examplesPhrase();
    } else {
      JsonNode u = ctx.evaluation().path("dimensionUsage");
      usage = new int[u.size()];
      for (int i = 0; i < usage.length; i++) {
        usage[i] = u.get(i).asInt();
      }
      n = ctx.evaluation().path("testSize").asInt(1);
      source = "the test set (metrics.json)";
    }
    int k = usage.length;
    Integer[] dims = byUsage(usage);
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (int i = 0; i < k; i++) {
      data.addValue(100.0 * usage[dims[i]] / Math.max(1, n), "share of examples", "#" + dims[i]);
    }
    boolean labelled = k <= LABELLED;
    JFreeChart chart =
        Charts.categoryBars(
            "latent dimension usage",
            labelled
                ? "latent dimension, most used first"
                : "the " + k + " latent dimensions, most used first",
            "% of examples whose code uses it",
            data,
            labelled && k > 16);
    CategoryAxis x = chart.getCategoryPlot().getDomainAxis();
    x.setCategoryMargin(labelled ? 0.15 : 0.0);
    x.setTickLabelsVisible(labelled);
    x.setTickMarksVisible(labelled);
    long unused = Arrays.stream(usage).filter(u -> u == 0).count();
    StringBuilder top = new StringBuilder();
    for (int i = 0; i < Math.min(5, k); i++) {
      top.append(i == 0 ? "" : ", ")
          .append(
              String.format(
                  Locale.ROOT, "#%d (%.0f%%)", dims[i], 100.0 * usage[dims[i]] / Math.max(1, n)));
    }
    page.chart(
        "dimension-usage",
        chart,
        960,
        360,
        "Share of "
            + source
            + " whose code uses each latent dimension, sorted by frequency; most used: "
            + top
            + "; "
            + (unused == 0
                ? "every dimension is used."
                : unused + " of " + k + " dimensions are never used."));
  }

  /** Dimension indices, most used first (ties: lower index first). */
  static Integer[] byUsage(int[] usage) {
    Integer[] dims = new Integer[usage.length];
    Arrays.setAll(dims, i -> i);
    Arrays.sort(
        dims,
        (a, b) ->
            usage[b] != usage[a] ? Integer.compare(usage[b], usage[a]) : Integer.compare(a, b));
    return dims;
  }
}
