package org.sdlgm.train.multilabel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.data.multilabel.MultiLabelTrainTest;
import org.sdlgm.eval.multilabel.MultiLabelEvaluation;
import org.sdlgm.eval.multilabel.TaggerEvaluator;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.io.MetricsFile;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.MultiLabelSchema;
import org.sdlgm.io.Provenance;
import org.sdlgm.io.RunOptions;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.multilabel.SetRule;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.train.RunFolder;
import org.sdlgm.train.TrainingListener;
import org.sdlgm.train.TrainingRun;

/**
 * The "train a multi-label model into a directory" job behind {@code sdlgm train --task
 * multilabel}: check the output directory, load the data, hold out validation rows, fit the feature
 * preprocessing on the training rows, resolve the settings left on auto ({@link TaggerDefaults}),
 * train, write the model directory, then evaluate every set rule on the test part into {@code
 * metrics.json}. Each step is a library call; this class only sequences them.
 */
public final class MultiLabelWorkflow {
  private final MultiLabelPlan plan;
  private final TaggerConfig modelConfig;
  private final TrainConfig trainConfig;
  private final FeatureTransform.Kind transformKind;
  private final List<TrainingListener> listeners = new ArrayList<>();
  private boolean autoMaxLevel;
  private boolean autoMinLevel;
  private boolean keepBest;
  private Boolean sparseRows;
  private boolean evaluate = true;
  private List<String> command = List.of();

  public MultiLabelWorkflow(
      MultiLabelPlan plan,
      TaggerConfig modelConfig,
      TrainConfig trainConfig,
      FeatureTransform.Kind transformKind) {
    this.plan = plan;
    this.modelConfig = modelConfig;
    this.trainConfig = trainConfig;
    this.transformKind = transformKind;
  }

  public MultiLabelWorkflow addListener(TrainingListener l) {
    listeners.add(l);
    return this;
  }

  /** Replace the configured L0 by {@link TaggerDefaults#maxLevel} of the training rows. */
  public MultiLabelWorkflow autoMaxLevel(boolean v) {
    autoMaxLevel = v;
    return this;
  }

  /** Replace the configured L_min by {@link TaggerDefaults#minLevel} of the training rows. */
  public MultiLabelWorkflow autoMinLevel(boolean v) {
    autoMinLevel = v;
    return this;
  }

  /** How training reads rows ({@link TaggerTrainer#sparseRows}); null: the trainer chooses. */
  public MultiLabelWorkflow sparseRows(Boolean v) {
    sparseRows = v;
    return this;
  }

  /** Keep the epoch with the best validation example-F1 rather than the last one. */
  public MultiLabelWorkflow keepBest(boolean v) {
    keepBest = v;
    return this;
  }

  public MultiLabelWorkflow evaluate(boolean v) {
    evaluate = v;
    return this;
  }

  public MultiLabelWorkflow command(List<String> args) {
    command = List.copyOf(args);
    return this;
  }

  /** What a finished job produced; {@code evaluations} is empty without test data. */
  public record Result(
      ModelInfo<TaggerConfig, MultiLabelSchema> info,
      List<EpochRecord> history,
      double trainSeconds,
      int epochKept,
      Map<SetRule, MultiLabelEvaluation> evaluations) {}

  public Result run(Path outDir, boolean overwrite) {
    return run(outDir, overwrite, false);
  }

  /**
   * Runs the job into {@code outDir}; with {@code resume}, training continues from the checkpoint
   * an earlier, stopped run left in {@code outDir/checkpoint}.
   */
  public Result run(Path outDir, boolean overwrite, boolean resume) {
    org.sdlgm.train.Limits.checkData(plan.data());
    org.sdlgm.train.Limits.checkData(plan.test());
    try (RunFolder folder = RunFolder.open(outDir, Tagger.FORMAT, overwrite, resume)) {
      return run(folder, outDir, resume);
    }
  }

  private Result run(RunFolder folder, Path outDir, boolean resume) {
    MultiLabelTrainTest tt = plan.load();
    MultiLabelDataset train = tt.train();
    MultiLabelDataset validation = null;
    if (trainConfig.validationFraction() > 0) {
      MultiLabelTrainTest tv =
          MultiLabelTrainTest.split(
              train, 1 - trainConfig.validationFraction(), trainConfig.seed());
      train = tv.train();
      validation = tv.test();
    }
    if (train.size() == 0) {
      throw new SdlgmException(
          plan.data() + ": no training rows left after holding out validation rows");
    }
    TaggerConfig config = resolve(train);
    org.sdlgm.train.Limits.checkModel(config, trainConfig.batchSize());
    FeatureTransform transform = FeatureTransform.fit(transformKind, train);
    TaggerTrainer trainer =
        new TaggerTrainer(config, trainConfig)
            .keepBest(keepBest)
            .sparseRows(sparseRows)
            .features(transform)
            .outputDir(outDir)
            .resume(resume)
            .verifiedCheckpoint(folder.checkpoint())
            .options(
                RunOptions.builder()
                    .put("--data", plan.data())
                    .put("--test", plan.test())
                    .put("--labels", plan.labels())
                    .put("--split", plan.split())
                    .put("--features", transform.kind().id())
                    .build());
    listeners.forEach(trainer::addListener);
    // Checked before the folder is cleared: a refused run leaves the previous model in place.
    trainer.check(train, validation);
    folder.begin();
    try (TrainingRun<Tagger> run = trainer.fit(train, validation)) {
      Tagger tagger = run.model();
      Provenance prov = Provenance.current(command);
      MultiLabelSchema schema =
          new MultiLabelSchema(
              plan.data(),
              plan.test(),
              plan.labels(),
              plan.split(),
              plan.seed(),
              config.numFeatures(),
              config.numLabels(),
              train.labelNames(),
              train.size(),
              validation == null ? 0 : validation.size(),
              tt.test() == null ? 0 : tt.test().size(),
              train.labelCardinality(),
              train.emptyLabelRows(),
              transform.kind().id());
      ModelInfo<TaggerConfig, MultiLabelSchema> info =
          ModelInfo.of(config, trainConfig, schema, prov);
      java.nio.file.Files.createDirectories(outDir);
      ModelDirectory.save(outDir, info, tagger, run.history());
      Map<SetRule, MultiLabelEvaluation> ev = Map.of();
      if (evaluate && tt.hasTest()) {
        ev = new TaggerEvaluator(500).evaluate(tagger, tt.test());
        ModelDirectory.writeMetrics(
            outDir,
            new MetricsFile<>(
                Tagger.FORMAT,
                plan.test() != null ? plan.test() : plan.data(),
                tt.test().size(),
                run.trainSeconds(),
                run.epochKept(),
                ev,
                prov));
      }
      return new Result(info, run.history(), run.trainSeconds(), run.epochKept(), ev);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The configuration with data-dependent values filled in from the training rows: the width, L0
   * and L_min when they are automatic, and top-k when it is 0; fails when an explicit L0 exceeds
   * the labels or the feature count disagrees.
   */
  public TaggerConfig resolve(MultiLabelDataset train) {
    TaggerConfig.Builder b =
        modelConfig.toBuilder().numFeatures(train.numFeatures()).numLabels(train.numLabels());
    if (modelConfig.numFeatures() != 0 && modelConfig.numFeatures() != train.numFeatures()) {
      throw new SdlgmException(
          plan.data()
              + ": "
              + train.numFeatures()
              + " features, but the configuration says "
              + modelConfig.numFeatures());
    }
    if (autoMaxLevel) {
      b.maxLevel(TaggerDefaults.maxLevel(train));
    } else if (modelConfig.maxLevel() > train.numLabels()) {
      throw new SdlgmException(
          "max-level L0 = "
              + modelConfig.maxLevel()
              + " exceeds the "
              + train.numLabels()
              + " labels of "
              + plan.data());
    }
    if (autoMinLevel) {
      b.minLevel(TaggerDefaults.minLevel(train));
    }
    if (modelConfig.topK() == 0) {
      b.topK(TaggerDefaults.topK(train));
    }
    return b.build();
  }
}
