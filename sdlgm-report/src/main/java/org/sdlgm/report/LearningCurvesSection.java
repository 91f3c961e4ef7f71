package org.sdlgm.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.sdlgm.io.EpochRecord;

/**
 * Learning curves from {@code history.csv}: the loss, then one panel for every term the file has a
 * {@code train_<name>} column for (whatever the method named its terms), training (relaxed sampler,
 * mean over the epoch's batches) against {@code val_<name>} (hard samples) where the run had a
 * validation part, and the schedule (τ, and the prior weight and KL scale when they vary).
 */
public final class LearningCurvesSection implements ReportSection<ReportContext> {
  /**
   * A panel: title, training column, validation column (or null), sign of the validation values.
   */
  private record Panel(String title, String train, String validation, double validationSign) {}

  /** Readable titles of the terms sdlgm's own methods name; any other term is titled by name. */
  private static final Map<String, String> TITLES =
      Map.of(
          "loglik", "log-likelihood",
          "kl_l", "KL_L (level)",
          "kl_s", "KL_S (selection)",
          "kl_v", "KL_v (values)",
          "nnz", "nnz per code");

  /** The loss, one panel per {@code train_<name>} column in file order, then σ_x. */
  static List<Panel> panels(History h) {
    List<Panel> panels = new ArrayList<>();
    panels.add(new Panel("loss = −ELBO", EpochRecord.TRAIN_LOSS, "val_elbo", -1));
    for (String column : h.names()) {
      if (column.startsWith(EpochRecord.TRAIN) && !column.equals(EpochRecord.TRAIN_LOSS)) {
        String name = column.substring(EpochRecord.TRAIN.length());
        panels.add(
            new Panel(TITLES.getOrDefault(name, name), column, EpochRecord.VALIDATION + name, 1));
      }
    }
    panels.add(new Panel("σ_x (Gaussian likelihood)", "sigma_x", null, 1));
    return panels;
  }

  @Override
  public String title() {
    return "Learning curves";
  }

  @Override
  public boolean appliesTo(ReportContext ctx) {
    return !ctx.history().isEmpty();
  }

  @Override
  public void render(ReportContext ctx, ReportPage page) {
    History h = ctx.history();
    double[] epochs = h.epochs();
    List<JFreeChart> charts = new ArrayList<>();
    boolean anyValidation = false;
    for (Panel p : panels(h)) {
      if (!h.hasNonZero(p.train())) {
        continue; // absent, or a term this method does not have (the KLs of the autoencoder)
      }
      String title =
          p.train().equals("train_loss") && !ctx.config().method().hasElbo() ? "loss" : p.title();
      XYSeriesCollection data = new XYSeriesCollection();
      data.addSeries(series("training", epochs, h.column(p.train()), 1));
      if (p.validation() != null && h.hasValues(p.validation())) {
        data.addSeries(series("validation", epochs, h.column(p.validation()), p.validationSign()));
        anyValidation = true;
      }
      JFreeChart chart = Charts.lines(title, "epoch", null, data);
      if (!varies(h.column(p.train()))) {
        // A constant curve (nnz of the top-k autoencoder): show it against zero, not magnified.
        ((org.jfree.chart.axis.NumberAxis) chart.getXYPlot().getRangeAxis())
            .setAutoRangeIncludesZero(true);
      }
      charts.add(chart);
    }
    XYSeriesCollection schedule = new XYSeriesCollection();
    if (h.hasValues("tau")) {
      schedule.addSeries(series("τ", epochs, h.column("tau"), 1));
    }
    if (varies(h.column("prior_weight"))) {
      schedule.addSeries(series("prior weight", epochs, h.column("prior_weight"), 1));
    }
    if (varies(h.column("kl_scale"))) {
      schedule.addSeries(series("KL scale", epochs, h.column("kl_scale"), 1));
    }
    if (schedule.getSeriesCount() > 0) {
      charts.add(Charts.lines("schedule (end of epoch)", "epoch", null, schedule));
    }
    if (charts.isEmpty()) {
      page.note("history.csv has no loss columns to plot.");
      return;
    }
    int cols = charts.size() <= 4 ? charts.size() : 4;
    page.image(
        "learning-curves",
        Charts.grid(charts, cols, 300, 240),
        "Objective terms per epoch (nats per example) and the temperature schedule"
            + (anyValidation
                ? "; training values are means over the epoch's relaxed samples, "
                    + "validation values use hard samples of the discrete model."
                : "; means over each epoch's training batches (relaxed samples; the run had no "
                    + "validation part)."));
  }

  private static XYSeries series(String name, double[] x, double[] y, double sign) {
    XYSeries s = new XYSeries(name, true, false);
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(y[i])) {
        s.add(x[i], sign * y[i]);
      }
    }
    return s;
  }

  private static boolean varies(double[] c) {
    if (c == null) {
      return false;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : c) {
      if (Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    return hi > lo;
  }
}
