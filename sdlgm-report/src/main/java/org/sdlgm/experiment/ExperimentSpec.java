package org.sdlgm.experiment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
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
import org.sdlgm.model.multilabel.TaggerMethod;

/**
 * An experiment grid read from YAML or JSON: methods × data sets × L0 values × seeds, with the
 * {@code sdlgm train} options every run shares, options per data set and per method. Every run
 * of the grid is one {@link ExperimentCell}. Example (YAML):
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
 * {@code --method base} with the options {@code methodOptions} gives for the full name, so one
 * grid can compare several settings of the same method.
 *
 * <p>{@link #read} rejects a malformed file with its line and column, and {@link #validate}
 * rejects unknown methods, empty grids and bad L0 values before anything runs.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ExperimentSpec(
    String name,
    String task,
    String out,
    Map<String, Dataset> datasets,
    List<String> methods,
    List<String> l0,
    List<Long> seeds,
    List<String> options,
    Map<String, List<String>> methodOptions) {

  /** One data set of the grid: its data spec, optional test spec and label source, and extra options. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Dataset(String data, String test, String labels, List<String> options) {
    public Dataset {
      options = options == null ? List.of() : List.copyOf(options);
    }
  }

  public ExperimentSpec {
    name = name == null ? "experiment" : name;
    task = task == null ? "unsupervised" : task.toLowerCase(Locale.ROOT);
    datasets = datasets == null ? Map.of() : new LinkedHashMap<>(datasets);
    methods = methods == null ? List.of() : List.copyOf(methods);
    l0 = l0 == null ? List.of("auto") : List.copyOf(l0);
    seeds = seeds == null ? List.of(1L) : List.copyOf(seeds);
    options = options == null ? List.of() : List.copyOf(options);
    methodOptions = methodOptions == null ? Map.of() : new LinkedHashMap<>(methodOptions);
  }

  /** Reads a spec: YAML for .yaml/.yml files, JSON otherwise; then {@link #validate}s it. */
  public static ExperimentSpec read(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    ObjectMapper mapper = (n.endsWith(".yaml") || n.endsWith(".yml"))
        ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
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
      throw new SdlgmException(file + ": unknown field '" + e.getPropertyName() + "' in "
          + e.getReferringClass().getSimpleName().replace("ExperimentSpec", "the experiment")
          + "; known fields: " + e.getKnownPropertyIds());
    } catch (JsonProcessingException e) {
      // YAML parser messages span several lines; the CLI prints errors on one.
      throw new SdlgmException(file + where(e.getLocation()) + ": malformed experiment file: "
          + e.getOriginalMessage().replaceAll("\\s*\\n\\s*", " ").trim());
    }
    if (spec == null) {
      throw new SdlgmException(file + ": empty experiment file");
    }
    spec.validate(file.toString());
    return spec;
  }

  private static String where(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 1 ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
  }

  /** Checks the grid; {@code source} names the file in messages. */
  public void validate(String source) {
    if (!task.equals("unsupervised") && !task.equals("multilabel")) {
      throw new SdlgmException(source + ": task must be unsupervised or multilabel, got '" + task + "'");
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
        throw new SdlgmException(source + ": dataset name '" + d.getKey()
            + "' may only use letters, digits, '.', '_' and '-' (it names run folders)");
      }
      if (d.getValue() == null || d.getValue().data() == null || d.getValue().data().isBlank()) {
        throw new SdlgmException(source + ": dataset '" + d.getKey() + "' has no 'data' spec");
      }
    }
    for (String m : methods) {
      if (!m.matches("[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)?")) {
        throw new SdlgmException(source + ": method '" + m
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
        throw new SdlgmException(source + ": methodOptions names '" + m
            + "', which is not in methods " + methods);
      }
    }
    for (String l : l0) {
      if (!l.equals("auto")) {
        try {
          if (Integer.parseInt(l) < 1) {
            throw new NumberFormatException();
          }
        } catch (NumberFormatException e) {
          throw new SdlgmException(source + ": l0 values must be integers ≥ 1 or 'auto', got '" + l + "'");
        }
      }
    }
  }

  /** The {@code --method} of a grid method: the part before {@code :}, if any. */
  public static String baseMethod(String method) {
    int colon = method.indexOf(':');
    return colon < 0 ? method : method.substring(0, colon);
  }

  /** Every run of the grid, in the order they run: data set, method, L0, seed. */
  public List<ExperimentCell> cells() {
    List<ExperimentCell> cells = new ArrayList<>();
    for (String d : datasets.keySet()) {
      for (String m : methods) {
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
    a.addAll(List.of("--seed", Long.toString(c.seed())));
    a.addAll(options);
    a.addAll(d.options());
    a.addAll(methodOptions.getOrDefault(c.method(), List.of()));
    return a;
  }
}
