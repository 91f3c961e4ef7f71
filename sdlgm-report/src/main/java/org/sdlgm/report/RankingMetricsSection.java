package org.sdlgm.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Ranking quality of a multi-label model from {@code metrics.json} (the whole test set): P@1, P@3,
 * P@5 and nDCG@1, @3, @5 as bars, one series per set rule evaluated. Ranking metrics do not depend
 * on the set rule for one model, but {@code br-mlp} reports two rules, and showing both keeps the
 * figure honest about what was evaluated.
 */
public final class RankingMetricsSection implements ReportSection<TaggerReportContext> {
  private static final List<String[]> METRICS =
      List.of(
          new String[] {"p1", "P@1"},
          new String[] {"p3", "P@3"},
          new String[] {"p5", "P@5"},
          new String[] {"ndcg1", "nDCG@1"},
          new String[] {"ndcg3", "nDCG@3"},
          new String[] {"ndcg5", "nDCG@5"});

  @Override
  public String title() {
    return "Ranking metrics";
  }

  @Override
  public boolean appliesTo(TaggerReportContext ctx) {
    return ctx.evaluation().isObject() && ctx.evaluation().size() > 0;
  }

  @Override
  public void render(TaggerReportContext ctx, ReportPage page) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<String> rules = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : ctx.evaluation().properties()) {
      rules.add(e.getKey());
      for (String[] m : METRICS) {
        JsonNode v = e.getValue().path(m[0]);
        if (v.isNumber() && Double.isFinite(v.asDouble())) {
          data.addValue(v.asDouble(), "set rule " + e.getKey(), m[1]);
        }
      }
    }
    if (data.getColumnCount() == 0) {
      page.note("metrics.json has no finite ranking metrics (no test row has a label).");
      return;
    }
    JFreeChart chart = Charts.categoryBars("precision and nDCG at k", null, "value", data, false);
    NumberAxis y = (NumberAxis) chart.getCategoryPlot().getRangeAxis();
    y.setRange(0, 1.0); // shares: a fixed scale makes runs comparable at a glance
    page.chart(
        "ranking-metrics",
        chart,
        720,
        340,
        "P@k and nDCG@k (k = 1, 3, 5) on the test set ("
            + ctx.metrics().path("testSize").asInt()
            + " rows, metrics.json), averaged over rows with "
            + "at least one true label; set rule"
            + (rules.size() > 1 ? "s " : " ")
            + String.join(", ", rules)
            + ".");
  }
}
