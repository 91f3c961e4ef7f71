package org.sdlgm.report;

import java.util.List;

/**
 * Predicted against true set size of a multi-label model: a heat map of how many scored rows have
 * each pair (|Y|, L̂), with L̂ the size of the predicted set under the model's first set rule (for
 * {@code count}, argmax q(L | x)). Drawn with the confusion heat map of {@link SparsitySection}, so
 * a dark diagonal means the count head gets the number of labels right.
 */
public final class SetSizeSection implements ReportSection<TaggerReportContext> {
  @Override
  public String title() {
    return "Predicted against true set size";
  }

  @Override
  public boolean appliesTo(TaggerReportContext ctx) {
    return ctx.hasPredictions() && ctx.size() > 0;
  }

  @Override
  public void render(TaggerReportContext ctx, ReportPage page) {
    int[][] counts = counts(ctx);
    int cap = ctx.config().maxLevel();
    int exact = 0;
    for (int t = 0; t < counts.length; t++) {
      exact += t < counts[t].length ? counts[t][t] : 0;
    }
    String rule = ctx.rule().id();
    page.image(
        "set-size-confusion",
        Charts.grid(
            List.of(
                SparsitySection.heatMap(
                    "predicted set size L̂ against |Y| (" + rule + ")",
                    "L̂ (predicted set size)",
                    "|Y| (true labels)",
                    counts,
                    cap)),
            1,
            560,
            460),
        "Number of rows for each true number of labels |Y| (rows) and predicted set size L̂ "
            + "(columns) under set rule "
            + rule
            + ", on "
            + ctx.examplesPhrase()
            + "; colour is the share of the row, so a dark diagonal is a correct count. "
            + String.format(
                java.util.Locale.ROOT,
                "L̂ = |Y| on %s of these rows; the cap is L0 = %d.",
                SummarySection.pct(exact / (double) ctx.size()),
                cap));
  }

  /** counts[|Y|][L̂] over the scored rows. */
  static int[][] counts(TaggerReportContext ctx) {
    int maxTrue = 0;
    int maxPred = ctx.config().maxLevel();
    for (int i = 0; i < ctx.size(); i++) {
      maxTrue = Math.max(maxTrue, ctx.truth(i).length);
      maxPred = Math.max(maxPred, ctx.prediction(i).labels().length);
    }
    int[][] c = new int[maxTrue + 1][maxPred + 1];
    for (int i = 0; i < ctx.size(); i++) {
      c[ctx.truth(i).length][ctx.prediction(i).labels().length]++;
    }
    return c;
  }
}
