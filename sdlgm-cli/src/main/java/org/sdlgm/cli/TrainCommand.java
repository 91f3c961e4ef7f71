package org.sdlgm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.train.TrainConfig;
import org.sdlgm.train.TrainingWorkflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sdlgm train}: fit a model on data into a model directory, then evaluate it. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
        "Train a model into a model directory, then evaluate it.",
        "",
        "Train a model and write it to a model directory (config.json, model.params,",
        "history.csv, and metrics.json from an evaluation on the test part).",
        "",
        "Example: sdlgm train --data fashion-mnist:/usr/share/datasets/fashion-mnist --out runs/fmnist",
        "         sdlgm train --data synthetic --decoder linear --likelihood gaussian -K 32 -L 8 --hard \\",
        "                     --kl-v selected --prior geometric --rho 0.01 --prior-phase 30,40 --epochs 60 --out runs/syn"})
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DataOptions data;
  @Mixin ModelOptions model;
  @Mixin TrainingOptions training;
  @Mixin ThreadsOption threads;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Model directory to write.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing, non-empty output directory.")
  boolean overwrite;

  @Option(names = "--resume", description = "Continue the training in --out from its last checkpoint.")
  boolean resume;

  @Option(names = "--no-eval", negatable = false, description = "Skip the evaluation on the test part.")
  boolean noEval;

  @Option(names = "--delta", paramLabel = "δ", description = "Threshold of the effective support (L2 change of x̂; default 1.0).")
  double delta = EvalOptions.defaults().delta();

  @Override
  public Integer call() {
    SdlgmConfig config = model.apply(SdlgmConfig.builder().build());
    TrainConfig tc = training.apply(TrainConfig.builder().build());
    TrainingWorkflow job = new TrainingWorkflow(data.plan(tc.seed()), config, tc,
        EvalOptions.defaults().withDelta(delta))
        .addListener(new ProgressBar(System.err, tc.epochs()))
        .command(List.of(spec.commandLine().getParseResult().originalArgs().toArray(new String[0])))
        .evaluate(!noEval);
    TrainingWorkflow.Result r = job.run(out, overwrite, resume);
    System.out.println("model written to " + out);
    if (r.evaluation() != null) {
      Summary.print(System.out, r.evaluation());
      System.out.println("metrics written to " + out.resolve("metrics.json"));
    }
    return 0;
  }
}
