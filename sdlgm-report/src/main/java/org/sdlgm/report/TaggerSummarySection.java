package org.sdlgm.report;

import static org.sdlgm.report.SummarySection.row;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sdlgm.io.MultiLabelSchema;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.multilabel.TaggerConfig;

/**
 * The run summary of a multi-label model: method, objective, the count head's range L_min..L0, the
 * network, the data (features, labels, part sizes, feature transform), training time and the kept
 * epoch, and for every set rule of {@code metrics.json} its main test metrics (over the whole test
 * set).
 */
public final class TaggerSummarySection implements ReportSection<TaggerReportContext> {
  @Override
  public String title() {
    return "Run summary";
  }

  @Override
  public boolean appliesTo(TaggerReportContext ctx) {
    return true;
  }

  @Override
  public void render(TaggerReportContext ctx, ReportPage page) {
    SummarySection.render(ctx.notes(), rows(ctx), ctx.metrics() != null, page);
  }

  static List<String[]> rows(TaggerReportContext ctx) {
    TaggerConfig m = ctx.config();
    TrainConfig t = ctx.info().training();
    MultiLabelSchema d = ctx.info().data();
    List<String[]> r = new ArrayList<>();
    r.add(row("Model directory", ctx.modelDir().toAbsolutePath().normalize().toString()));
    r.add(row("Method", m.method().id() + " (multi-label)"));
    r.add(
        row(
            "Objective",
            m.objective().id()
                + (m.method().hasCountHead()
                    ? ", count weight λ = " + SummarySection.num(m.countWeight())
                    : "")
                + (m.straightThrough() ? ", straight-through" : "")
                + ", τ "
                + SummarySection.num(m.tau0())
                + " → "
                + SummarySection.num(m.tauMin())));
    r.add(row("Set size range L_min..L0", m.minLevel() + ".." + m.maxLevel()));
    r.add(
        row(
            "Network",
            d.numFeatures()
                + "-"
                + m.hidden().stream().map(String::valueOf).reduce((a, b) -> a + "-" + b).orElse("")
                + "-"
                + d.numLabels()
                + (m.dropout() > 0 ? ", dropout " + SummarySection.num(m.dropout()) : "")));
    r.add(
        row(
            "Features",
            String.format(
                Locale.ROOT, "%,d (transform %s)", d.numFeatures(), d.featureTransform())));
    r.add(
        row(
            "Labels",
            String.format(
                Locale.ROOT,
                "%,d; %.2f labels per training row, %,d " + "training rows without labels",
                d.numLabels(),
                d.trainLabelCardinality(),
                d.trainRowsWithoutLabels())));
    r.add(
        row(
            "Data",
            d.spec()
                + (d.testSpec() != null ? ", test " + d.testSpec() : "")
                + (d.labels() != null ? ", labels " + d.labels() : "")
                + (d.split() > 0
                    ? ", split " + SummarySection.num(d.split()) + " (seed " + d.splitSeed() + ")"
                    : "")));
    r.add(
        row(
            "Rows",
            String.format(
                Locale.ROOT,
                "train %,d, validation %,d, test %,d",
                d.trainSize(),
                d.validationSize(),
                d.testSize())));
    JsonNode metrics = ctx.metrics();
    double seconds = SummarySection.trainSeconds(metrics, ctx.history());
    int kept = metrics == null ? -1 : metrics.path("epochKept").asInt(-1);
    r.add(
        row(
            "Training",
            String.format(
                Locale.ROOT,
                "%d of %d epochs, batch %d, learning rate %s, seed %d%s%s",
                ctx.history().size(),
                t.epochs(),
                t.batchSize(),
                SummarySection.num(t.learningRate()),
                t.seed(),
                seconds > 0 ? String.format(Locale.ROOT, ", %.1f s", seconds) : "",
                kept > 0 ? ", epoch kept " + kept : "")));
    JsonNode ev = ctx.evaluation();
    if (ev.isObject()) {
      r.add(
          row(
              "Test data",
              metrics.path("testData").asText("?")
                  + String.format(Locale.ROOT, " (%,d rows)", metrics.path("testSize").asInt())));
      for (Map.Entry<String, JsonNode> e : ev.properties()) {
        JsonNode v = e.getValue();
        r.add(
            row(
                "Set rule " + e.getKey() + ": P@1 / P@3 / P@5",
                f(v, "p1") + " / " + f(v, "p3") + " / " + f(v, "p5")));
        r.add(
            row(
                "Set rule " + e.getKey() + ": example-F1 / micro-F1 / macro-F1",
                f(v, "exampleF1") + " / " + f(v, "microF1") + " / " + f(v, "macroF1")));
        r.add(
            row(
                "Set rule " + e.getKey() + ": Hamming loss / subset accuracy",
                f(v, "hammingLoss") + " / " + f(v, "subsetAccuracy")));
        r.add(
            row(
                "Set rule " + e.getKey() + ": count accuracy / mean |L̂ − |Y|| / mean L̂",
                f(v, "countAccuracy")
                    + " / "
                    + f(v, "meanAbsCountError")
                    + " / "
                    + f(v, "meanPredictedSetSize")));
      }
    }
    SummarySection.addProvenance(r, ctx.info().provenance());
    if (ctx.hasPredictions()) {
      r.add(row("Figures drawn from", ctx.examplesPhrase() + ", set rule " + ctx.rule().id()));
    }
    return r;
  }

  /** A metric with 4 decimals, or "—" when absent or NaN (an empty average). */
  private static String f(JsonNode ev, String field) {
    JsonNode n = ev.path(field);
    return n.isNumber() && Double.isFinite(n.asDouble())
        ? String.format(Locale.ROOT, "%.4f", n.asDouble())
        : "—";
  }
}
