package org.sdlgm.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.Provenance;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.SdlgmConfig;

/**
 * The run summary table: method and hyperparameters ({@code config.json}), data, training time, and
 * the test metrics of {@code metrics.json} (over the whole test set).
 */
public final class SummarySection implements ReportSection<ReportContext> {
  @Override
  public String title() {
    return "Run summary";
  }

  @Override
  public boolean appliesTo(ReportContext ctx) {
    return true;
  }

  @Override
  public void render(ReportContext ctx, ReportPage page) {
    render(ctx.notes(), rows(ctx), ctx.metrics() != null, page);
  }

  /** The notes, then the summary table, then a hint when the run has no metrics.json. */
  static void render(List<String> notes, List<String[]> rows, boolean hasMetrics, ReportPage page) {
    for (String n : notes) {
      page.note(n);
    }
    page.keyValueTable(rows);
    if (!hasMetrics) {
      page.note(
          "This run has no metrics.json (it was trained without test data or with "
              + "evaluation off): 'sdlgm eval --model DIR' computes the test metrics.");
    }
  }

  /** Training seconds from metrics.json (may be null), else the sum over history.csv. */
  static double trainSeconds(JsonNode metrics, History history) {
    double seconds =
        metrics == null ? Double.NaN : metrics.path("trainSeconds").asDouble(Double.NaN);
    return seconds > 0 ? seconds : history.sum("seconds");
  }

  /** The "Written by" and "Command" rows, when the model directory records its provenance. */
  static void addProvenance(List<String[]> r, Provenance p) {
    if (p != null) {
      r.add(row("Written by", "sdlgm " + p.sdlgmVersion() + " on " + p.created()));
      List<String> cmd = p.command();
      if (cmd != null && !cmd.isEmpty()) {
        r.add(row("Command", "sdlgm " + String.join(" ", cmd)));
      }
    }
  }

  static List<String[]> rows(ReportContext ctx) {
    ModelInfo<SdlgmConfig, DataSchema> info = ctx.info();
    SdlgmConfig m = info.model();
    TrainConfig t = info.training();
    DataSchema d = info.data();
    JsonNode ev = ctx.evaluation();
    List<String[]> r = new ArrayList<>();
    r.add(row("Model directory", ctx.modelDir().toAbsolutePath().normalize().toString()));
    r.add(row("Method", m.method().id()));
    r.add(row("Latent dimensions K", Integer.toString(m.latentDim())));
    r.add(row("Cap L0 (non-zeros per code)", Integer.toString(m.codeCap())));
    r.add(
        row(
            "Networks",
            "encoder "
                + d.inputDim()
                + "-"
                + join(m.encoderHidden())
                + ", decoder "
                + m.decoder()
                + (m.decoderHidden().isEmpty() ? "" : " " + join(m.decoderHidden()))
                + ", "
                + m.likelihood()
                + " likelihood"));
    if (m.method().isSdlgm()) {
      r.add(
          row(
              "Objective",
              "KL_v "
                  + m.klV()
                  + ", level prior "
                  + m.levelPrior()
                  + (m.levelPrior() == org.sdlgm.model.LevelPrior.GEOMETRIC
                      ? " ρ = "
                          + num(m.rho())
                          + " phased in over epochs "
                          + m.priorPhaseStart()
                          + "→"
                          + m.priorPhaseEnd()
                      : "")
                  + (m.straightThrough() ? ", straight-through level" : "")
                  + ", τ "
                  + num(m.tau0())
                  + " → "
                  + num(m.tauMin())));
    }
    r.add(
        row(
            "Data",
            d.spec()
                + (d.testSpec() != null ? ", test " + d.testSpec() : "")
                + (d.split() > 0
                    ? ", split " + num(d.split()) + " (seed " + d.splitSeed() + ")"
                    : "")));
    r.add(
        row(
            "Rows",
            String.format(
                Locale.ROOT,
                "train %,d, validation %,d, test %,d (%d features%s%s)",
                d.trainSize(),
                d.validationSize(),
                d.testSize(),
                d.inputDim(),
                ctx.isImageData() ? ", " + d.imageHeight() + "×" + d.imageWidth() + " images" : "",
                d.numClasses() > 0 ? ", " + d.numClasses() + " classes" : "")));
    double seconds = trainSeconds(ev.isMissingNode() ? null : ctx.metrics(), ctx.history());
    r.add(
        row(
            "Training",
            String.format(
                Locale.ROOT,
                "%d of %d epochs, batch %d, learning rate %s, seed %d%s",
                ctx.history().size(),
                t.epochs(),
                t.batchSize(),
                num(t.learningRate()),
                t.seed(),
                seconds > 0 ? String.format(Locale.ROOT, ", %.0f s", seconds) : "")));
    if (!ev.isMissingNode()) {
      String on = String.format(Locale.ROOT, " (%,d test examples)", ev.path("testSize").asInt());
      r.add(
          row(
              "Test ELBO (nats per example)",
              finite(ev, "elbo")
                  ? num(ev.path("elbo").asDouble()) + on
                  : "— (the method has no ELBO)"));
      Map<String, Double> terms = ctx.terms();
      if (!terms.isEmpty()) {
        r.add(
            row(
                String.join(", ", terms.keySet()),
                terms.values().stream()
                    .map(SummarySection::num)
                    .collect(java.util.stream.Collectors.joining(", "))));
      }
      r.add(
          row(
              "Reconstruction error Σ(x − x̂)²",
              finite(ev, "reconError") ? num(ev.path("reconError").asDouble()) : null));
      r.add(row("nnz per code: mean / median / max", counts(ev.path("nnz"))));
      r.add(
          row(
              "L̂ per code: mean / median / max",
              ev.path("level").isObject() ? counts(ev.path("level")) : null));
      // δ is an absolute distance; the inputs' norm beside it says how large it is for this data.
      String effective = "Effective nnz: mean / median / max";
      if (finite(ev, "delta")) {
        effective +=
            " (δ = "
                + num(ev.path("delta").asDouble())
                + (finite(ev, "meanInputNorm")
                    ? "; mean input norm " + num(ev.path("meanInputNorm").asDouble())
                    : "")
                + ")";
      }
      r.add(row(effective, counts(ev.path("effectiveNnz"))));
      r.add(
          row(
              "Reconstruction error, effective support only",
              finite(ev, "reconErrorEffective")
                  ? num(ev.path("reconErrorEffective").asDouble())
                  : null));
      if (ev.path("collapseWarning").isTextual()) {
        r.add(row("Warning", ev.path("collapseWarning").asText()));
      }
      if (ev.path("activeDimensions").isNumber()) {
        r.add(
            row(
                "Latent dimensions ever used",
                ev.path("activeDimensions").asInt() + " of " + m.latentDim()));
      }
      JsonNode probe = ev.path("probe");
      if (probe.isObject()) {
        r.add(row("Linear probe accuracy (test)", pct(probe.path("testAccuracy").asDouble())));
      }
      JsonNode rec = ev.path("recovery");
      if (rec.isObject()) {
        r.add(row("Spearman(L̂, L_true)", num(rec.path("spearmanLevel").asDouble())));
        r.add(
            row(
                "Effective support has exactly L_true atoms",
                pct(rec.path("effectiveExactShare").asDouble())));
      }
    }
    addProvenance(r, info.provenance());
    if (ctx.hasCodes()) {
      r.add(row("Figures drawn from", ctx.examplesPhrase()));
    }
    return r;
  }

  static String[] row(String k, String v) {
    return new String[] {k, v};
  }

  private static boolean finite(JsonNode ev, String field) {
    JsonNode n = ev.path(field);
    return n.isNumber() && Double.isFinite(n.asDouble());
  }

  private static String counts(JsonNode c) {
    if (!c.isObject()) {
      return null;
    }
    String s =
        String.format(
            Locale.ROOT,
            "%.2f / %s / %d (cap %d)",
            c.path("mean").asDouble(),
            num(c.path("median").asDouble()),
            c.path("max").asInt(),
            c.path("cap").asInt());
    double atCap = c.path("shareAtCap").asDouble(Double.NaN);
    return Double.isFinite(atCap)
        ? s + String.format(Locale.ROOT, ", %s at the cap", pct(atCap))
        : s;
  }

  private static String join(List<Integer> sizes) {
    return sizes.stream().map(String::valueOf).reduce((a, b) -> a + "-" + b).orElse("");
  }

  static String num(double v) {
    if (!Double.isFinite(v)) {
      return String.valueOf(v);
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    double a = Math.abs(v);
    return a >= 100
        ? String.format(Locale.ROOT, "%.1f", v)
        : a >= 0.01 ? String.format(Locale.ROOT, "%.3g", v) : String.format(Locale.ROOT, "%.2e", v);
  }

  static String pct(double share) {
    return Double.isFinite(share) ? String.format(Locale.ROOT, "%.1f%%", 100 * share) : "—";
  }
}
