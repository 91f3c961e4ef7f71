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
import org.sdlgm.io.AtomicFiles;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.report.Html;
import org.sdlgm.report.ReportOptions;
import org.sdlgm.report.RunReport;
import org.sdlgm.report.TradeoffChart;

/**
 * The results of an experiment, gathered from each finished run's {@code metrics.json} and
 * {@code config.json}: {@code results.csv} (one row per run and set rule), {@code results.md}
 * (mean ± std over seeds per data set, method, L0 and rule), the sparsity/quality trade-off
 * figure per data set for unsupervised grids with several L0 values ({@code tradeoff-DATA.png}:
 * reconstruction error against mean nnz), and {@code index.html} linking all of it and every
 * run's report.
 */
public final class ExperimentResults {
  /** Metric columns per task: (column, JSON pointer inside one evaluation). */
  static final Map<String, String> UNSUPERVISED = linked(
      "elbo", "/elbo", "recon_error", "/reconError", "nnz_mean", "/nnz/mean", "nnz_max", "/nnz/max",
      "share_at_cap", "/nnz/shareAtCap", "effective_nnz_mean", "/effectiveNnz/mean",
      "probe_accuracy", "/probe/testAccuracy", "spearman_level", "/recovery/spearmanLevel",
      "effective_support_exact", "/recovery/effectiveExactShare");
  static final Map<String, String> MULTILABEL = linked(
      "p1", "/p1", "p3", "/p3", "p5", "/p5", "ndcg1", "/ndcg1", "ndcg3", "/ndcg3", "ndcg5", "/ndcg5",
      "example_f1", "/exampleF1", "micro_f1", "/microF1", "macro_f1", "/macroF1",
      "hamming_loss", "/hammingLoss", "subset_accuracy", "/subsetAccuracy",
      "count_accuracy", "/countAccuracy", "mean_abs_count_error", "/meanAbsCountError",
      "mean_set_size", "/meanPredictedSetSize");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExperimentSpec spec;
  private final Path outDir;
  private final List<Row> rows;
  private final List<ExperimentCell> missing;

  /** One finished run under one set rule ("-" for unsupervised runs). */
  public record Row(ExperimentCell cell, String rule, int l0Used, double trainSeconds,
      Map<String, Double> metrics) {}

  private ExperimentResults(ExperimentSpec spec, Path outDir, List<Row> rows, List<ExperimentCell> missing) {
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
        JsonNode config = JSON.readTree(Files.readString(dir.resolve(ModelDirectory.CONFIG), StandardCharsets.UTF_8));
        int l0Used = config.at("/model/maxLevel").asInt();
        double secs = m.path("trainSeconds").asDouble(Double.NaN);
        if (spec.task().equals("multilabel")) {
          for (var e : m.path("evaluations").properties()) {
            // The set size bound of each rule: L0 for the count rule, k for top-k (L0 for
            // sdlgm-fixed), none for the threshold rule.
            int bound = switch (e.getKey()) {
              case "top-k" -> config.at("/model/method").asText().equals("sdlgm-fixed")
                  ? l0Used : config.at("/model/topK").asInt();
              case "threshold" -> 0;
              default -> l0Used;
            };
            rows.add(new Row(c, e.getKey(), bound, secs, extract(e.getValue(), cols)));
          }
        } else {
          rows.add(new Row(c, "-", l0Used, secs, extract(m.path("evaluation"), cols)));
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
    AtomicFiles.writeString(outDir.resolve("results.csv"), csv());
    List<String> figures = tradeoffFigures();
    AtomicFiles.writeString(outDir.resolve("results.md"), markdown(figures));
    AtomicFiles.writeString(outDir.resolve("index.html"), html(figures));
  }

  String csv() {
    StringBuilder sb = new StringBuilder("dataset,method,l0,seed,rule,l0_used,train_seconds");
    columns().keySet().forEach(c -> sb.append(',').append(c));
    sb.append('\n');
    for (Row r : rows) {
      sb.append(r.cell().dataset()).append(',').append(r.cell().method()).append(',')
          .append(r.cell().l0()).append(',').append(r.cell().seed()).append(',').append(r.rule())
          .append(',').append(r.l0Used() > 0 ? Integer.toString(r.l0Used()) : "")
          .append(',').append(num(r.trainSeconds()));
      r.metrics().values().forEach(v -> sb.append(',').append(num(v)));
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
  }

  /** Rows grouped by (data set, method, L0, rule), in grid order. */
  Map<List<String>, List<Row>> groups() {
    Map<List<String>, List<Row>> g = new LinkedHashMap<>();
    for (Row r : rows) {
      g.computeIfAbsent(List.of(r.cell().dataset(), r.cell().method(), r.cell().l0(), r.rule()),
          k -> new ArrayList<>()).add(r);
    }
    return g;
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
    return v.size() < 2 ? String.format(Locale.ROOT, f, m)
        : String.format(Locale.ROOT, f + " ± " + f, m, std(v));
  }

  String markdown(List<String> figures) {
    StringBuilder sb = new StringBuilder("# ").append(spec.name()).append("\n\n");
    sb.append(String.format(Locale.ROOT,
        "%d finished runs (%s task); mean ± std over seeds %s. L0 is the cap given (auto: the command's default); \"L0 (k) used\" is the bound on the set size the run resolved: L0, or k for a top-k rule (— for a threshold rule). Generated by `sdlgm experiment`.%n%n",
        rows.stream().map(Row::cell).distinct().count(), spec.task(), spec.seeds()));
    if (!missing.isEmpty()) {
      sb.append("Missing runs: ").append(missing.stream().map(ExperimentCell::name).toList()).append("\n\n");
    }
    List<String> shown = shownColumns();
    sb.append("| data | method | L0 | L0 (k) used | rule | seeds |");
    shown.forEach(c -> sb.append(' ').append(c).append(" |"));
    sb.append("\n|---|---|---|---|---|---|");
    shown.forEach(c -> sb.append("---|"));
    sb.append('\n');
    for (Map.Entry<List<String>, List<Row>> g : groups().entrySet()) {
      List<Row> rs = g.getValue();
      sb.append("| ").append(String.join(" | ", g.getKey().subList(0, 3))).append(" | ")
          .append(rs.stream().map(Row::l0Used).distinct().map(v -> v > 0 ? String.valueOf(v) : "—")
              .reduce((a, b) -> a + "/" + b).orElse(""))
          .append(" | ").append(g.getKey().get(3)).append(" | ").append(rs.size()).append(" |");
      for (String c : shown) {
        sb.append(' ').append(cell(rs.stream().map(r -> r.metrics().get(c)).toList())).append(" |");
      }
      sb.append('\n');
    }
    for (String f : figures) {
      sb.append("\n![sparsity/quality trade-off](").append(f).append(")\n");
    }
    return sb.toString();
  }

  /** The metric columns with a value in at least one run (synthetic-only ones drop out elsewhere). */
  private List<String> shownColumns() {
    return columns().keySet().stream()
        .filter(c -> rows.stream().anyMatch(r -> !Double.isNaN(r.metrics().get(c))))
        .toList();
  }

  /** One trade-off figure per data set of an unsupervised grid with at least two numeric L0 values. */
  List<String> tradeoffFigures() {
    List<String> out = new ArrayList<>();
    if (!spec.task().equals("unsupervised") || spec.l0().stream().filter(l -> !l.equals("auto")).count() < 2) {
      return out;
    }
    Map<List<String>, List<Row>> groups = groups();
    for (String d : spec.datasets().keySet()) {
      Map<String, List<TradeoffChart.Point>> curves = new LinkedHashMap<>();
      for (String m : spec.methods()) {
        List<TradeoffChart.Point> pts = new ArrayList<>();
        for (String l : spec.l0()) {
          List<Row> rs = groups.getOrDefault(List.of(d, m, l, "-"), List.of());
          if (rs.isEmpty()) {
            continue;
          }
          List<Double> x = rs.stream().map(r -> r.metrics().get("nnz_mean")).toList();
          List<Double> y = rs.stream().map(r -> r.metrics().get("recon_error")).toList();
          pts.add(new TradeoffChart.Point(mean(x), std(x), mean(y), std(y)));
        }
        if (!pts.isEmpty()) {
          pts.sort(java.util.Comparator.comparingDouble(TradeoffChart.Point::x));
          curves.put(m, pts);
        }
      }
      if (curves.isEmpty()) {
        continue;
      }
      String name = "tradeoff-" + d + ".png";
      TradeoffChart.write(outDir.resolve(name), d + ": reconstruction error against sparsity (L0 = "
          + String.join(", ", spec.l0()) + ")", "mean non-zeros per code", "reconstruction error Σ(x − x̂)²",
          curves);
      out.add(name);
    }
    return out;
  }

  String html(List<String> figures) {
    StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
        .append(Html.escape(spec.name())).append("</title><style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
            + "img{max-width:100%}</style></head><body>\n<h1>").append(Html.escape(spec.name())).append("</h1>\n");
    sb.append("<p>Results: <a href=\"results.md\">results.md</a> (mean ± std over seeds), "
        + "<a href=\"results.csv\">results.csv</a> (one row per run and rule).</p>\n");
    for (String f : figures) {
      sb.append("<p><img src=\"").append(Html.escape(f)).append("\" alt=\"trade-off\"></p>\n");
    }
    sb.append("<table><tr><th>run</th><th>status</th><th>report</th><th>metrics</th><th>log</th></tr>\n");
    for (ExperimentCell c : spec.cells()) {
      Path dir = outDir.resolve(c.name());
      boolean done = Files.isRegularFile(dir.resolve(ModelDirectory.METRICS));
      boolean report = Files.isRegularFile(dir.resolve(ReportOptions.DIRECTORY).resolve(RunReport.HTML));
      sb.append("<tr><td>").append(Html.escape(c.name())).append("</td><td>").append(done ? "done" : "missing")
          .append("</td><td>").append(report ? link(c.name() + "/report/report.html", "report") : "—")
          .append("</td><td>").append(done ? link(c.name() + "/metrics.json", "metrics.json") : "—")
          .append("</td><td>").append(Files.isRegularFile(outDir.resolve(c.name() + ".log"))
              ? link(c.name() + ".log", "log") : "—")
          .append("</td></tr>\n");
    }
    return sb.append("</table>\n</body></html>\n").toString();
  }

  private static String link(String href, String text) {
    return "<a href=\"" + Html.escape(href) + "\">" + Html.escape(text) + "</a>";
  }
}
