package org.sdlgm.experiment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
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
 * <p>{@link #read} rejects a malformed file, and one whose content is wrong (unknown fields or
 * methods, duplicate keys, empty items, empty grids, bad or repeated L0 values, seeds, methods and
 * targets), with {@code FILE:LINE:COLUMN: problem}, the line and column of the offending node; only
 * a problem that is a missing field has no line to name ({@code FILE: problem}).
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
    // A seed of 2.5 is a mistake, not seed 2.
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SdlgmException(file + ": cannot read the experiment file (" + e.getMessage() + ")");
    }
    Nodes nodes = new Nodes(file.toString());
    ExperimentSpec spec;
    try {
      // First the nodes' locations (and the checks of the file's shape that need the stream:
      // duplicate keys, empty items, a second document), then the record from the same text.
      try (JsonParser p = mapper.getFactory().createParser(text)) {
        JsonToken t = p.nextToken();
        if (t == null || t == JsonToken.VALUE_NULL) {
          throw new SdlgmException(file + ":1:1: empty experiment file (no fields)");
        }
        nodes.scan(p, new ArrayList<>());
        if (p.nextToken() != null) {
          throw nodes.error(
              p.currentTokenLocation(),
              "a second document (or value) after the experiment; a file holds one experiment");
        }
      }
      spec = mapper.readValue(text, ExperimentSpec.class);
    } catch (UnrecognizedPropertyException e) {
      throw new SdlgmException(
          nodes.placeOf(e)
              + ": unknown field '"
              + e.getPropertyName()
              + "' in "
              + e.getReferringClass().getSimpleName().replace("ExperimentSpec", "the experiment")
              + "; known fields: "
              + e.getKnownPropertyIds());
    } catch (JsonMappingException e) {
      // A value of the wrong type, or a list where a single value belongs (or the reverse).
      String path = Nodes.describe(e.getPath());
      String expected =
          e instanceof MismatchedInputException mi ? expected(mi.getTargetType()) : null;
      String jackson =
          oneLine(e.getOriginalMessage()).replaceFirst("\\s*\\(but could if coercion.*\\)$", "");
      throw new SdlgmException(
          nodes.placeOf(e)
              + ": malformed experiment file: "
              + (path.isEmpty() ? "the file" : path)
              + (expected == null
                  ? ": " + jackson
                  : " must be " + expected + " (" + jackson + ")"));
    } catch (JsonProcessingException e) {
      // YAML parser messages span several lines; the CLI prints errors on one.
      throw new SdlgmException(
          file
              + where(e.getLocation())
              + ": malformed experiment file: "
              + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new SdlgmException(file + ": cannot read the experiment file (" + e.getMessage() + ")");
    }
    if (spec == null) {
      throw new SdlgmException(file + ":1:1: empty experiment file (no fields)");
    }
    spec.validate(nodes);
    return spec;
  }

  /** What a value of type {@code t} is written as, for messages; null if not one of the spec's. */
  private static String expected(Class<?> t) {
    if (t == null) {
      return null;
    } else if (t == Long.class || t == long.class) {
      return "a whole number";
    } else if (t == Double.class || t == double.class) {
      return "a number";
    } else if (t == String.class) {
      return "a single value (text or a number)";
    } else if (Collection.class.isAssignableFrom(t)) {
      return "a list, e.g. [a, b]";
    } else if (Map.class.isAssignableFrom(t) || t.isRecord()) {
      return "a mapping of fields, e.g. {key: value}";
    }
    return null;
  }

  private static String oneLine(String message) {
    return message.replaceAll("\\s*\\n\\s*", " ").trim();
  }

  private static String where(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 1
        ? ""
        : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
  }

  /**
   * Where each node of a spec file starts, by its path of field names and list indices (the key of
   * a field, the item of a list), so that a problem with the content names its line and column.
   * Without a file ({@link #validate(String)}) every path is unknown.
   */
  private static final class Nodes {
    final String source;
    final Map<List<Object>, JsonLocation> at = new HashMap<>();

    Nodes(String source) {
      this.source = source;
    }

    /**
     * Records the node at the parser's current token and everything under it; refuses a key given
     * twice in one mapping (Jackson would keep the last) and an empty item of a list.
     */
    void scan(JsonParser p, List<Object> path) throws IOException {
      at.putIfAbsent(List.copyOf(path), p.currentTokenLocation());
      if (p.currentToken() == JsonToken.START_OBJECT) {
        Map<String, JsonLocation> keys = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          JsonLocation loc = p.currentTokenLocation();
          JsonLocation first = keys.putIfAbsent(key, loc);
          if (first != null) {
            throw error(
                loc, "duplicate key '" + key + "' (first at line " + first.getLineNr() + ")");
          }
          path.add(key);
          at.put(List.copyOf(path), loc);
          p.nextToken();
          scan(p, path);
          path.remove(path.size() - 1);
        }
      } else if (p.currentToken() == JsonToken.START_ARRAY) {
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
          path.add(i);
          if (p.currentToken() == JsonToken.VALUE_NULL) {
            throw error(
                p.currentTokenLocation(),
                "an empty item in " + describe(path.subList(0, path.size() - 1)));
          }
          scan(p, path);
          path.remove(path.size() - 1);
        }
      }
    }

    SdlgmException error(JsonLocation loc, String problem) {
      return new SdlgmException(source + ExperimentSpec.where(loc) + ": " + problem);
    }

    /** {@code FILE:LINE:COLUMN} of the node at {@code path}; {@code FILE} if there is none. */
    String at(Object... path) {
      return source + ExperimentSpec.where(at.get(List.of(path)));
    }

    /** The error {@code FILE:LINE:COLUMN: problem} for the node at {@code path}. */
    SdlgmException error(String problem, Object... path) {
      return new SdlgmException(at(path) + ": " + problem);
    }

    /** Where a mapping error is: its node, or the closest enclosing one the file has. */
    String placeOf(JsonMappingException e) {
      List<Object> path = new ArrayList<>();
      for (JsonMappingException.Reference r : e.getPath()) {
        path.add(r.getFieldName() != null ? r.getFieldName() : (Object) r.getIndex());
      }
      for (int k = path.size(); k > 0; k--) {
        JsonLocation loc = at.get(path.subList(0, k));
        if (loc != null) {
          return source + ExperimentSpec.where(loc);
        }
      }
      return source + ExperimentSpec.where(e.getLocation());
    }

    /** A path as the file writes it, e.g. {@code methodOptions.sdlgm[1]}. */
    static String describe(List<?> path) {
      StringBuilder sb = new StringBuilder();
      for (Object o : path) {
        if (o instanceof JsonMappingException.Reference r) {
          o = r.getFieldName() != null ? r.getFieldName() : (Object) r.getIndex();
        }
        if (o instanceof Integer i) {
          sb.append('[').append(i).append(']');
        } else {
          sb.append(sb.length() == 0 ? "" : ".").append(o);
        }
      }
      return sb.toString();
    }
  }

  /** Checks the grid; {@code source} names the file in messages (without lines). */
  public void validate(String source) {
    validate(new Nodes(source));
  }

  /** Checks the grid; {@code n} names the file, and the line of each node it read. */
  private void validate(Nodes n) {
    if (!task.equals("unsupervised") && !task.equals("multilabel")) {
      throw n.error("task must be unsupervised or multilabel, got '" + task + "'", "task");
    }
    if (datasets.isEmpty()) {
      throw n.error("no datasets; add at least one under 'datasets'", "datasets");
    }
    if (methods.isEmpty()) {
      throw n.error("no methods; add at least one under 'methods'", "methods");
    }
    if (seeds.isEmpty()) {
      throw n.error("'seeds' is empty", "seeds");
    }
    // A repeated seed, method or L0 gives two cells one folder: they would train into it in turn
    // (or at once, with --jobs) and count twice in the mean ± std.
    checkRepeats(n, "seed", seeds, "seeds");
    for (Map.Entry<String, Dataset> d : datasets.entrySet()) {
      if (!d.getKey().matches("[A-Za-z0-9._-]+")) {
        throw n.error(
            "dataset name '"
                + d.getKey()
                + "' may only use letters, digits, '.', '_' and '-' (it names run folders)",
            "datasets",
            d.getKey());
      }
      if (d.getValue() == null || d.getValue().data() == null || d.getValue().data().isBlank()) {
        throw n.error("dataset '" + d.getKey() + "' has no 'data' spec", "datasets", d.getKey());
      }
    }
    for (int i = 0; i < methods.size(); i++) {
      String m = methods.get(i);
      if (!m.matches("[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)?")) {
        throw n.error(
            "method '"
                + m
                + "' must be a method name, or base:variant with letters, digits, '.', '_', '-'",
            "methods",
            i);
      }
      try {
        if (task.equals("multilabel")) {
          TaggerMethod.of(baseMethod(m));
        } else {
          Method.of(baseMethod(m));
        }
      } catch (SdlgmException e) {
        throw n.error(e.getMessage() + " (task " + task + ")", "methods", i);
      }
    }
    checkRepeats(n, "method", methods.stream().map(m -> "'" + m + "'").toList(), "methods");
    for (Map.Entry<String, List<String>> e : methodOptions.entrySet()) {
      String m = e.getKey();
      if (!methods.contains(m)) {
        throw n.error(
            "methodOptions names '" + m + "', which is not in methods " + methods,
            "methodOptions",
            m);
      }
      if (e.getValue() == null) {
        throw n.error(
            "methodOptions gives no options for '"
                + m
                + "'; give a list, e.g. [--hard], or remove it",
            "methodOptions",
            m);
      }
    }
    if (!targets.isEmpty() && !l0.isEmpty()) {
      throw n.error(
          "'l0' and 'targets' are alternative axes of the grid (caps or budgets); give one of them",
          "targets");
    }
    if (l0.isEmpty() && targets.isEmpty()) {
      throw n.error("no L0 values or targets; give 'l0' or 'targets'", "l0");
    }
    if (!targets.isEmpty()) {
      validateTargets(n);
    } else if (!seedsPerTarget.isEmpty()) {
      throw n.error("'seedsPerTarget' needs 'targets'", "seedsPerTarget");
    } else {
      for (Map.Entry<String, Dataset> d : datasets.entrySet()) {
        if (!d.getValue().targets().isEmpty()) {
          throw n.error(
              "dataset '"
                  + d.getKey()
                  + "' lists targets, which "
                  + "replace the grid's 'targets'; give 'targets' (not 'l0') at the top level too",
              "datasets",
              d.getKey(),
              "targets");
        }
      }
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < l0.size(); i++) {
      String l = l0.get(i);
      if (!l.equals("auto")) {
        try {
          int v = Integer.parseInt(l);
          if (v < 1) {
            throw new NumberFormatException();
          }
          l = Integer.toString(v);
        } catch (NumberFormatException e) {
          throw n.error("l0 values must be integers ≥ 1 or 'auto', got '" + l + "'", "l0", i);
        }
      }
      values.add(l);
    }
    checkRepeats(n, "l0 value", values, "l0");
  }

  /**
   * Refuses an item of {@code values}, the list at {@code path}, that equals an earlier one, naming
   * the later one's line.
   */
  private static void checkRepeats(Nodes n, String what, List<?> values, Object... path) {
    for (int i = 0; i < values.size(); i++) {
      int first = values.indexOf(values.get(i));
      if (first < i) {
        Object[] at = Arrays.copyOf(path, path.length + 1);
        at[path.length] = i;
        throw n.error(
            what
                + " "
                + values.get(i)
                + " is listed twice in "
                + Nodes.describe(List.of(path))
                + " (two runs would share one folder)",
            at);
      }
    }
  }

  private void validateTargets(Nodes n) {
    if (!task.equals("unsupervised")) {
      throw n.error(
          "'targets' (budgets of non-zeros per code) are for "
              + "unsupervised grids; use 'l0' for task "
              + task,
          "targets");
    }
    if (!(capFactor >= 1) || Double.isInfinite(capFactor)) {
      throw n.error(
          "capFactor must be a number ≥ 1 (L0 = ⌈capFactor·target⌉), got " + capFactor,
          "capFactor");
    }
    List<String> all = new ArrayList<>(checkTargets(n, "targets", targets, "targets"));
    for (Map.Entry<String, Dataset> d : datasets.entrySet()) {
      for (String c :
          checkTargets(
              n,
              "targets of dataset '" + d.getKey() + "'",
              d.getValue().targets(),
              "datasets",
              d.getKey(),
              "targets")) {
        if (!all.contains(c)) {
          all.add(c);
        }
      }
    }
    List<String> named = new ArrayList<>();
    for (Map.Entry<String, List<Long>> e : seedsPerTarget.entrySet()) {
      String c = canonicalTarget(e.getKey());
      if (c == null || !all.contains(c)) {
        throw n.error(
            "seedsPerTarget names target '" + e.getKey() + "', which is not in targets " + all,
            "seedsPerTarget",
            e.getKey());
      }
      if (named.contains(c)) {
        throw n.error("seedsPerTarget names target " + c + " twice", "seedsPerTarget", e.getKey());
      }
      named.add(c);
      if (e.getValue() == null || e.getValue().isEmpty()) {
        throw n.error(
            "seedsPerTarget gives no seeds for target " + c, "seedsPerTarget", e.getKey());
      }
      checkRepeats(n, "seed", e.getValue(), "seedsPerTarget", e.getKey());
    }
    for (String d : datasets.keySet()) {
      for (int mi = 0; mi < methods.size(); mi++) {
        String m = methods.get(mi);
        TargetRule rule = targetRule(m);
        List<String> given = optionsOf(d, m);
        if (rule != TargetRule.NONE) {
          for (String a : given) {
            if (a.equals("-L")
                || a.matches("-L=?\\d+")
                || a.matches("--(max-level|l0|target-nnz)(=.*)?")) {
              throw n.error(
                  "option '"
                      + a
                      + "' of "
                      + d
                      + "/"
                      + m
                      + " conflicts with 'targets', which set -L and --target-nnz of every run; remove it",
                  optionPath(d, m, a));
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
          throw n.error(
              m
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
                  + "\"]}",
              "methods",
              mi);
        }
        List<String> ts = targetValues(d);
        for (int ti = 0; ti < ts.size(); ti++) {
          String t = ts.get(ti);
          double v = Double.parseDouble(t);
          if (k != null && v > k) {
            throw n.error(
                "target "
                    + t
                    + " exceeds K = "
                    + k
                    + " of "
                    + d
                    + "/"
                    + m
                    + " (a code has at most K non-zeros)",
                targetPath(d, ti));
          }
          if (rule == TargetRule.FIXED_K && v != Math.rint(v)) {
            throw n.error(
                "target "
                    + t
                    + " is not an integer, but "
                    + m
                    + " has a fixed number k of non-zeros (-L k); use integer targets",
                targetPath(d, ti));
          }
        }
      }
    }
  }

  /** The path of item {@code i} of {@link #targetValues}{@code (dataset)} in the file. */
  private Object[] targetPath(String dataset, int i) {
    return datasets.get(dataset).targets().isEmpty()
        ? new Object[] {"targets", i}
        : new Object[] {"datasets", dataset, "targets", i};
  }

  /** The path of the first option {@code a} of {@link #optionsOf}{@code (dataset, method)}. */
  private Object[] optionPath(String dataset, String method, String a) {
    int i = options.indexOf(a);
    if (i >= 0) {
      return new Object[] {"options", i};
    }
    i = datasets.get(dataset).options().indexOf(a);
    if (i >= 0) {
      return new Object[] {"datasets", dataset, "options", i};
    }
    i = methodOptions.getOrDefault(method, List.of()).indexOf(a);
    return new Object[] {"methodOptions", method, i};
  }

  /** The canonical forms of {@code list}; rejects non-numbers and repeats, naming {@code what}. */
  private static List<String> checkTargets(
      Nodes n, String what, List<String> list, Object... path) {
    List<String> canonical = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String t = list.get(i);
      Object[] at = Arrays.copyOf(path, path.length + 1);
      at[path.length] = i;
      String c = canonicalTarget(t);
      if (c == null) {
        throw n.error(what + " must be numbers > 0 (mean non-zeros per code), got '" + t + "'", at);
      }
      if (canonical.contains(c)) {
        throw n.error("target " + c + " is listed twice in " + what, at);
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
