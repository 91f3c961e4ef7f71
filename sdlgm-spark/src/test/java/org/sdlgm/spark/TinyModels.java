package org.sdlgm.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;
import org.sdlgm.SdlgmRuntime;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.InputScaling;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.Method;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.train.TrainingWorkflow;
import org.sdlgm.train.multilabel.MultiLabelWorkflow;

/**
 * Tiny model directories written as {@code sdlgm train} writes them (a second or two each), the raw
 * rows they are applied to, and the local Spark session of a test class.
 */
final class TinyModels {
  /** Columns of the unsupervised model's rows. */
  static final int D = 12;

  /** The multi-label model's synthetic data (its test part is what the tests tag). */
  static final String MULTI_LABEL =
      "synthetic-ml:n=300,test=100,features=500,labels=12,lmax=3,seed=1";

  private TinyModels() {}

  /**
   * 240 rows × 12 features, about a third exactly zero and the rest spread a little beyond [0, 1]
   * (so minmax input scaling is fitted and applied), row-major; values are what their CSV text
   * parses to.
   */
  static float[] rows() {
    SplittableRandom rng = new SplittableRandom(7);
    float[] x = new float[240 * D];
    for (int i = 0; i < 240; i++) {
      for (int f = 0; f < D; f++) {
        double mean = f % 3 == i % 3 ? 1.0 : 0.0;
        double v = f % 4 == 3 ? 0 : mean + 0.3 * (rng.nextDouble() - 0.5);
        x[i * D + f] = Float.parseFloat(String.format(Locale.ROOT, "%.4f", v));
      }
    }
    return x;
  }

  /**
   * An unsupervised model (K = 8, L0 = 3, one epoch) trained on {@link #rows} with minmax scaling.
   */
  static Path encoder(Path dir) {
    return encoder(dir, "encoder", Method.SDLGM);
  }

  /** As {@link #encoder(Path)}, of {@code method}, in {@code dir/name}. */
  static Path encoder(Path dir, String name, Method method) {
    return encoder(dir, name, tiny(SdlgmConfig.builder().method(method)));
  }

  /** {@code b} with the tiny models' sizes: K = 8, L0 = 3, one hidden layer of 16 each way. */
  static SdlgmConfig tiny(SdlgmConfig.Builder b) {
    return b.latentDim(8).maxLevel(3).encoderHidden(List.of(16)).decoderHidden(List.of(16)).build();
  }

  /** As {@link #encoder(Path)}, with {@code config}, in {@code dir/name}. */
  static Path encoder(Path dir, String name, SdlgmConfig config) {
    float[] x = rows();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < x.length / D; i++) {
      for (int f = 0; f < D; f++) {
        b.append(String.format(Locale.ROOT, "%.4f", x[i * D + f])).append(f + 1 < D ? "," : "\n");
      }
    }
    Path csv = dir.resolve("rows.csv");
    Path model = dir.resolve(name);
    try {
      Files.writeString(csv, b.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SdlgmRuntime.configure(0);
    new TrainingWorkflow(
            new DataPlan("csv:" + csv.toAbsolutePath(), null, 0, 1),
            config,
            TrainConfig.builder().epochs(1).batchSize(40).validationFraction(0).seed(1).build(),
            EvalOptions.defaults().withProbe(false))
        .evaluate(false)
        .inputScaling(InputScaling.Kind.MINMAX)
        .command(List.of("(test)"))
        .run(model, true, false);
    return model;
  }

  /** A multi-label model (one hidden layer of 16, L0 = 3, two epochs, tf-idf features). */
  static Path tagger(Path dir) {
    Path model = dir.resolve("tagger");
    SdlgmRuntime.configure(0);
    new MultiLabelWorkflow(
            new MultiLabelPlan(MULTI_LABEL, null, null, 0, 1),
            TaggerConfig.builder().hidden(List.of(16)).maxLevel(3).build(),
            TrainConfig.builder().epochs(2).batchSize(50).validationFraction(0).seed(1).build(),
            FeatureTransform.Kind.AUTO)
        .evaluate(false)
        .command(List.of("(test)"))
        .run(model, true);
    return model;
  }

  /** A local Spark with two task slots, bound to the loopback address, without its web UI. */
  static SparkSession spark() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("sdlgm-spark-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }
}
