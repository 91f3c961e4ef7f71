package org.sdlgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.InputScaling;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.Provenance;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.train.BudgetCalibration;
import org.sdlgm.train.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sdlgm calibrate}: a copy of a trained model whose codes meet another budget. */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
      "Write a copy of a trained model that meets another budget of non-zeros.",
      "",
      "Sets the budget's level cost anew (sdlgm; batchtopk-ae: its threshold) so that the",
      "mean number of non-zeros over the training rows is --target-nnz, without training.",
      "One model then gives codes at several budgets, each within its cap L0. The model in",
      "--model is not changed; --out gets the parameters, config.json with the new budget,",
      "scaling.json and history.csv. Score the copy with sdlgm eval --model OUT.",
      "A model of train's default objective was trained at the cap whatever its budget, so",
      "its copy at T is the model that train --target-nnz T gives under the same cap.",
      "",
      "Example: sdlgm calibrate --model runs/fmnist --target-nnz 5 --out runs/fmnist-5"
    })
final class CalibrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-m", "--model"},
      required = true,
      paramLabel = "DIR",
      description = "The trained model (sdlgm with a budget, or batchtopk-ae).")
  Path model;

  @Option(
      names = "--target-nnz",
      required = true,
      paramLabel = "T",
      description = "The new budget: mean non-zeros per code, 0 < T ≤ L0.")
  double target;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "DIR",
      description = "Model directory to write (not --model).")
  Path out;

  @Option(
      names = {"-d", "--data"},
      paramLabel = "SPEC",
      description =
          "Calibrate on the training part of SPEC (default: the training rows of the model's own data).")
  String data;

  @Mixin LevelInferenceOption levelInference;
  @Mixin ThreadsOption threads;

  @Option(names = "--overwrite", description = "Replace a model already in --out.")
  boolean overwrite;

  @Override
  public Integer call() {
    if (sameFile(model, out)
        || model.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
      throw new SdlgmException(
          out + ": is --model itself; calibrate writes a copy, give another --out");
    }
    if (!overwrite && Files.exists(out.resolve(ModelDirectory.CONFIG))) {
      throw new SdlgmException(
          out + ": holds a model; use --overwrite to replace it, or choose another --out");
    }
    ModelDirectory.checkWritable(out, overwrite);
    if (ModelDirectory.TAGGER_FORMAT.equals(ModelDirectory.formatOf(model))) {
      throw new SdlgmException(
          model
              + ": a multi-label model decides each input's number of tags itself; it has no"
              + " budget to calibrate");
    }
    ModelInfo<SdlgmConfig, DataSchema> info =
        levelInference.apply(ModelDirectory.readCoderInfo(model));
    SdlgmConfig calibrated = BudgetCalibration.withBudget(info.model(), target);
    DataPlan plan = data != null ? new DataPlan(data, null, 0, 1) : info.data().plan();
    Dataset rows = plan.load().train();
    EvalCommand.checkDim(info, rows.dim(), plan.data());
    InputScaling scaling = ModelDirectory.readScaling(model, info);
    ModelDirectory.checkParams(model, info);
    Path history = model.resolve(ModelDirectory.HISTORY);
    List<EpochRecord> epochs =
        Files.exists(history) ? EpochRecord.readCsv(history) : List.<EpochRecord>of();
    List<String> args = List.copyOf(spec.commandLine().getParseResult().originalArgs());
    ModelInfo<SdlgmConfig, DataSchema> written =
        new ModelInfo<>(
            info.format(),
            info.formatVersion(),
            calibrated,
            info.training(),
            info.data(),
            Provenance.current(args));
    try (RunFolder folder =
            RunFolder.open(out, ModelDirectory.FORMAT, overwrite, false, "sdlgm calibrate");
        SparseCoder coder = ModelDirectory.loadForScaledRows(model, info.withModel(calibrated))) {
      BudgetCalibration.Result r = BudgetCalibration.calibrate(coder, scaling.apply(rows));
      folder.begin();
      ModelDirectory.save(out, written, coder, scaling, epochs);
      if (!Double.isNaN(r.meanLevel())) {
        System.out.printf(Locale.ROOT, "mean level over the training rows: %.3f%n", r.meanLevel());
      }
      System.out.printf(
          Locale.ROOT,
          "%s: %.4f -> %.4f (budget %s non-zeros per code over %d training rows of %s, cap %d)%n",
          r.parameter(),
          r.before(),
          r.after(),
          Summary.number(target),
          rows.size(),
          plan.data(),
          calibrated.maxLevel());
    }
    System.out.println("model written to " + out + "; score it with: sdlgm eval --model " + out);
    return 0;
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
