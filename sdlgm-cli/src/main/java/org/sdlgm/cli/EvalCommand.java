package org.sdlgm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.InputScaling;
import org.sdlgm.data.TrainTest;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.data.multilabel.MultiLabelTrainTest;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.eval.Evaluation;
import org.sdlgm.eval.Evaluator;
import org.sdlgm.eval.multilabel.MultiLabelEvaluation;
import org.sdlgm.eval.multilabel.TaggerEvaluator;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.MetricsFile;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.MultiLabelSchema;
import org.sdlgm.io.Provenance;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.multilabel.SetRule;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sdlgm eval}: score a saved model on test data. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
      "Evaluate a trained model on test data.",
      "",
      "Evaluate a trained model: hard-sample test ELBO and its terms, reconstruction error,",
      "nnz statistics, effective support, per-class sparsity, linear probe, and on synthetic",
      "data the recovery of each example's true sparsity. Without --data, the test part of",
      "the data the model was trained on is used. Rows are scaled with the model's input",
      "scaling (scaling.json) first.",
      "",
      "Example: sdlgm eval --model runs/fmnist --json runs/fmnist/metrics-again.json"
    })
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-m", "--model"},
      required = true,
      paramLabel = "DIR",
      description = "Model directory.")
  Path model;

  @Mixin DataOptions data;
  @Mixin ThreadsOption threads;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed for --split and the evaluation's noise (default 1).")
  long seed = 1;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write the metrics to FILE, in the shape of metrics.json.")
  Path json;

  @Mixin LevelInferenceOption levelInference;

  @Option(names = "--overwrite", description = "Replace an existing --json file.")
  boolean overwrite;

  @Option(names = "--no-probe", negatable = false, description = "Skip the linear probe.")
  boolean noProbe;

  @Option(
      names = "--delta",
      paramLabel = "δ",
      description = "Threshold of the effective support (default 1.0).")
  double delta = EvalOptions.defaults().delta();

  @Option(
      names = "--labels",
      paramLabel = "SRC",
      description =
          "Multi-label models: label attributes of an ARFF --data (XML, first:C, last:C; default: the model's).")
  String labels;

  @Override
  public Integer call() {
    OutputChecks.file(json, "--json");
    OutputChecks.notModelFile(json, "--json");
    OutputChecks.notInput(json, "--json", data.data, data.test, labels);
    if (json != null && json.toFile().exists() && !overwrite) {
      throw new SdlgmException(json + ": exists; use --overwrite to replace it");
    }
    OutputChecks.delta(delta);
    if (data.data == null && (data.test != null || data.split != 0 || labels != null)) {
      throw new SdlgmException(
          (data.test != null ? "--test" : data.split != 0 ? "--split" : "--labels")
              + " goes with --data (without --data, eval uses the test part of the model's own "
              + "data)");
    }
    if (ModelDirectory.TAGGER_FORMAT.equals(ModelDirectory.formatOf(model))) {
      return evalTagger();
    }
    ModelInfo<SdlgmConfig, DataSchema> info =
        levelInference.apply(ModelDirectory.readCoderInfo(model));
    DataPlan plan = data.data != null ? data.plan(seed) : info.data().plan();
    OutputChecks.notInput(json, "--json", plan.data(), plan.test());
    TrainTest tt = plan.load();
    if (!tt.hasTest()) {
      throw new SdlgmException(
          "no test data: " + plan.data() + " has no test part; give --test SPEC or --split F");
    }
    checkDim(info, tt.test().dim(), plan.test() != null ? plan.test() : plan.data());
    // The evaluator compares x̂ with the rows, so it gets them scaled and the coder does not
    // scale again.
    InputScaling scaling = ModelDirectory.readScaling(model, info);
    ModelDirectory.checkParams(model, info); // before seeding: it builds a model
    ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
    try (SparseCoder coder = ModelDirectory.loadForScaledRows(model, info)) {
      Evaluation ev =
          new Evaluator(EvalOptions.defaults().withProbe(!noProbe).withDelta(delta))
              .evaluate(coder, scaling.apply(tt.train()), scaling.apply(tt.test()));
      Summary.print(System.out, ev);
      writeJson(
          ModelDirectory.FORMAT,
          plan.test() != null ? plan.test() : plan.data(),
          ev.testSize(),
          ev);
    }
    return 0;
  }

  /** Writes {@code --json} (when given) in the shape of {@code metrics.json}. */
  private void writeJson(String format, String testData, int testSize, Object evaluation) {
    if (json == null) {
      return;
    }
    List<String> args = List.copyOf(spec.commandLine().getParseResult().originalArgs());
    AtomicFiles.writeString(
        json,
        ModelDirectory.toJson(
            new MetricsFile<>(
                format, testData, testSize, null, null, evaluation, Provenance.current(args))));
    System.out.println("metrics written to " + json);
  }

  private int evalTagger() {
    ModelInfo<TaggerConfig, MultiLabelSchema> info = ModelDirectory.readTaggerInfo(model);
    MultiLabelPlan plan =
        data.data == null
            ? info.data().plan()
            : new MultiLabelPlan(
                data.data,
                data.test,
                labels != null ? labels : info.data().labels(),
                data.split,
                seed);
    OutputChecks.notInput(json, "--json", plan.data(), plan.test(), plan.labels());
    MultiLabelTrainTest tt = plan.load();
    if (!tt.hasTest()) {
      throw new SdlgmException(
          "no test data: " + plan.data() + " has no test part; give --test SPEC or --split F");
    }
    checkMultiLabel(info, tt.test(), plan.test() != null ? plan.test() : plan.data());
    try (Tagger tagger = ModelDirectory.loadTagger(model, info)) {
      Map<SetRule, MultiLabelEvaluation> ev = new TaggerEvaluator(500).evaluate(tagger, tt.test());
      MultiLabelSummary.print(System.out, ev);
      writeJson(
          ModelDirectory.TAGGER_FORMAT,
          plan.test() != null ? plan.test() : plan.data(),
          tt.test().size(),
          ev);
    }
    return 0;
  }

  /** The rows must have the model's features and labels (by name, in order). */
  static void checkMultiLabel(
      ModelInfo<TaggerConfig, MultiLabelSchema> info, MultiLabelDataset rows, String spec) {
    if (rows.numFeatures() != info.model().numFeatures()) {
      throw new SdlgmException(
          spec
              + ": rows have "
              + rows.numFeatures()
              + " features, but the model was trained on "
              + info.model().numFeatures()
              + " ("
              + info.data().spec()
              + ")");
    }
    if (!rows.labelNames().equals(info.data().labelNames())) {
      throw new SdlgmException(
          spec
              + ": "
              + rows.numLabels()
              + " labels that differ from the "
              + info.data().numLabels()
              + " labels the model was trained on ("
              + info.data().spec()
              + ")");
    }
  }

  static void checkDim(ModelInfo<SdlgmConfig, DataSchema> info, int dim, String spec) {
    if (dim != info.model().inputDim()) {
      throw new SdlgmException(
          spec
              + ": rows have "
              + dim
              + " features, but the model was trained on "
              + info.model().inputDim()
              + " ("
              + info.data().spec()
              + ")");
    }
  }
}
