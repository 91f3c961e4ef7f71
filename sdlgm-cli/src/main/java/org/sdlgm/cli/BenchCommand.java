package org.sdlgm.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.TrainTest;
import org.sdlgm.data.multilabel.FeatureRows;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.data.multilabel.MultiLabelTrainTest;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.Provenance;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.train.SdlgmTrainer;
import org.sdlgm.train.TrainingRun;
import org.sdlgm.train.multilabel.MultiLabelWorkflow;
import org.sdlgm.train.multilabel.TaggerTrainer;
import org.sdlgm.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sdlgm bench}: throughput and memory of one configuration, written as JSON. Training speed
 * is the examples/s of the last of {@code --epochs} epochs over {@code --rows} rows (the first
 * epoch includes JIT and allocator warm-up); encoding speed is the best of three passes at batch
 * 100 and 1000; memory is the JVM's peak heap and the process's peak RSS (libtorch allocates
 * outside the heap).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
      "Measure training/encoding throughput and memory, as JSON.",
      "",
      "Measure training examples/s, encoding examples/s (batch 100 and 1000) and peak memory",
      "for a configuration, and write them as JSON.",
      "",
      "Example: sdlgm bench --data fashion-mnist:/usr/share/datasets/fashion-mnist --json bench.json"
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DataOptions data;
  @Mixin ModelOptions model;
  @Mixin MultiLabelOptions multilabel;

  @Option(
      names = "--task",
      paramLabel = "T",
      description =
          "unsupervised (default) or multilabel (then --data takes a multi-label spec; prediction is timed instead of encoding).")
  String task = "unsupervised";

  @Mixin ThreadsOption threads;

  @Option(
      names = "--input",
      paramLabel = "auto|dense",
      description =
          "Multi-label: how training and prediction read rows — auto (sparse rows when fewer "
              + "than 10%% of the features are non-zero; for training also at least 10,000 "
              + "features; the default) or dense (every batch densified), to compare the paths.")
  String input = "auto";

  @Option(
      names = "--rows",
      paramLabel = "N",
      description = "Training rows per epoch (default 10000).")
  int rows = 10000;

  @Option(
      names = "--epochs",
      paramLabel = "E",
      description = "Training epochs; the last one is timed (default 2).")
  int epochs = 2;

  @Option(names = "--batch", paramLabel = "B", description = "Training batch size (default 100).")
  int batch = 100;

  @Option(
      names = "--encode-rows",
      paramLabel = "N",
      description = "Rows per encoding pass (default 10000).")
  int encodeRows = 10000;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Where to write the results (default bench.json).")
  Path json = Path.of("bench.json");

  @Option(names = "--overwrite", description = "Replace an existing --json file.")
  boolean overwrite;

  private static void positive(String option, int value) {
    if (value < 1) {
      throw new SdlgmException(option + " must be ≥ 1, got " + value);
    }
  }

  @Override
  public Integer call() throws Exception {
    OutputChecks.file(json, "--json");
    OutputChecks.notModelFile(json, "--json");
    OutputChecks.notInput(json, "--json", data.data, data.test, multilabel.labels);
    if (Files.exists(json) && !overwrite) {
      throw new SdlgmException(json + ": exists; use --overwrite to replace it");
    }
    positive("--rows", rows);
    positive("--epochs", epochs);
    positive("--batch", batch);
    positive("--encode-rows", encodeRows);
    if (!input.equals("auto") && !input.equals("dense")) {
      throw new SdlgmException("--input must be auto or dense, got '" + input + "'");
    }
    // As train: an option of the other task would be silently ignored.
    var parsed = spec.commandLine().getParseResult();
    List<String> foreign =
        task.equals("multilabel")
            ? MultiLabelOptions.UNSUPERVISED_ONLY
            : java.util.stream.Stream.concat(
                    MultiLabelOptions.MULTILABEL_ONLY.stream(),
                    java.util.stream.Stream.of("--input"))
                .toList();
    for (String n : foreign) {
      if (parsed.hasMatchedOption(n)) {
        throw new SdlgmException(
            "option "
                + n
                + " applies only to --task "
                + (task.equals("multilabel") ? "unsupervised" : "multilabel"));
      }
    }
    if (task.equals("multilabel")) {
      return benchMultiLabel();
    }
    if (!task.equals("unsupervised")) {
      throw new SdlgmException("--task takes unsupervised or multilabel; got '" + task + "'");
    }
    if (data.data == null) {
      data.data = "synthetic:n=10000,test=2000,seed=1";
    }
    TrainTest tt = data.plan(1).load();
    Dataset train = tt.train().head(rows);
    SdlgmConfig config = model.resolve().withInputDim(train.dim());
    TrainConfig tc =
        TrainConfig.builder().epochs(epochs).batchSize(batch).validationFraction(0).build();
    List<Long> rssPerEpoch = new java.util.ArrayList<>();
    List<Long> heapPerEpoch = new java.util.ArrayList<>();
    Map<String, Double> stepMillis = new LinkedHashMap<>();
    TrainingRun<SparseCoder> run =
        new SdlgmTrainer(config, tc)
            .addListener(
                new org.sdlgm.train.TrainingListener() {
                  @Override
                  public void onPhases(
                      int epoch, int steps, double fwd, double bwd, double update) {
                    // The last epoch's mean time per step in each phase (earlier ones include
                    // warm-up).
                    stepMillis.put("forward", 1e3 * fwd / steps);
                    stepMillis.put("backward", 1e3 * bwd / steps);
                    stepMillis.put("update", 1e3 * update / steps);
                  }

                  @Override
                  public void onEpoch(EpochRecord r) {
                    // Memory after each epoch: flat numbers show that no step leaks.
                    rssPerEpoch.add(procStatus("VmRSS:"));
                    Runtime rt = Runtime.getRuntime();
                    heapPerEpoch.add(rt.totalMemory() - rt.freeMemory());
                  }
                })
            .fit(train);
    EpochRecord last = run.history().get(run.history().size() - 1);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("data", data.data);
    result.put("trainRows", train.size());
    result.put("batch", batch);
    result.put("trainExamplesPerSecond", last.examplesPerSecond());
    result.put("trainStepMillis", stepMillis);
    result.put("calibrationMatmulGflops", calibrationGflops());
    result.put("trainEpochSeconds", run.history().stream().map(EpochRecord::seconds).toList());
    result.put("rssAfterEpochBytes", rssPerEpoch);
    result.put("heapAfterEpochBytes", heapPerEpoch);
    try (SparseCoder coder = run.model()) {
      Dataset enc = tt.hasTest() ? tt.test() : tt.train();
      int n = Math.min(encodeRows, enc.size());
      for (int b : new int[] {100, 1000}) {
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
          long t0 = System.nanoTime();
          coder.encode(enc.features(), n, b);
          double s = (System.nanoTime() - t0) / 1e9;
          best = Math.max(best, n / s);
        }
        result.put("encodeExamplesPerSecondBatch" + b, best);
      }
      result.put("encodeRows", n);
    }
    long peakHeap = peakHeap();
    long peakRss = peakRss();
    result.put("peakHeapBytes", peakHeap);
    result.put("peakRssBytes", peakRss);
    write(result, config);
    System.out.println(
        String.format(
            Locale.ROOT,
            "train %,.0f ex/s (step: forward %.1f, backward %.1f, update %.1f ms) | encode %,.0f ex/s (batch 100), %,.0f ex/s (batch 1000) | peak heap %.0f MiB, peak RSS %.0f MiB | machine %.0f GFLOP/s → %s",
            (double) result.get("trainExamplesPerSecond"),
            stepMillis.getOrDefault("forward", Double.NaN),
            stepMillis.getOrDefault("backward", Double.NaN),
            stepMillis.getOrDefault("update", Double.NaN),
            (double) result.get("encodeExamplesPerSecondBatch100"),
            (double) result.get("encodeExamplesPerSecondBatch1000"),
            peakHeap / 1048576.0,
            peakRss / 1048576.0,
            (double) result.get("calibrationMatmulGflops"),
            json));
    return 0;
  }

  /**
   * The multi-label benchmark: training examples/s of the last epoch, prediction rows/s (scores,
   * sets and ranking at batch 500, best of three), and peak heap and RSS. Inputs stay sparse; only
   * one batch is dense at a time, which the peak heap shows.
   */
  private int benchMultiLabel() throws Exception {
    if (data.data == null) {
      data.data = "synthetic-ml:n=3000,test=1000,features=100000,labels=10000,lmax=5,seed=1";
    }
    MultiLabelPlan plan =
        new MultiLabelPlan(data.data, data.test, multilabel.labels, data.split, 1);
    MultiLabelTrainTest tt = plan.load();
    MultiLabelDataset train = tt.train();
    if (train.size() > rows) {
      train = train.subset(java.util.stream.IntStream.range(0, rows).toArray());
    }
    TrainConfig tc =
        TrainConfig.builder().epochs(epochs).batchSize(batch).validationFraction(0).build();
    // Filled in from the data exactly as `train --task multilabel` does.
    TaggerConfig config =
        new MultiLabelWorkflow(plan, multilabel.apply(model), tc, multilabel.featureKind())
            .autoMaxLevel(model.maxLevel == null)
            .autoMinLevel(multilabel.autoMinLevel())
            .resolve(train);
    FeatureTransform transform = FeatureTransform.fit(multilabel.featureKind(), train);
    // A lambda over denseRows gives dense rows only (FeatureRows' default sparseRows is null).
    FeatureRows rowSource =
        input.equals("dense")
            ? (d, r, from, count, dst) -> transform.denseRows(d, r, from, count, dst)
            : transform;
    List<Long> rssPerEpoch = new java.util.ArrayList<>();
    String[] trainInput = new String[1];
    TrainingRun<Tagger> run =
        new TaggerTrainer(config, tc)
            .addListener(
                new org.sdlgm.train.TrainingListener() {
                  @Override
                  public void onInputPath(boolean sparse, String reason) {
                    trainInput[0] = (sparse ? "sparse" : "dense") + " (" + reason + ")";
                    System.err.println("training input: " + trainInput[0]);
                  }

                  @Override
                  public void onEpoch(EpochRecord r) {
                    rssPerEpoch.add(procStatus("VmRSS:"));
                  }
                })
            .sparseRows(input.equals("dense") ? Boolean.FALSE : null)
            .features(rowSource)
            .fit(train);
    EpochRecord last = run.history().get(run.history().size() - 1);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("task", "multilabel");
    result.put("trainInput", trainInput[0]);
    result.put("data", data.data);
    result.put("trainRows", train.size());
    result.put("numFeatures", train.numFeatures());
    result.put("numLabels", train.numLabels());
    result.put("trainFeatureNonZeros", train.numFeatureNonZeros());
    result.put("batch", batch);
    result.put("trainExamplesPerSecond", last.examplesPerSecond());
    result.put("trainEpochSeconds", run.history().stream().map(EpochRecord::seconds).toList());
    result.put("calibrationMatmulGflops", calibrationGflops());
    result.put("rssAfterEpochBytes", rssPerEpoch);
    try (Tagger tagger = run.model()) {
      MultiLabelDataset rowsToTag = tt.hasTest() ? tt.test() : train;
      int n = Math.min(encodeRows, rowsToTag.size());
      int b = 500;
      String dense = tagger.denseReason(rowsToTag, rowSource);
      boolean sparse = dense == null;
      result.put("predictInput", sparse ? "sparse" : "dense (" + dense + ")");
      float[] x = sparse ? null : new float[b * config.numFeatures()];
      int[] all = java.util.stream.IntStream.range(0, n).toArray();
      double best = 0;
      for (int rep = 0; rep < 3; rep++) {
        long t0 = System.nanoTime();
        for (int from = 0; from < n; from += b) {
          int m = Math.min(b, n - from);
          Tagger.Scores scores = tagger.score(rowsToTag, rowSource, all, from, m, sparse, x);
          tagger.predict(scores, config.setRules().get(0), 5);
        }
        best = Math.max(best, n / ((System.nanoTime() - t0) / 1e9));
      }
      result.put("predictRowsPerSecondBatch500", best);
      result.put("predictRows", n);
    }
    long peakHeap = peakHeap();
    long peakRss = peakRss();
    result.put("peakHeapBytes", peakHeap);
    result.put("peakRssBytes", peakRss);
    result.put("denseTrainMatrixBytes", 4L * train.size() * train.numFeatures());
    write(result, config);
    System.out.println(
        String.format(
            Locale.ROOT,
            "train %,.0f ex/s | predict %,.0f rows/s (batch 500) | peak heap %.0f MiB (a dense training matrix would be %.0f MiB), peak RSS %.0f MiB → %s",
            last.examplesPerSecond(),
            (double) result.get("predictRowsPerSecondBatch500"),
            peakHeap / 1048576.0,
            4.0 * train.size() * train.numFeatures() / 1048576.0,
            peakRss / 1048576.0,
            json));
    return 0;
  }

  /** Adds the machine, the model and the provenance to {@code result} and writes it to --json. */
  private void write(Map<String, Object> result, Object config) {
    result.put("threads", Integer.getInteger("ai.djl.pytorch.num_threads", -1));
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.put("model", config);
    result.put(
        "provenance",
        Provenance.current(
            List.of(spec.commandLine().getParseResult().originalArgs().toArray(new String[0]))));
    AtomicFiles.writeString(json, ModelDirectory.toJson(result));
  }

  /**
   * The machine's speed right now: the best of 20 float32 products (1000 × 784)·(784 × 512) through
   * libtorch, in GFLOP/s. Shared machines vary from minute to minute (on ours, 40 to 186 GFLOP/s
   * within an hour), so a throughput is only comparable together with this.
   */
  static double calibrationGflops() {
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
        ai.djl.ndarray.NDArray x =
            m.randomUniform(0f, 1f, new ai.djl.ndarray.types.Shape(1000, 784));
        ai.djl.ndarray.NDArray w =
            m.randomUniform(0f, 1f, new ai.djl.ndarray.types.Shape(784, 512))) {
      double best = Double.MAX_VALUE;
      for (int i = 0; i < 23; i++) {
        long t0 = System.nanoTime();
        x.matMul(w).close();
        if (i >= 3) {
          best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
      }
      return 2.0 * 1000 * 784 * 512 / best / 1e9;
    }
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  /** Peak resident set size from /proc (Linux), or −1. */
  private static long peakRss() {
    return procStatus("VmHWM:");
  }

  /** A memory field of /proc/self/status in bytes (Linux), or −1. */
  private static long procStatus(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
