package org.sdlgm.report;

import java.util.Arrays;
import java.util.Locale;
import org.sdlgm.model.multilabel.LabelPrediction;

/**
 * A table of example predictions of a multi-label model: for up to {@value #ROWS} scored rows,
 * evenly spread over them, the true labels (those the model missed greyed), the predicted labels
 * best first (hits marked ✓ and green, false positives ✗ and red), and L̂ against |Y|. Label names
 * come from {@code config.json}.
 */
public final class ExamplePredictionsSection implements ReportSection<TaggerReportContext> {
  /** How many rows the table shows: enough to see patterns, short enough to read. */
  static final int ROWS = 15;

  @Override
  public String title() {
    return "Example predictions";
  }

  @Override
  public boolean appliesTo(TaggerReportContext ctx) {
    return ctx.hasPredictions() && ctx.size() > 0;
  }

  @Override
  public void render(TaggerReportContext ctx, ReportPage page) {
    int n = Math.min(ROWS, ctx.size());
    StringBuilder b =
        new StringBuilder(
            "<table class=\"examples\">\n<tr><th>row</th>"
                + "<th>true labels Y</th><th>predicted labels (best first)</th><th>L̂ / |Y|</th>"
                + "<th>hits</th></tr>\n");
    for (int k = 0; k < n; k++) {
      // Evenly spaced rows rather than the first n, so a sorted test file still shows variety.
      int i = n == 1 ? 0 : (int) ((long) k * (ctx.size() - 1) / (n - 1));
      int[] truth = ctx.truth(i);
      LabelPrediction p = ctx.prediction(i);
      int[] predicted = p.labels();
      int hits = 0;
      StringBuilder t = new StringBuilder();
      for (int j : truth) {
        boolean found = contains(predicted, j);
        t.append(t.length() == 0 ? "" : ", ")
            .append(found ? "" : "<span class=\"missed\">")
            .append(Html.escape(ctx.labelName(j)))
            .append(found ? "" : "</span>");
      }
      StringBuilder q = new StringBuilder();
      for (int j : predicted) {
        boolean hit = Arrays.binarySearch(truth, j) >= 0; // labels(row) is strictly increasing
        hits += hit ? 1 : 0;
        q.append(q.length() == 0 ? "" : ", ")
            .append(hit ? "<span class=\"hit\">✓ " : "<span class=\"miss\">✗ ")
            .append(Html.escape(ctx.labelName(j)))
            .append("</span>");
      }
      b.append("<tr><td>")
          .append(i)
          .append("</td><td>")
          .append(truth.length == 0 ? "(none)" : t)
          .append("</td><td>")
          .append(predicted.length == 0 ? "(none)" : q)
          .append("</td><td>")
          .append(predicted.length)
          .append(" / ")
          .append(truth.length)
          .append(predicted.length == truth.length ? " =" : "")
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%d of %d", hits, predicted.length))
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
    page.paragraph(
        n
            + " of "
            + ctx.examplesPhrase()
            + " (row numbers within the "
            + ctx.part()
            + " part), predicted with set rule "
            + ctx.rule().id()
            + ": ✓ marks a predicted label that is "
            + "true, ✗ one that is not; greyed true labels were missed.");
    page.raw(b.toString());
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }
}
