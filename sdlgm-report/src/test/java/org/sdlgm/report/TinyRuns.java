package org.sdlgm.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.sdlgm.SdlgmRuntime;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.InputScaling;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.train.TrainingWorkflow;
import org.sdlgm.train.multilabel.MultiLabelWorkflow;

/**
 * Tiny model directories written exactly as {@code sdlgm train} writes them (through {@link
 * TrainingWorkflow}), trained once per test JVM under {@code target/test-runs/}: a few seconds.
 */
final class TinyRuns {
  static final Path ROOT = Path.of("target", "test-runs");

  private static Path synthetic;
  private static Path labelledCsv;
  private static Path multiLabel;

  private TinyRuns() {}

  /**
   * Synthetic 28×28 images (300 train / 100 test, 8 atoms, L_true ≤ 3), K = 16, L0 = 4, two epochs
   * with a 10% validation part, evaluated (metrics.json with the recovery block).
   */
  static synchronized Path synthetic() {
    if (synthetic == null) {
      Path dir = fresh("synthetic");
      DataPlan plan = new DataPlan("synthetic:n=300,test=100,seed=1,atoms=8,lmax=3", null, 0, 1);
      train(
          plan,
          tiny(16, 4),
          TrainConfig.builder().epochs(2).batchSize(50).validationFraction(0.1).seed(1).build(),
          dir);
      synthetic = dir;
    }
    return synthetic;
  }

  /**
   * A labelled CSV of 240 rows × 12 features in 3 classes, no test part (so no metrics.json), K =
   * 8, L0 = 3, one epoch, no validation; values spread a little beyond [0,1], so it is trained with
   * minmax input scaling (as the Bernoulli likelihood requires).
   */
  static synchronized Path labelledCsv() {
    if (labelledCsv == null) {
      Path dir = fresh("labelled-csv");
      Path csv = ROOT.resolve("labelled.csv");
      StringBuilder b = new StringBuilder();
      SplittableRandom rng = new SplittableRandom(7);
      for (int i = 0; i < 240; i++) {
        int label = i % 3;
        for (int f = 0; f < 12; f++) {
          double mean = f % 3 == label ? 1.0 : 0.0;
          b.append(String.format(Locale.ROOT, "%.4f,", mean + 0.1 * (rng.nextDouble() - 0.5)));
        }
        b.append(label).append('\n');
      }
      try {
        Files.writeString(csv, b.toString(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      DataPlan plan = new DataPlan("csv:" + csv.toAbsolutePath() + ",label=last", null, 0, 1);
      train(
          plan,
          tiny(8, 3),
          TrainConfig.builder().epochs(1).batchSize(40).validationFraction(0).seed(1).build(),
          dir,
          InputScaling.Kind.MINMAX);
      labelledCsv = dir;
    }
    return labelledCsv;
  }

  /**
   * A multi-label model written as {@code sdlgm train --task multilabel} writes it: synthetic
   * multi-label data (300 train / 100 test rows, 500 sparse features, 12 labels, |Y| ≤ 3), one
   * hidden layer of 16, L0 = 3, three epochs with a 10% validation part, evaluated.
   */
  static synchronized Path multiLabel() {
    if (multiLabel == null) {
      Path dir = fresh("multilabel");
      SdlgmRuntime.configure(0);
      MultiLabelPlan plan =
          new MultiLabelPlan(
              "synthetic-ml:n=300,test=100,features=500,labels=12,lmax=3,seed=1", null, null, 0, 1);
      TaggerConfig model = TaggerConfig.builder().hidden(List.of(16)).maxLevel(3).build();
      new MultiLabelWorkflow(
              plan,
              model,
              TrainConfig.builder().epochs(3).batchSize(50).validationFraction(0.1).seed(1).build(),
              FeatureTransform.Kind.AUTO)
          .command(List.of("(test)"))
          .run(dir, true);
      multiLabel = dir;
    }
    return multiLabel;
  }

  /** Where Debian's dataset-fashion-mnist package puts Fashion-MNIST. */
  static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

  /**
   * The shared real data folder, found as sdlgm-core's test helper SharedData finds it: the system
   * property {@code sdlgm.shared.data} (set by the pom for surefire), else the environment variable
   * {@code SDLGM_SHARED_DATA}, else {@code ../shared/data} relative to the project's root directory
   * (the nearest folder upwards from the working directory whose pom.xml lists the module
   * sdlgm-core). Tests that need it skip when it does not exist.
   */
  static Path sharedData() {
    return Stream.of(System.getProperty("sdlgm.shared.data"), System.getenv("SDLGM_SHARED_DATA"))
        .filter(p -> p != null && !p.isBlank())
        .map(Path::of)
        .filter(Files::isDirectory)
        .findFirst()
        .orElseGet(TinyRuns::sharedDataBesideProject);
  }

  /** {@code ../shared/data} relative to the project root (else to the working directory). */
  private static Path sharedDataBesideProject() {
    Path base = Path.of("").toAbsolutePath();
    for (Path d = base; d != null; d = d.getParent()) {
      Path pom = d.resolve("pom.xml");
      try {
        if (Files.isRegularFile(pom)
            && Files.readString(pom, StandardCharsets.UTF_8)
                .contains("<module>sdlgm-core</module>")) {
          base = d;
          break;
        }
      } catch (IOException e) {
        // an unreadable pom.xml is not the root; keep walking up
      }
    }
    return base.resolve("..").resolve("shared").resolve("data").normalize();
  }

  /**
   * A real Fashion-MNIST run, small: the first 2,000 training and 500 test images, K = 32, L0 = 8,
   * two epochs; null when the data is not installed.
   */
  static synchronized Path fashionMnist() {
    if (!Files.isRegularFile(FASHION.resolve("train-images-idx3-ubyte.gz"))) {
      return null;
    }
    Path dir = fresh("fashion-mnist");
    DataPlan plan =
        new DataPlan("fashion-mnist:" + FASHION + ",limit=2000,test-limit=500", null, 0, 1);
    train(
        plan,
        tiny(32, 8),
        TrainConfig.builder().epochs(2).batchSize(100).validationFraction(0.1).seed(1).build(),
        dir);
    return dir;
  }

  /**
   * A real bibtex tagger on the official split (159 labels), one hidden layer of 64, three epochs;
   * null when the shared data is absent.
   */
  static synchronized Path bibtex() {
    Path data = sharedData().resolve("bibtex");
    if (!Files.isDirectory(data)) {
      return null;
    }
    Path dir = fresh("bibtex");
    SdlgmRuntime.configure(0);
    MultiLabelPlan plan = new MultiLabelPlan("mulan:" + data, null, null, 0, 1);
    new MultiLabelWorkflow(
            plan,
            TaggerConfig.builder().hidden(List.of(64)).build(),
            TrainConfig.builder().epochs(3).batchSize(100).validationFraction(0.05).seed(1).build(),
            FeatureTransform.Kind.AUTO)
        .autoMaxLevel(true)
        .autoMinLevel(true)
        .command(List.of("(test)"))
        .run(dir, true);
    return dir;
  }

  private static SdlgmConfig tiny(int k, int l0) {
    return SdlgmConfig.builder()
        .latentDim(k)
        .maxLevel(l0)
        .encoderHidden(List.of(32))
        .decoderHidden(List.of(32))
        .build();
  }

  private static void train(DataPlan plan, SdlgmConfig model, TrainConfig training, Path dir) {
    train(plan, model, training, dir, InputScaling.Kind.NONE);
  }

  private static void train(
      DataPlan plan, SdlgmConfig model, TrainConfig training, Path dir, InputScaling.Kind scaling) {
    SdlgmRuntime.configure(0);
    new TrainingWorkflow(plan, model, training, EvalOptions.defaults().withProbe(false))
        .inputScaling(scaling)
        .command(List.of("(test)"))
        .run(dir, true, false);
  }

  /** An empty directory {@code ROOT/name} (deleting what an earlier run left). */
  static Path fresh(String name) {
    Path dir = ROOT.resolve(name);
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> s = Files.walk(dir)) {
          for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }
}
