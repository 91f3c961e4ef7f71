package org.sdlgm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataPlan;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.train.Recipes;
import org.sdlgm.train.TrainingWorkflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sdlgm demo}: the built-in end-to-end run on synthetic data with known sparsity. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
      "Train on built-in synthetic data and report sparsity recovery.",
      "",
      "Train SDLGM on the built-in synthetic data (32 sparse atoms in R^784, each example made",
      "of L_true ∈ {1..6} atoms plus noise; 10,000 train / 2,000 test) with the recipe that",
      "makes sparsity track the data, then report how well each example's sparsity is",
      "recovered: test ELBO, nnz vs the cap L0 = 8, Spearman(L̂, L_true), the L̂-vs-L_true",
      "confusion, and how often the effective support has exactly L_true atoms.",
      "Takes a few minutes on 2 cores. Model options override the recipe.",
      "",
      "Example: sdlgm demo",
      "         sdlgm demo --epochs 20 --out runs/demo-short"
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      description =
          "Model directory (default runs/demo); one that holds a model is replaced only with --overwrite.")
  Path out = Path.of("runs", "demo");

  @Option(
      names = "--overwrite",
      description =
          "Replace the model in --out (only files sdlgm wrote; a folder with other files is refused).")
  boolean overwrite;

  @Option(
      names = {"-d", "--data"},
      paramLabel = "SPEC",
      description = "Synthetic data spec (default synthetic:n=10000,test=2000,seed=1).")
  String data = "synthetic:n=10000,test=2000,seed=1";

  @Mixin ModelOptions model;
  @Mixin TrainingOptions training;
  @Mixin ThreadsOption threads;

  @Override
  public Integer call() {
    if (model.plain) {
      throw new SdlgmException(
          "--plain is for train and bench; the demo runs its own recipe "
              + "(use train --data synthetic --plain for the plain model of docs/model.md on this "
              + "data)");
    }
    SdlgmConfig config = model.atCap(model.apply(Recipes.syntheticModel()));
    TrainConfig tc = training.apply(Recipes.syntheticTraining());
    System.err.println(
        "sdlgm demo: "
            + data
            + ", K = "
            + config.latentDim()
            + ", L0 = "
            + config.maxLevel()
            + ", "
            + tc.epochs()
            + " epochs → "
            + out);
    long t0 = System.nanoTime();
    TrainingWorkflow.Result r =
        new TrainingWorkflow(
                new DataPlan(data, null, 0, tc.seed()), config, tc, EvalOptions.defaults())
            .inputScaling(training.inputScaling())
            .addListener(new ProgressBar(System.err, tc.epochs()))
            .command(List.copyOf(spec.commandLine().getParseResult().originalArgs()))
            .run(out, overwrite, false);
    System.out.println();
    if (r.evaluation() != null) {
      Summary.print(System.out, r.evaluation());
    } else {
      System.out.println(
          data
              + " has no test part, so there is no evaluation; the demo's "
              + "report needs one (use a synthetic spec, or 'sdlgm train --split F' for a file)");
    }
    System.out.println(
        String.format(
            java.util.Locale.ROOT,
            "total time %.1f s (training %.1f s); model and metrics in %s",
            (System.nanoTime() - t0) / 1e9,
            r.trainSeconds(),
            out));
    Reports.writeAfterTraining(out);
    return 0;
  }
}
