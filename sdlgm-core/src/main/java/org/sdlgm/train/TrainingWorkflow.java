package org.sdlgm.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.CsvReader;
import org.sdlgm.data.DataException;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.DataSource;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.InputScaling;
import org.sdlgm.data.Splits;
import org.sdlgm.data.TrainTest;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.eval.Evaluation;
import org.sdlgm.eval.Evaluator;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.io.MetricsFile;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.Provenance;
import org.sdlgm.io.RunOptions;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.Likelihood;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;

/**
 * The whole "train a model into a directory" job that the CLI's {@code train} and {@code demo} run:
 * check the output directory, load and split the data, hold out validation rows, fit the input
 * scaling on the training rows and apply it to every part, check that a Bernoulli likelihood gets
 * values in [0,1], train (or resume), write the model directory, then evaluate on the test part and
 * write {@code metrics.json}. Each step is a separate library call; this class only sequences them.
 */
public final class TrainingWorkflow {
  private final DataPlan plan;
  private final SdlgmConfig modelConfig;
  private final TrainConfig trainConfig;
  private final EvalOptions evalOptions;
  private final List<TrainingListener> listeners = new ArrayList<>();
  private List<String> command = List.of();
  private boolean evaluate = true;
  private InputScaling.Kind scalingKind = InputScaling.Kind.NONE;

  public TrainingWorkflow(
      DataPlan plan, SdlgmConfig modelConfig, TrainConfig trainConfig, EvalOptions evalOptions) {
    this.plan = plan;
    this.modelConfig = modelConfig;
    this.trainConfig = trainConfig;
    this.evalOptions = evalOptions;
  }

  public TrainingWorkflow addListener(TrainingListener l) {
    listeners.add(l);
    return this;
  }

  /** The command line recorded in the provenance. */
  public TrainingWorkflow command(List<String> args) {
    this.command = List.copyOf(args);
    return this;
  }

  /** Whether to evaluate on the test part after training (default true). */
  public TrainingWorkflow evaluate(boolean v) {
    this.evaluate = v;
    return this;
  }

  /** The input scaling to fit on the training rows (default none). */
  public TrainingWorkflow inputScaling(InputScaling.Kind kind) {
    this.scalingKind = java.util.Objects.requireNonNull(kind, "kind");
    return this;
  }

  /** What a finished job produced; {@code evaluation} is null without test data. */
  public record Result(
      ModelInfo<SdlgmConfig, DataSchema> info,
      List<EpochRecord> history,
      double trainSeconds,
      Evaluation evaluation) {}

  /**
   * Runs the job into {@code outDir}, which it holds locked ({@link RunFolder}) throughout.
   * Everything that can be checked before training is — the output folder, sizes, the data, the
   * options of a resumed run — and nothing in the folder changes until those checks pass.
   */
  public Result run(Path outDir, boolean overwrite, boolean resume) {
    Limits.checkData(plan.data());
    Limits.checkData(plan.test());
    try (RunFolder folder = RunFolder.open(outDir, ModelDirectory.FORMAT, overwrite, resume)) {
      return run(folder, outDir, resume);
    }
  }

  private Result run(RunFolder folder, Path outDir, boolean resume) {
    TrainTest tt = plan.load();
    Dataset train = tt.train();
    Dataset validation = null;
    if (trainConfig.validationFraction() > 0) {
      TrainTest tv = Splits.validation(train, trainConfig.validationFraction(), trainConfig.seed());
      train = tv.train();
      validation = tv.test();
    }
    SdlgmConfig config =
        modelConfig.inputDim() == 0 ? modelConfig.withInputDim(train.dim()) : modelConfig;
    Limits.checkModel(config, trainConfig.batchSize());
    boolean bernoulli = config.likelihood() == Likelihood.BERNOULLI;
    // Clipping only where scaling is asked for: unscaled runs must see exactly the rows they
    // always did, and their training rows are checked to lie in [0,1] anyway.
    InputScaling scaling =
        InputScaling.fit(train, scalingKind)
            .withClip(bernoulli && scalingKind != InputScaling.Kind.NONE);
    if (bernoulli) {
      checkUnitRange(train, scaling);
    }
    if (resume) {
      checkSameScaling(outDir, scaling);
    }
    folder.begin();
    if (!resume) {
      // Written before training so that a stopped run's directory says how it scaled its rows,
      // which --resume checks; a resume writes it (unchanged) with the model.
      ModelDirectory.writeScaling(outDir, scaling);
    }
    train = scaling.apply(train);
    validation = scaling.apply(validation);
    Dataset test = scaling.apply(tt.test());
    SdlgmTrainer trainer =
        new SdlgmTrainer(config, trainConfig)
            .options(
                RunOptions.builder()
                    .put("--data", plan.data())
                    .put("--test", plan.test())
                    .put("--split", plan.split())
                    .put("--input-scaling", scalingKind.name().toLowerCase(java.util.Locale.ROOT))
                    .build());
    listeners.forEach(trainer::addListener);
    trainer.outputDir(outDir).resume(resume).verifiedCheckpoint(folder.checkpoint());
    try (TrainingRun<SparseCoder> run = trainer.fit(train, validation)) {
      SparseCoder coder = run.model();
      Provenance prov = Provenance.current(command);
      ModelInfo<SdlgmConfig, DataSchema> info =
          ModelInfo.of(config, trainConfig, DataSchema.of(plan, train, validation, test), prov);
      ModelDirectory.save(outDir, info, coder, scaling, run.history());
      Evaluation ev = null;
      if (evaluate && test != null) {
        EvalOptions options = evalOptions;
        if (options.probe() && !LinearProbes.feasible(train, test)) {
          for (TrainingListener l : listeners) {
            l.onNote("linear probe skipped: " + LinearProbes.why(train, test));
          }
          options = options.withProbe(false);
        }
        ev = new Evaluator(options).evaluate(coder, train, test);
        ModelDirectory.writeMetrics(
            outDir,
            new MetricsFile<>(
                ModelDirectory.FORMAT,
                plan.test() != null ? plan.test() : plan.data(),
                test.size(),
                run.trainSeconds(),
                null,
                ev,
                prov));
      }
      return new Result(info, run.history(), run.trainSeconds(), ev);
    }
  }

  /**
   * Fails before any training when a training value lies outside [0,1] after {@code scaling}: the
   * Bernoulli log-likelihood of such a value is not a likelihood, and training on it gives a
   * meaningless model without any other sign. The message points at the first such value in the
   * source's own row order (the rows here may be shuffled by a split).
   */
  private void checkUnitRange(Dataset train, InputScaling scaling) {
    if (scaling.firstOutsideUnit(train) == null) {
      return;
    }
    DataSource source = DataSpecs.parse(plan.data());
    Dataset ordered = source.load().train();
    InputScaling.Outlier o = scaling.firstOutsideUnit(ordered);
    String where;
    if (o == null) {
      // Cannot happen for a deterministic source; keep a useful message regardless.
      o = scaling.firstOutsideUnit(train);
      where =
          "a training row (row " + (o.row() + 1) + " after the split), " + featureName(o.column());
    } else if (source instanceof CsvReader csv) {
      where =
          "row " + (o.row() + 1) + " (1-based, header not counted), " + csvColumn(csv, o.column());
    } else {
      where = "row " + (o.row() + 1) + " (1-based), " + featureName(o.column());
    }
    String value =
        "value "
            + number(o.value())
            + (scalingKind == InputScaling.Kind.NONE
                ? ""
                : " (" + number(o.scaled()) + " after " + scalingKind + " scaling)");
    throw new DataException(
        plan.data()
            + ": "
            + where
            + ": "
            + value
            + " is outside [0,1], "
            + "which the Bernoulli likelihood needs; use --input-scaling minmax, or --likelihood "
            + "gaussian");
  }

  private static String csvColumn(CsvReader csv, int feature) {
    int[] cols = csv.featureColumns();
    int col = cols != null && feature < cols.length ? cols[feature] : feature;
    List<String> names = csv.columnNames();
    if (names != null && col < names.size()) {
      return "column '" + names.get(col) + "'";
    }
    return "column " + (col + 1) + " (1-based, of every column in the file)";
  }

  /** 16 rather than 16.0: the value as it most likely appears in the file. */
  private static String number(float v) {
    return v == Math.rint(v) && Math.abs(v) < 1e7f ? Long.toString((long) v) : Float.toString(v);
  }

  private static String featureName(int feature) {
    return "feature " + (feature + 1) + " (1-based)";
  }

  /** A resumed run must scale its rows as the run it continues did. */
  private static void checkSameScaling(Path outDir, InputScaling scaling) {
    InputScaling before = ModelDirectory.readScaling(outDir, scaling.dim());
    if (!before.equals(scaling)) {
      throw new SdlgmException(
          outDir.resolve(ModelDirectory.SCALING)
              + ": the run to resume "
              + "used input scaling "
              + before.kind()
              + " (fitted on the same rows); resume it with "
              + "--input-scaling "
              + before.kind()
              + ", not "
              + scaling.kind());
    }
  }
}
