package org.sdlgm.experiment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sdlgm.SdlgmException;
import org.sdlgm.model.Method;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.multilabel.TaggerMethod;

/**
 * An experiment grid read from YAML or JSON: methods × data sets × L0 values (or budget targets) ×
 * seeds, with the {@code sdlgm train} options every run shares, options per data set and per
 * method. Every run of the grid is one {@link ExperimentCell}. Example (YAML):
 *
 * <pre>
 * name: multi-label benchmark
 * task: multilabel            # or unsupervised
 * out: runs/exp-multilabel    # relative to the spec file's folder
 * datasets:
 *   bibtex: {data: "mulan:../shared/data/bibtex", options: [--epochs, "35"]}
 * methods: [sdlgm, br-mlp]
 * l0: [auto]                  # integers, or auto (the command's default)
 * seeds: [1, 2, 3]
 * options: [--hidden, "512", --dropout, "0.5"]
 * methodOptions: {sdlgm: [--objective, relaxed-bce]}
 * </pre>
 *
 * <p>A method may name a variant, {@code base:variant} (e.g. {@code sdlgm:recipe}): it trains
 * {@code --method base} with the options {@code methodOptions} gives for the full name, so one grid
 * can compare several settings of the same method.
 *
 * <p>Instead of {@code l0}, an unsupervised grid may give {@code targets}: budgets, the mean number
 * of non-zeros per code to aim for, so that methods are compared at the same budget rather than the
 * same cap. How a cell of target t trains depends on the method ({@link #targetRule}): a method
 * that takes a budget gets {@code -L ⌈capFactor·t⌉} (at most K when the options give {@code -K})
 * and {@code --target-nnz t}; a fixed-k method gets {@code -L t}; {@code vae} gets neither. {@code
 * seedsPerTarget} replaces {@code seeds} for the targets it names (e.g. three seeds at the headline
 * budget, one elsewhere).
 *
 * <p>{@link #read} rejects a malformed file with its line and column, and {@link #validate} rejects
 * unknown methods, empty grids, bad L0 values and targets before anything runs.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ExperimentSpec(
    String name,
    String task,
    String out,
    Map<String, Dataset> datasets,
    List<String> methods,
    List<String> l0,
    List<String> targets,
    Double capFactor,
    Map<String, List<Long>> seedsPerTarget,
    List<Long> seeds,
    List<String> options,
    Map<String, List<String>> methodOptions) {

  /** The default ratio of the cap L0 to the target for methods that take a budget. */
  public static final double DEFAULT_CAP_FACTOR = 2.0;

  /** How a method's cell of a grid over targets is given its target (see {@link #targetRule}). */
  public enum TargetRule {
    /** {@code -L ⌈capFactor·t⌉ --target-nnz t}: the method aims at a mean under a looser cap. */
    BUDGET,
    /** {@code -L t}: the method has exactly (or at most) k = L0 non-zeros per code. */
    FIXED_K,
    /** Neither: a dense model, run once per target only so every target has its row. */
    NONE
  }

  /**
   * One data set of the grid: its data spec, optional test spec and label source, extra options,
   * and optionally its own {@code targets} in a grid over targets (budgets that fit this data set's
   * K or its true sparsity, instead of the grid's).
   */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Dataset(
      String data, String test, String labels, List<String> options, List<String> targets) {
    public Dataset {
      options = options == null ? List.of() : List.copyOf(options);
      targets = targets == null ? List.of() : List.copyOf(targets);
    }

    public Dataset(String data, String test, String labels, List<String> options) {
      this(data, test, labels, options, null);
    }
  }

  public ExperimentSpec {
    name = name == null ? "experiment" : name;
    task = task == null ? "unsupervised" : task.toLowerCase(Locale.ROOT);
    datasets = datasets == null ? Map.of() : new LinkedHashMap<>(datasets);
    methods = methods == null ? List.of() : List.copyOf(methods);
    // Absent l0 means "auto" only in a grid over L0; with targets it stays empty so that
    // validate can tell "l0 and targets together" from the default.
    l0 = l0 == null ? (targets == null ? List.of("auto") : List.of()) : List.copyOf(l0);
    targets = targets == null ? List.of() : List.copyOf(targets);
    capFactor = capFactor == null ? DEFAULT_CAP_FACTOR : capFactor;
    seedsPerTarget = seedsPerTarget == null ? Map.of() : new LinkedHashMap<>(seedsPerTarget);
    seeds = seeds == null ? List.of(1L) : List.copyOf(seeds);
    options = options == null ? List.of() : List.copyOf(options);
    methodOptions = methodOptions == null ? Map.of() : new LinkedHashMap<>(methodOptions);
  }

  /** Reads a spec: YAML for .yaml/.yml files, JSON otherwise; then {@link #validate}s it. */
  public static ExperimentSpec read(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    ObjectMapper mapper =
        (n.endsWith(".yaml") || n.endsWith(".yml"))
            ? new ObjectMapper(new YAMLFactory())
            : new ObjectMapper();
    mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SdlgmException(file + ": cannot read the experiment file (" + e.getMessage() + ")");
    }
    ExperimentSpec spec;
    try {
      spec = mapper.readValue(text, ExperimentSpec.class);
    } catch (UnrecognizedPropertyException e) {
      // No line number: for records Jackson reports where parsing ended, not the field.
      throw new SdlgmException(
          file
              + ": unknown field '"
              + e.getPropertyName()
              + "' in "
              + e.getReferringClass().getSimpleName().replace("ExperimentSpec", "the experiment")
              + "; known fields: "
              + e.getKnownPropertyIds());
    } catch (JsonProcessingException e) {
      // YAML parser messages span several lines; the CLI prints errors on one.
      throw new SdlgmException(
          file
              + where(e.getLocation())
              + ": malformed experiment file: "
              + e.getOriginalMessage().replaceAll("\\s*\\n\\s*", " ").trim());
    }
    if (spec == null) {
      throw new SdlgmException(file + ": empty experiment file");
    }
    spec.validate(file.toString());
    return spec;
  }

  private static String where(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 1
        ? ""
        : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
  }

  /** Checks the grid; {@code source} names the file in messages. */
  public void validate(String source) {
    if (!task.equals("unsupervised") && !task.equals("multilabel")) {
      throw new SdlgmException(
          source + ": task must be unsupervised or multilabel, got '" + task + "'");
    }
    if (datasets.isEmpty()) {
      throw new SdlgmException(source + ": no datasets; add at least one under 'datasets'");
    }
    if (methods.isEmpty()) {
      throw new SdlgmException(source + ": no methods; add at least one under 'methods'");
    }
    if (seeds.isEmpty()) {
      throw new SdlgmException(source + ": 'seeds' is empty");
    }
    for (Map.Entry<String, Dataset> d : datasets.entrySet()) {
      if (!d.getKey().matches("[A-Za-z0-9._-]+")) {
        throw new SdlgmException(
            source
                + ": dataset name '"
                + d.getKey()
                + "' may only use letters, digits, '.', '_' and '-' (it names run folders)");
      }
      if (d.getValue() == null || d.getValue().data() == null || d.getValue().data().isBlank()) {
        throw new SdlgmException(source + ": dataset '" + d.getKey() + "' has no 'data' spec");
      }
    }
    for (String m : methods) {
      if (!m.matches("[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)?")) {
        throw new SdlgmException(
            source
                + ": method '"
                + m
                + "' must be a method name, or base:variant with letters, digits, '.', '_', '-'");
      }
      try {
        if (task.equals("multilabel")) {
          TaggerMethod.of(baseMethod(m));
        } else {
          Method.of(baseMethod(m));
        }
      } catch (SdlgmException e) {
        throw new SdlgmException(source + ": " + e.getMessage() + " (task " + task + ")");
      }
    }
    for (String m : methodOptions.keySet()) {
      if (!methods.contains(m)) {
        throw new SdlgmException(
            source + ": methodOptions names '" + m + "', which is not in methods " + methods);
      }
    }
    if (!targets.isEmpty() && !l0.isEmpty()) {
      throw new SdlgmException(
          source
              + ": 'l0' and 'targets' are alternative axes of the grid "
              + "(caps or budgets); give one of them");
    }
    if (l0.isEmpty() && targets.isEmpty()) {
      throw new SdlgmException(source + ": no L0 values or targets; give 'l0' or 'targets'");
    }
    if (!targets.isEmpty()) {
      validateTargets(source);
    } else if (!seedsPerTarget.isEmpty()) {
      throw new SdlgmException(source + ": 'seedsPerTarget' needs 'targets'");
    } else {
      for (Map.Entry<String, Dataset> d : datasets.entrySet()) {
        if (!d.getValue().targets().isEmpty()) {
          throw new SdlgmException(
              source
                  + ": dataset '"
                  + d.getKey()
                  + "' lists targets, which "
                  + "replace the grid's 'targets'; give 'targets' (not 'l0') at the top level too");
        }
      }
    }
    for (String l : l0) {
      if (!l.equals("auto")) {
        try {
          if (Integer.parseInt(l) < 1) {
            throw new NumberFormatException();
          }
        } catch (NumberFormatException e) {
          throw new SdlgmException(
              source + ": l0 values must be integers ≥ 1 or 'auto', got '" + l + "'");
        }
      }
    }
  }

  private void validateTargets(String source) {
    if (!task.equals("unsupervised")) {
      throw new SdlgmException(
          source
              + ": 'targets' (budgets of non-zeros per code) are for "
              + "unsupervised grids; use 'l0' for task "
              + task);
    }
    if (!(capFactor >= 1) || Double.isInfinite(capFactor)) {
      throw new SdlgmException(
          source + ": capFactor must be a number ≥ 1 (L0 = ⌈capFactor·target⌉), got " + capFactor);
    }
    List<String> all = new ArrayList<>(checkTargets(source, "targets", targets));
    for (Map.Entry<String, Dataset> d : datasets.entrySet()) {
      for (String c :
          checkTargets(source, "targets of dataset '" + d.getKey() + "'", d.getValue().targets())) {
        if (!all.contains(c)) {
          all.add(c);
        }
      }
    }
    for (Map.Entry<String, List<Long>> e : seedsPerTarget.entrySet()) {
      String c = canonicalTarget(e.getKey());
      if (c == null || !all.contains(c)) {
        throw new SdlgmException(
            source
                + ": seedsPerTarget names target '"
                + e.getKey()
                + "', which is not in targets "
                + all);
      }
      if (e.getValue() == null || e.getValue().isEmpty()) {
        throw new SdlgmException(source + ": seedsPerTarget gives no seeds for target " + c);
      }
    }
    for (String d : datasets.keySet()) {
      for (String m : methods) {
        TargetRule rule = targetRule(m);
        List<String> given = optionsOf(d, m);
        if (rule != TargetRule.NONE) {
          for (String a : given) {
            if (a.equals("-L")
                || a.matches("-L=?\\d+")
                || a.matches("--(max-level|l0|target-nnz)(=.*)?")) {
              throw new SdlgmException(
                  source
                      + ": option '"
                      + a
                      + "' of "
                      + d
                      + "/"
                      + m
                      + " conflicts with 'targets', which set -L and --target-nnz of every run; remove it");
            }
          }
        }
        Integer k = latentDim(given);
        // vae gets no -L, so sdlgm train checks its default cap against K and would fail after
        // the other cells had trained; say so now, with the fix.
        int defaultCap = SdlgmConfig.builder().build().maxLevel();
        if (rule == TargetRule.NONE
            && k != null
            && k < defaultCap
            && given.stream()
                .noneMatch(a -> a.equals("-L") || a.matches("-L=?\\d+|--(max-level|l0)(=.*)?"))) {
          throw new SdlgmException(
              source
                  + ": "
                  + m
                  + " of "
                  + d
                  + " gets no -L from 'targets', and the default "
                  + "L0 = "
                  + defaultCap
                  + " exceeds K = "
                  + k
                  + "; add methodOptions {"
                  + m
                  + ": [-L, \""
                  + k
                  + "\"]}");
        }
        for (String t : targetValues(d)) {
          double v = Double.parseDouble(t);
          if (k != null && v > k) {
            throw new SdlgmException(
                source
                    + ": target "
                    + t
                    + " exceeds K = "
                    + k
                    + " of "
                    + d
                    + "/"
                    + m
                    + " (a code has at most K non-zeros)");
          }
          if (rule == TargetRule.FIXED_K && v != Math.rint(v)) {
            throw new SdlgmException(
                source
                    + ": target "
                    + t
                    + " is not an integer, but "
                    + m
                    + " has a fixed number k of non-zeros (-L k); use integer targets");
          }
        }
      }
    }
  }

  /** The canonical forms of {@code list}; rejects non-numbers and repeats, naming {@code what}. */
  private static List<String> checkTargets(String source, String what, List<String> list) {
    List<String> canonical = new ArrayList<>();
    for (String t : list) {
      String c = canonicalTarget(t);
      if (c == null) {
        throw new SdlgmException(
            source
                + ": "
                + what
                + " must be numbers > 0 (mean non-zeros per code), got '"
                + t
                + "'");
      }
      if (canonical.contains(c)) {
        throw new SdlgmException(source + ": target " + c + " is listed twice in " + what);
      }
      canonical.add(c);
    }
    return canonical;
  }

  /**
   * A target in the form the grid writes it (folder names, {@code --target-nnz}): "5" for 5 and
   * 5.0, "2.5" for 2.5; null for anything that is not a finite number > 0.
   */
  static String canonicalTarget(String t) {
    double v;
    try {
      v = Double.parseDouble(t.trim());
    } catch (NumberFormatException | NullPointerException e) {
      return null;
    }
    if (!(v > 0) || Double.isInfinite(v)) {
      return null;
    }
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /** How a grid method receives a target: by its base method (see {@link TargetRule}). */
  public static TargetRule targetRule(String method) {
    return switch (Method.of(baseMethod(method)).budget()) {
      case MEAN -> TargetRule.BUDGET;
      case CAP -> TargetRule.FIXED_K;
      case NONE -> TargetRule.NONE;
    };
  }

  /**
   * The targets of a data set, canonical ("5", "2.5"), in the order given: its own if it lists
   * some, else the grid's; empty in a grid over L0.
   */
  public List<String> targetValues(String dataset) {
    Dataset d = datasets.get(dataset);
    List<String> t = d != null && !d.targets().isEmpty() && hasTargets() ? d.targets() : targets;
    return t.stream().map(ExperimentSpec::canonicalTarget).toList();
  }

  /** True for a grid over budget targets rather than L0 values. */
  public boolean hasTargets() {
    return !targets.isEmpty();
  }

  /** The seeds of a target: its {@code seedsPerTarget} entry if any, else {@code seeds}. */
  public List<Long> seedsFor(String target) {
    String c = canonicalTarget(target);
    for (Map.Entry<String, List<Long>> e : seedsPerTarget.entrySet()) {
      if (c != null && c.equals(canonicalTarget(e.getKey()))) {
        return List.copyOf(e.getValue());
      }
    }
    return seeds;
  }

  /** Every option a cell of this data set and method passes, in order: shared, data set, method. */
  private List<String> optionsOf(String dataset, String method) {
    List<String> a = new ArrayList<>(options);
    a.addAll(datasets.get(dataset).options());
    a.addAll(methodOptions.getOrDefault(method, List.of()));
    return a;
  }

  /**
   * The last K given in {@code args} (-K N, -KN, -K=N, --latent-dim N, --latent-dim=N); null if
   * none.
   */
  static Integer latentDim(List<String> args) {
    Integer k = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String v = null;
      if ((a.equals("-K") || a.equals("--latent-dim")) && i + 1 < args.size()) {
        v = args.get(i + 1);
      } else if (a.startsWith("--latent-dim=")) {
        v = a.substring("--latent-dim=".length());
      } else if (a.startsWith("-K") && a.length() > 2) {
        v = a.substring(a.charAt(2) == '=' ? 3 : 2);
      }
      if (v != null) {
        try {
          k = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
          // Left to sdlgm train, which names the bad value.
        }
      }
    }
    return k;
  }

  /**
   * The cap a cell of target {@code t} passes with {@code -L}: ⌈capFactor·t⌉ for a budget method
   * (at most K when the options give one), t for a fixed-k method, "auto" for vae.
   */
  String capFor(String dataset, String method, String target) {
    return switch (targetRule(method)) {
      case FIXED_K -> target;
      case NONE -> "auto";
      case BUDGET -> {
        // Decimal arithmetic: 1.1·10 must give 11, not ⌈11.000000000000002⌉ = 12.
        int cap =
            BigDecimal.valueOf(capFactor)
                .multiply(new BigDecimal(target))
                .setScale(0, RoundingMode.CEILING)
                .intValueExact();
        Integer k = latentDim(optionsOf(dataset, method));
        yield Integer.toString(k == null ? cap : Math.min(cap, k));
      }
    };
  }

  /** The {@code --method} of a grid method: the part before {@code :}, if any. */
  public static String baseMethod(String method) {
    int colon = method.indexOf(':');
    return colon < 0 ? method : method.substring(0, colon);
  }

  /** Every run of the grid, in the order they run: data set, method, L0 or target, seed. */
  public List<ExperimentCell> cells() {
    List<ExperimentCell> cells = new ArrayList<>();
    for (String d : datasets.keySet()) {
      for (String m : methods) {
        for (String t : targetValues(d)) {
          for (long s : seedsFor(t)) {
            cells.add(new ExperimentCell(d, m, capFor(d, m, t), t, s));
          }
        }
        for (String l : l0) {
          for (long s : seeds) {
            cells.add(new ExperimentCell(d, m, l, s));
          }
        }
      }
    }
    return cells;
  }

  /** The {@code sdlgm train} arguments of a cell, without {@code --out}. */
  public List<String> trainArguments(ExperimentCell c) {
    Dataset d = datasets.get(c.dataset());
    List<String> a = new ArrayList<>(List.of("train", "--task", task, "--data", d.data()));
    if (d.test() != null) {
      a.addAll(List.of("--test", d.test()));
    }
    if (d.labels() != null) {
      a.addAll(List.of("--labels", d.labels()));
    }
    a.addAll(List.of("--method", baseMethod(c.method())));
    if (!c.l0().equals("auto")) {
      a.addAll(List.of("-L", c.l0()));
    }
    if (c.target() != null && targetRule(c.method()) == TargetRule.BUDGET) {
      a.addAll(List.of("--target-nnz", c.target()));
    }
    a.addAll(List.of("--seed", Long.toString(c.seed())));
    a.addAll(options);
    a.addAll(d.options());
    a.addAll(methodOptions.getOrDefault(c.method(), List.of()));
    return a;
  }
}
