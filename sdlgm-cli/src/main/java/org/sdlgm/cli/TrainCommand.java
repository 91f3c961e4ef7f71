package org.sdlgm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.train.TrainingWorkflow;
import org.sdlgm.train.multilabel.MultiLabelWorkflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sdlgm train}: fit a model on data into a model directory, then evaluate it. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
      "Train a model into a model directory, then evaluate it.",
      "",
      "Train a model and write it to a model directory (config.json, model.params,",
      "scaling.json, history.csv, and metrics.json from an evaluation on the test part).",
      "",
      "Example: sdlgm train --data fashion-mnist:/usr/share/datasets/fashion-mnist --out runs/fmnist",
      "         sdlgm train --data synthetic --decoder linear --likelihood gaussian -K 32 -L 8 --hard \\",
      "                     --kl-v selected --prior geometric --rho 0.01 --prior-phase 30,40 --epochs 60 --out runs/syn",
      "         sdlgm train --task multilabel --data mulan:../shared/data/bibtex --out runs/bibtex",
      "",
      "Multi-label data (--task multilabel): mulan:DIR (official train/test split),",
      "arff:FILE[,labels=XML|first:C|last:C], xc:FILE, libsvm:FILE, synthetic-ml:[n=3000,...]."
    })
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DataOptions data;
  @Mixin ModelOptions model;
  @Mixin TrainingOptions training;
  @Mixin MultiLabelOptions multilabel;
  @Mixin ThreadsOption threads;

  @Option(
      names = "--task",
      paramLabel = "T",
      description =
          "unsupervised (default: sparse codes of x) or multilabel (tag sets of at most L0 labels).")
  String task = "unsupervised";

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "DIR",
      description = "Model directory to write.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing, non-empty output directory.")
  boolean overwrite;

  @Option(
      names = "--resume",
      description = "Continue the training in --out from its last checkpoint.")
  boolean resume;

  @Option(
      names = "--no-eval",
      negatable = false,
      description = "Skip the evaluation on the test part.")
  boolean noEval;

  @Option(
      names = "--no-report",
      negatable = false,
      description = "Skip the HTML report (report/report.html) written after training.")
  boolean noReport;

  @Option(
      names = "--delta",
      paramLabel = "δ",
      description = "Threshold of the effective support (L2 change of x̂; default 1.0).")
  double delta = EvalOptions.defaults().delta();

  @Override
  public Integer call() {
    OutputChecks.delta(delta);
    if (multilabelTask()) {
      return multilabel();
    }
    SdlgmConfig config = model.resolve();
    TrainConfig tc = training.apply(TrainConfig.builder().build());
    TrainingWorkflow job =
        new TrainingWorkflow(
                data.plan(tc.seed()), config, tc, EvalOptions.defaults().withDelta(delta))
            .inputScaling(training.inputScaling())
            .addListener(new ProgressBar(System.err, tc.epochs()))
            .command(originalArgs())
            .evaluate(!noEval);
    TrainingWorkflow.Result r;
    InterruptNotice notice = new InterruptNotice(out, originalArgs());
    try {
      r = job.run(out, overwrite, resume);
    } finally {
      notice.close();
    }
    System.out.println("model written to " + out);
    if (config.trainAtCap()) {
      // The epoch lines show training codes at the cap; say why the written codes are not.
      System.out.printf(
          Locale.ROOT,
          "trained at the cap L0 = %d (the default; --no-train-at-cap steers training to the"
              + " budget): the budget of %s non-zeros is met by the level cost set after training,"
              + " and 'sdlgm calibrate' sets another one without training%n",
          config.maxLevel(),
          Summary.number(config.targetNnz()));
      shortOfTheCap(config, r.history()).ifPresent(System.out::println);
    }
    if (r.evaluation() != null) {
      Summary.print(System.out, r.evaluation());
      System.out.println("metrics written to " + out.resolve("metrics.json"));
    } else if (!noEval) {
      System.out.println(
          "no test part (give --test SPEC or --split F), so no evaluation and no metrics.json");
    }
    if (!noReport) {
      Reports.writeAfterTraining(out);
    }
    return 0;
  }

  /**
   * What to say when training at the cap ended with training codes well short of it: the level cost
   * moves a little per step, so a short run (few rows or epochs) can end before the codes reach the
   * cap, and the written codes are then cut from a ranking trained on fewer dimensions than L0.
   * Empty when the last epoch's mean training level is within 10% of the cap.
   */
  static Optional<String> shortOfTheCap(SdlgmConfig config, List<EpochRecord> history) {
    if (!config.trainAtCap() || history.isEmpty()) {
      return Optional.empty();
    }
    EpochRecord last = history.get(history.size() - 1);
    double nnz = last.value(EpochRecord.TRAIN + "nnz");
    if (!(nnz < 0.9 * config.maxLevel())) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "note: the training codes had %.2f non-zeros in the last epoch, short of the cap of"
                + " %d: the level cost moves a little per step and %d steps did not take them"
                + " there. More epochs (or smaller batches) train the ranking of all L0 dimensions"
                + " that the codes are cut from (docs/model.md, choice 42)",
            nnz,
            config.maxLevel(),
            last.step()));
  }

  private int multilabel() {
    if (data.data == null) {
      throw new SdlgmException(
          "--task multilabel needs --data (e.g. mulan:DIR, arff:FILE, xc:FILE)");
    }
    TrainConfig tc = training.apply(TrainConfig.builder().build());
    TaggerConfig config = multilabel.apply(model);
    MultiLabelPlan plan =
        new MultiLabelPlan(data.data, data.test, multilabel.labels, data.split, tc.seed());
    MultiLabelWorkflow job =
        new MultiLabelWorkflow(plan, config, tc, multilabel.featureKind())
            .autoMaxLevel(model.maxLevel == null)
            .autoMinLevel(multilabel.autoMinLevel())
            .keepBest(multilabel.keepBest)
            .sparseRows(multilabel.sparseRows())
            .evaluate(!noEval)
            .addListener(new TaggerProgress(System.err, tc.epochs()))
            .command(originalArgs());
    MultiLabelWorkflow.Result r;
    InterruptNotice notice = new InterruptNotice(out, originalArgs());
    try {
      r = job.run(out, overwrite, resume);
    } finally {
      notice.close();
    }
    TaggerConfig c = r.info().model();
    System.out.println(
        String.format(
            java.util.Locale.ROOT,
            "model written to %s (%s, %d features, %d labels, L0 %d, L_min %d%s)",
            out,
            c.method(),
            c.numFeatures(),
            c.numLabels(),
            c.maxLevel(),
            c.minLevel(),
            r.epochKept() != tc.epochs() ? ", kept epoch " + r.epochKept() : ""));
    MultiLabelSummary.print(System.out, r.evaluations());
    if (!r.evaluations().isEmpty()) {
      System.out.println("metrics written to " + out.resolve("metrics.json"));
    }
    if (!noReport) {
      Reports.writeAfterTraining(out);
    }
    return 0;
  }

  /**
   * The checks of {@link #call} that need no data: option values and combinations, the model and
   * training configurations. {@code experiment --dry-run} runs them on every cell.
   */
  void checkOptions() {
    OutputChecks.delta(delta);
    training.apply(TrainConfig.builder().build());
    if (multilabelTask()) {
      multilabel.apply(model);
      multilabel.featureKind();
    } else {
      model.resolve();
      training.inputScaling();
    }
  }

  /**
   * Checks {@code --task} and refuses the options of the other task, naming them; true for {@code
   * multilabel}.
   */
  private boolean multilabelTask() {
    switch (task) {
      case "multilabel" -> {
        forbid(MultiLabelOptions.UNSUPERVISED_ONLY, "--task unsupervised");
        // Multi-label data has its own fitted preprocessing (--features).
        forbid(
            List.of("--input-scaling"), "--task unsupervised (multi-label data: use --features)");
        return true;
      }
      case "unsupervised" -> {
        forbid(MultiLabelOptions.MULTILABEL_ONLY, "--task multilabel");
        return false;
      }
      default ->
          throw new SdlgmException("--task takes unsupervised or multilabel; got '" + task + "'");
    }
  }

  private List<String> originalArgs() {
    return List.copyOf(spec.commandLine().getParseResult().originalArgs());
  }

  /** Rejects options that belong to the other task, naming them. */
  private void forbid(List<String> names, String where) {
    for (String n : names) {
      if (spec.commandLine().getParseResult().hasMatchedOption(n)) {
        throw new SdlgmException("option " + n + " applies only to " + where);
      }
    }
  }
}
