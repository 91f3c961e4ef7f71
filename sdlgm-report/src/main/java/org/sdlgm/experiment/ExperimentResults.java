package org.sdlgm.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sdlgm.io.MetricsFile;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.report.Html;
import org.sdlgm.report.ReportOptions;
import org.sdlgm.report.RunReport;
import org.sdlgm.report.TradeoffChart;
import org.sdlgm.util.AtomicFiles;

/**
 * The results of an experiment, gathered from each finished run's {@code metrics.json} and {@code
 * config.json}: {@code results.csv} (one row per run and set rule), {@code results.md} (mean ± std
 * over seeds per data set, method, L0 or target, and rule; collapse warnings listed under it), two
 * sparsity/quality trade-off figures per data set for unsupervised grids over targets or several L0
 * values ({@code tradeoff-DATA.png}: reconstruction error against mean nnz; {@code probe-DATA.png}:
 * linear-probe accuracy against mean nnz), and {@code index.html} linking all of it and every run's
 * report.
 */
public final class ExperimentResults {
  /** Metric columns per task: (column, JSON pointer inside one evaluation). */
  static final Map<String, String> UNSUPERVISED =
      linked(
          "elbo",
          "/elbo",
          "recon_error",
          "/reconError",
          "nnz_mean",
          "/nnz/mean",
          "nnz_std",
          "/nnz/std",
          "nnz_max",
          "/nnz/max",
          "share_at_cap",
          "/nnz/shareAtCap",
          "effective_nnz_mean",
          "/effectiveNnz/mean",
          "recon_error_effective",
          "/reconErrorEffective",
          "probe_accuracy",
          "/probe/testAccuracy",
          "spearman_level",
          "/recovery/spearmanLevel",
          "level_exact",
          "/recovery/levelExactShare",
          "effective_support_exact",
          "/recovery/effectiveExactShare");

  static final Map<String, String> MULTILABEL =
      linked(
          "p1",
          "/p1",
          "p3",
          "/p3",
          "p5",
          "/p5",
          "ndcg1",
          "/ndcg1",
          "ndcg3",
          "/ndcg3",
          "ndcg5",
          "/ndcg5",
          "example_f1",
          "/exampleF1",
          "micro_f1",
          "/microF1",
          "macro_f1",
          "/macroF1",
          "hamming_loss",
          "/hammingLoss",
          "subset_accuracy",
          "/subsetAccuracy",
          "count_accuracy",
          "/countAccuracy",
          "mean_abs_count_error",
          "/meanAbsCountError",
          "mean_set_size",
          "/meanPredictedSetSize");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExperimentSpec spec;
  private final Path outDir;
  private final List<Row> rows;
  private final List<ExperimentCell> missing;

  /**
   * One finished run under one set rule ("-" for unsupervised runs); {@code collapseWarning} is the
   * evaluation's posterior-collapse verdict, null when it has none.
   */
  public record Row(
      ExperimentCell cell,
      String rule,
      int l0Used,
      double trainSeconds,
      Map<String, Double> metrics,
      String collapseWarning) {
    public Row(
        ExperimentCell cell,
        String rule,
        int l0Used,
        double trainSeconds,
        Map<String, Double> metrics) {
      this(cell, rule, l0Used, trainSeconds, metrics, null);
    }
  }

  private ExperimentResults(
      ExperimentSpec spec, Path outDir, List<Row> rows, List<ExperimentCell> missing) {
    this.spec = spec;
    this.outDir = outDir;
    this.rows = rows;
    this.missing = missing;
  }

  private static Map<String, String> linked(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  public List<Row> rows() {
    return rows;
  }

  /** Cells of the grid without a finished run. */
  public List<ExperimentCell> missing() {
    return missing;
  }

  /** Reads every finished run of the grid under {@code outDir}. */
  public static ExperimentResults collect(ExperimentSpec spec, Path outDir) {
    List<Row> rows = new ArrayList<>();
    List<ExperimentCell> missing = new ArrayList<>();
    Map<String, String> cols = spec.task().equals("multilabel") ? MULTILABEL : UNSUPERVISED;
    for (ExperimentCell c : spec.cells()) {
      Path dir = outDir.resolve(c.name());
      Path metricsFile = dir.resolve(ModelDirectory.METRICS);
      if (!Files.isRegularFile(metricsFile)) {
        missing.add(c);
        continue;
      }
      try {
        JsonNode m = JSON.readTree(Files.readString(metricsFile, StandardCharsets.UTF_8));
        JsonNode config =
            JSON.readTree(
                Files.readString(dir.resolve(ModelDirectory.CONFIG), StandardCharsets.UTF_8));
        int l0Used = config.at("/model/maxLevel").asInt();
        double secs = m.path("trainSeconds").asDouble(Double.NaN);
        if (spec.task().equals("multilabel")) {
          for (var e : MetricsFile.evaluation(m).properties()) {
            // The set size bound of each rule: L0 for the count rule, k for top-k (L0 for
            // sdlgm-fixed), none for the threshold rule.
            int bound =
                switch (e.getKey()) {
                  case "top-k" ->
                      config.at("/model/method").asText().equals("sdlgm-fixed")
                          ? l0Used
                          : config.at("/model/topK").asInt();
                  case "threshold" -> 0;
                  default -> l0Used;
                };
            rows.add(new Row(c, e.getKey(), bound, secs, extract(e.getValue(), cols)));
          }
        } else {
          JsonNode ev = MetricsFile.evaluation(m);
          JsonNode warning = ev.path("collapseWarning");
          rows.add(
              new Row(
                  c,
                  "-",
                  l0Used,
                  secs,
                  extract(ev, cols),
                  warning.isTextual() && !warning.asText().isBlank() ? warning.asText() : null));
        }
      } catch (IOException e) {
        missing.add(c);
      }
    }
    return new ExperimentResults(spec, outDir, rows, missing);
  }

  private static Map<String, Double> extract(JsonNode ev, Map<String, String> cols) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> c : cols.entrySet()) {
      JsonNode v = ev.at(c.getValue());
      out.put(c.getKey(), v.isNumber() ? v.asDouble() : Double.NaN);
    }
    return out;
  }

  private Map<String, String> columns() {
    return spec.task().equals("multilabel") ? MULTILABEL : UNSUPERVISED;
  }

  /** Writes results.csv, results.md, the trade-off figures and index.html. */
  public void write() {
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    AtomicFiles.writeString(outDir.resolve("results.csv"), csv());
    List<String> figures = tradeoffFigures();
    AtomicFiles.writeString(outDir.resolve("results.md"), markdown(figures));
    AtomicFiles.writeString(outDir.resolve("index.html"), html(figures));
  }

  private boolean unsupervised() {
    return spec.task().equals("unsupervised");
  }

  String csv() {
    StringBuilder sb =
        new StringBuilder("dataset,method,l0,target,seed,rule,l0_used,train_seconds");
    columns().keySet().forEach(c -> sb.append(',').append(c));
    if (unsupervised()) {
      sb.append(",collapse_warning");
    }
    sb.append('\n');
    for (Row r : rows) {
      sb.append(r.cell().dataset())
          .append(',')
          .append(r.cell().method())
          .append(',')
          .append(r.cell().l0())
          .append(',')
          .append(r.cell().target() == null ? "" : r.cell().target())
          .append(',')
          .append(r.cell().seed())
          .append(',')
          .append(r.rule())
          .append(',')
          .append(r.l0Used() > 0 ? Integer.toString(r.l0Used()) : "")
          .append(',')
          .append(num(r.trainSeconds()));
      r.metrics().values().forEach(v -> sb.append(',').append(num(v)));
      if (unsupervised()) {
        sb.append(',').append(r.collapseWarning() == null ? "" : csvQuote(r.collapseWarning()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** RFC 4180 quoting: a warning is prose with commas. */
  private static String csvQuote(String s) {
    return "\"" + s.replace("\"", "\"\"").replaceAll("\\s*\\n\\s*", " ") + "\"";
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
  }

  /** Rows grouped by (data set, method, L0, target or "", rule), in grid order. */
  Map<List<String>, List<Row>> groups() {
    Map<List<String>, List<Row>> g = new LinkedHashMap<>();
    for (Row r : rows) {
      g.computeIfAbsent(
              key(
                  r.cell().dataset(),
                  r.cell().method(),
                  r.cell().l0(),
                  r.cell().target(),
                  r.rule()),
              k -> new ArrayList<>())
          .add(r);
    }
    return g;
  }

  private static List<String> key(
      String dataset, String method, String l0, String target, String rule) {
    return List.of(dataset, method, l0, target == null ? "" : target, rule);
  }

  static double mean(List<Double> v) {
    double s = 0;
    int n = 0;
    for (double x : v) {
      if (!Double.isNaN(x)) {
        s += x;
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  static double std(List<Double> v) {
    double m = mean(v);
    double s = 0;
    int n = 0;
    for (double x : v) {
      if (!Double.isNaN(x)) {
        s += (x - m) * (x - m);
        n++;
      }
    }
    return n < 2 ? 0 : Math.sqrt(s / (n - 1));
  }

  private static String cell(List<Double> v) {
    double m = mean(v);
    if (Double.isNaN(m)) {
      return "—";
    }
    int digits = Math.abs(m) >= 100 ? 2 : 3;
    String f = "%." + digits + "f";
    return v.size() < 2
        ? String.format(Locale.ROOT, f, m)
        : String.format(Locale.ROOT, f + " ± " + f, m, std(v));
  }

  String markdown(List<String> figures) {
    StringBuilder sb = new StringBuilder("# ").append(spec.name()).append("\n\n");
    String seeds =
        spec.seedsPerTarget().isEmpty()
            ? "seeds " + spec.seeds()
            : "seeds "
                + spec.seeds()
                + " (at targets "
                + spec.seedsPerTarget().entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue())
                    .reduce((a, b) -> a + "; " + b)
                    .orElse("")
                + ")";
    sb.append(
        String.format(
            Locale.ROOT,
            "%d finished runs (%s task); mean ± std over %s. L0 is the cap given (auto: the command's default); \"L0 (k) used\" is the bound on the set size the run resolved: L0, or k for a top-k rule (— for a threshold rule).%s Generated by `sdlgm experiment`.%n%n",
            rows.stream().map(Row::cell).distinct().count(),
            spec.task(),
            seeds,
            spec.hasTargets()
                ? String.format(
                    Locale.ROOT,
                    " The target is the budget, the mean number of non-zeros per code aimed for: methods that take one train with --target-nnz and L0 = ⌈%s·target⌉ (at most K), fixed-k methods with L0 = k = target, vae with neither.",
                    fmt(spec.capFactor()))
                : ""));
    if (!missing.isEmpty()) {
      sb.append("Missing runs: ")
          .append(missing.stream().map(ExperimentCell::name).toList())
          .append("\n\n");
    }
    List<String> shown = shownColumns();
    boolean targets = spec.hasTargets();
    boolean warnings = rows.stream().anyMatch(r -> r.collapseWarning() != null);
    sb.append(
        targets
            ? "| data | method | target | L0 | L0 (k) used | rule | seeds |"
            : "| data | method | L0 | L0 (k) used | rule | seeds |");
    shown.forEach(c -> sb.append(' ').append(c).append(" |"));
    if (warnings) {
      sb.append(" collapse |");
    }
    sb.append(targets ? "\n|---|---|---|---|---|---|---|" : "\n|---|---|---|---|---|---|");
    shown.forEach(c -> sb.append("---|"));
    if (warnings) {
      sb.append("---|");
    }
    sb.append('\n');
    for (Map.Entry<List<String>, List<Row>> g : groups().entrySet()) {
      List<Row> rs = g.getValue();
      List<String> k = g.getKey();
      sb.append("| ").append(k.get(0)).append(" | ").append(k.get(1)).append(" | ");
      if (targets) {
        sb.append(k.get(3).isEmpty() ? "—" : k.get(3)).append(" | ");
      }
      sb.append(k.get(2))
          .append(" | ")
          .append(
              rs.stream()
                  .map(Row::l0Used)
                  .distinct()
                  .map(v -> v > 0 ? String.valueOf(v) : "—")
                  .reduce((a, b) -> a + "/" + b)
                  .orElse(""))
          .append(" | ")
          .append(k.get(4))
          .append(" | ")
          .append(rs.size())
          .append(" |");
      for (String c : shown) {
        sb.append(' ').append(cell(rs.stream().map(r -> r.metrics().get(c)).toList())).append(" |");
      }
      if (warnings) {
        long n = rs.stream().filter(r -> r.collapseWarning() != null).count();
        sb.append(' ').append(n == 0 ? "—" : "⚠ " + n + "/" + rs.size()).append(" |");
      }
      sb.append('\n');
    }
    if (warnings) {
      sb.append("\nCollapse warnings (the evaluation's verdict, per run):\n\n");
      for (Row r : rows) {
        if (r.collapseWarning() != null) {
          sb.append("- ")
              .append(r.cell().name())
              .append(": ")
              .append(r.collapseWarning().replaceAll("\\s*\\n\\s*", " "))
              .append('\n');
        }
      }
    }
    for (String f : figures) {
      sb.append("\n![").append(caption(f)).append("](").append(f).append(")\n");
    }
    return sb.toString();
  }

  /** The alt text of a figure, by its file name (see {@link #tradeoffFigures}). */
  private static String caption(String figure) {
    return figure.startsWith(PROBE_PREFIX)
        ? "probe accuracy against sparsity"
        : "sparsity/quality trade-off";
  }

  private static String fmt(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /**
   * The metric columns with a value in at least one run (synthetic-only ones drop out elsewhere).
   */
  private List<String> shownColumns() {
    return columns().keySet().stream()
        .filter(c -> rows.stream().anyMatch(r -> !Double.isNaN(r.metrics().get(c))))
        .toList();
  }

  /** File name prefixes of the two figures per data set. */
  static final String TRADEOFF_PREFIX = "tradeoff-";

  static final String PROBE_PREFIX = "probe-";

  /**
   * The trade-off figures per data set of an unsupervised grid over targets or at least two numeric
   * L0 values: reconstruction error ({@code tradeoff-DATA.png}) and linear-probe accuracy ({@code
   * probe-DATA.png}, only when some run has a probe) against mean nnz, one curve per method, one
   * point per target or L0 value.
   */
  List<String> tradeoffFigures() {
    List<String> out = new ArrayList<>();
    if (!unsupervised()
        || (!spec.hasTargets() && spec.l0().stream().filter(l -> !l.equals("auto")).count() < 2)) {
      return out;
    }
    for (String d : spec.datasets().keySet()) {
      String axis =
          spec.hasTargets()
              ? "targets " + String.join(", ", spec.targetValues(d))
              : "L0 = " + String.join(", ", spec.l0());
      figure(
          out,
          TRADEOFF_PREFIX + d + ".png",
          d,
          "recon_error",
          d + ": reconstruction error against sparsity (" + axis + ")",
          "reconstruction error Σ(x − x̂)²");
      figure(
          out,
          PROBE_PREFIX + d + ".png",
          d,
          "probe_accuracy",
          d + ": linear-probe accuracy against sparsity (" + axis + ")",
          "linear-probe test accuracy");
    }
    return out;
  }

  /**
   * Draws {@code metric} against mean nnz for data set {@code d} into {@code name}, if any run has
   * it.
   */
  private void figure(
      List<String> out, String name, String d, String metric, String title, String yLabel) {
    Map<String, List<TradeoffChart.Point>> points = curves(d, metric);
    if (!points.isEmpty()) {
      TradeoffChart.write(outDir.resolve(name), title, "mean non-zeros per code", yLabel, points);
      out.add(name);
    }
  }

  /**
   * Per method, (mean nnz, {@code metric}) ± std over seeds per grid point with a value, by mean
   * nnz.
   */
  private Map<String, List<TradeoffChart.Point>> curves(String dataset, String metric) {
    Map<String, List<TradeoffChart.Point>> curves = new LinkedHashMap<>();
    Map<List<String>, List<Row>> groups = groups();
    for (String m : spec.methods()) {
      List<TradeoffChart.Point> pts = new ArrayList<>();
      for (Map.Entry<List<String>, List<Row>> g : groups.entrySet()) {
        List<String> k = g.getKey();
        // Groups of a target grid are one per target; of an L0 grid, one per numeric L0.
        if (!k.get(0).equals(dataset)
            || !k.get(1).equals(m)
            || !k.get(4).equals("-")
            || (!spec.hasTargets() && k.get(2).equals("auto"))) {
          continue;
        }
        List<Double> x = g.getValue().stream().map(r -> r.metrics().get("nnz_mean")).toList();
        List<Double> y = g.getValue().stream().map(r -> r.metrics().get(metric)).toList();
        if (!Double.isNaN(mean(x)) && !Double.isNaN(mean(y))) {
          pts.add(new TradeoffChart.Point(mean(x), std(x), mean(y), std(y)));
        }
      }
      if (!pts.isEmpty()) {
        pts.sort(java.util.Comparator.comparingDouble(TradeoffChart.Point::x));
        curves.put(m, pts);
      }
    }
    return curves;
  }

  String html(List<String> figures) {
    StringBuilder sb =
        new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
            .append(Html.escape(spec.name()))
            .append(
                "</title><style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
                    + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
                    + "img{max-width:100%}</style></head><body>\n<h1>")
            .append(Html.escape(spec.name()))
            .append("</h1>\n");
    sb.append(
        "<p>Results: <a href=\"results.md\">results.md</a> (mean ± std over seeds), "
            + "<a href=\"results.csv\">results.csv</a> (one row per run and rule).</p>\n");
    for (String f : figures) {
      sb.append("<p><a href=\"")
          .append(Html.escape(f))
          .append("\"><img src=\"")
          .append(Html.escape(f))
          .append("\" alt=\"")
          .append(Html.escape(caption(f)))
          .append("\"></a></p>\n");
    }
    sb.append(
        "<table><tr><th>run</th><th>status</th><th>report</th><th>metrics</th><th>log</th></tr>\n");
    for (ExperimentCell c : spec.cells()) {
      Path dir = outDir.resolve(c.name());
      boolean done = Files.isRegularFile(dir.resolve(ModelDirectory.METRICS));
      boolean report =
          Files.isRegularFile(dir.resolve(ReportOptions.DIRECTORY).resolve(RunReport.HTML));
      sb.append("<tr><td>")
          .append(Html.escape(c.name()))
          .append("</td><td>")
          .append(done ? "done" : "missing")
          .append("</td><td>")
          .append(report ? link(c.name() + "/report/report.html", "report") : "—")
          .append("</td><td>")
          .append(done ? link(c.name() + "/metrics.json", "metrics.json") : "—")
          .append("</td><td>")
          .append(
              Files.isRegularFile(outDir.resolve(c.name() + ".log"))
                  ? link(c.name() + ".log", "log")
                  : "—")
          .append("</td></tr>\n");
    }
    return sb.append("</table>\n</body></html>\n").toString();
  }

  private static String link(String href, String text) {
    return "<a href=\"" + Html.escape(href) + "\">" + Html.escape(text) + "</a>";
  }
}
