package org.sdlgm.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.Splits;
import org.sdlgm.data.TrainTest;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.eval.Evaluation;
import org.sdlgm.eval.Evaluator;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.Provenance;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;

/**
 * The whole "train a model into a directory" job that the CLI's {@code train} and {@code demo}
 * run: check the output directory, load and split the data, hold out validation rows, train
 * (or resume), write the model directory, then evaluate on the test part and write {@code
 * metrics.json}. Each step is a separate library call; this class only sequences them.
 */
public final class TrainingWorkflow {
  private final DataPlan plan;
  private final SdlgmConfig modelConfig;
  private final TrainConfig trainConfig;
  private final EvalOptions evalOptions;
  private final List<TrainingListener> listeners = new ArrayList<>();
  private List<String> command = List.of();
  private boolean evaluate = true;

  public TrainingWorkflow(DataPlan plan, SdlgmConfig modelConfig, TrainConfig trainConfig,
      EvalOptions evalOptions) {
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

  /** What a finished job produced; {@code evaluation} is null without test data. */
  public record Result(ModelInfo info, List<EpochRecord> history, double trainSeconds,
      Evaluation evaluation) {}

  /** The content of {@code metrics.json}. */
  public record Metrics(String testData, int testSize, double trainSeconds,
      Evaluation evaluation, Provenance provenance) {}

  /** Runs the job into {@code outDir}. */
  public Result run(Path outDir, boolean overwrite, boolean resume) {
    if (!resume) {
      ModelDirectory.checkWritable(outDir, overwrite);
    }
    TrainTest tt = plan.load();
    Dataset train = tt.train();
    Dataset validation = null;
    if (trainConfig.validationFraction() > 0) {
      TrainTest tv = Splits.validation(train, trainConfig.validationFraction(), trainConfig.seed());
      train = tv.train();
      validation = tv.test();
    }
    SdlgmConfig config = modelConfig.inputDim() == 0 ? modelConfig.withInputDim(train.dim()) : modelConfig;
    SdlgmTrainer trainer = new SdlgmTrainer(config, trainConfig);
    listeners.forEach(trainer::addListener);
    TrainingRun run = trainer.fit(train, validation, outDir, resume);
    try (SparseCoder coder = run.coder()) {
      Provenance prov = Provenance.current(command);
      ModelInfo info = new ModelInfo(ModelDirectory.FORMAT, ModelDirectory.FORMAT_VERSION, config,
          trainConfig, DataSchema.of(plan, train, validation, tt.test()), prov);
      ModelDirectory.save(outDir, info, coder, run.history());
      Evaluation ev = null;
      if (evaluate && tt.hasTest()) {
        ev = new Evaluator(evalOptions).evaluate(coder, train, tt.test());
        ModelDirectory.writeMetrics(outDir, new Metrics(plan.test() != null ? plan.test() : plan.data(),
            tt.test().size(), run.trainSeconds(), ev, prov));
      }
      return new Result(info, run.history(), run.trainSeconds(), ev);
    }
  }
}
