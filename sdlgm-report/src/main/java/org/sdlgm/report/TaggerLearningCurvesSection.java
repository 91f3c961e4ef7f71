package org.sdlgm.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.sdlgm.io.EpochRecord;

/**
 * Learning curves of a multi-label run from {@code history.csv}: the training loss and every term
 * the file has a {@code train_<name>} column for (count NLL, set loss, level), means over each
 * epoch's batches, and the validation P@1, example-F1 and count accuracy at the end of each epoch
 * where the run had a validation part. Columns that are absent or never finite are left out, so the
 * curves of {@code br-mlp} (no count head) simply lack the count panels.
 */
public final class TaggerLearningCurvesSection implements ReportSection<TaggerReportContext> {
  private record Panel(String title, String column) {}

  /** Readable titles of the multi-label terms; any other term is titled by name. */
  private static final Map<String, String> TITLES =
      Map.of(
          "loss", "training loss",
          "count_nll", "count NLL (training)",
          "set_loss", "set loss (training)",
          "level", "level (training)");

  /** One panel per {@code train_<name>} column, in file order. */
  private static List<Panel> training(History h) {
    List<Panel> panels = new ArrayList<>();
    for (String column : h.names()) {
      if (column.startsWith(EpochRecord.TRAIN)) {
        String name = column.substring(EpochRecord.TRAIN.length());
        panels.add(new Panel(TITLES.getOrDefault(name, name + " (training)"), column));
      }
    }
    return panels;
  }

  private static final List<Panel> VALIDATION =
      List.of(
          new Panel("P@1 (validation)", "val_p1"),
          new Panel("example-F1 (validation)", "val_example_f1"),
          new Panel("count accuracy (validation)", "val_count_accuracy"));

  @Override
  public String title() {
    return "Learning curves";
  }

  @Override
  public boolean appliesTo(TaggerReportContext ctx) {
    return !ctx.history().isEmpty();
  }

  @Override
  public void render(TaggerReportContext ctx, ReportPage page) {
    History h = ctx.history();
    double[] epochs = h.epochs();
    List<JFreeChart> charts = new ArrayList<>();
    for (Panel p : training(h)) {
      // A count NLL that is identically 0 is a model without a count head: nothing to draw.
      if (h.hasNonZero(p.column())) {
        charts.add(panel(p, epochs, h.column(p.column())));
      }
    }
    int trainingPanels = charts.size();
    for (Panel p : VALIDATION) {
      if (h.hasValues(p.column())) {
        charts.add(panel(p, epochs, h.column(p.column())));
      }
    }
    if (charts.isEmpty()) {
      page.note("history.csv has no loss or validation columns to plot.");
      return;
    }
    boolean validation = charts.size() > trainingPanels;
    page.image(
        "learning-curves",
        Charts.grid(charts, 3, 320, 240),
        "Training loss and its terms per epoch (means over the epoch's batches)"
            + (validation
                ? "; validation P@1, example-F1 and count accuracy at the end of each "
                    + "epoch (set rule "
                    + ctx.rule().id()
                    + ")."
                : "; the run had no validation part, so there are no validation curves."));
  }

  private static JFreeChart panel(Panel p, double[] epochs, double[] values) {
    XYSeries s = new XYSeries(p.title(), true, false);
    for (int i = 0; i < epochs.length; i++) {
      if (Double.isFinite(values[i])) {
        s.add(epochs[i], values[i]);
      }
    }
    return Charts.lines(p.title(), "epoch", null, new XYSeriesCollection(s));
  }
}
