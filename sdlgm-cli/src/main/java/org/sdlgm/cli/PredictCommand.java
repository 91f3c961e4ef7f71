package org.sdlgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.data.multilabel.MultiLabelTrainTest;
import org.sdlgm.encode.PredictionWriter;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.MultiLabelSchema;
import org.sdlgm.model.multilabel.LabelPrediction;
import org.sdlgm.model.multilabel.SetRule;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sdlgm predict}: tag rows with a trained multi-label model. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
      "Tag rows with a trained multi-label model.",
      "",
      "Predict label sets with a model trained by 'sdlgm train --task multilabel': the set size",
      "L̂ = argmax q(L|x) (never more than L0) and the top-L̂ labels. JSON Lines, one object per row:",
      "  {\"id\":0,\"L\":2,\"labels\":[\"TAG_a\",\"TAG_b\"],\"scores\":[4.1,3.7],\"pL\":[...],\"pLFrom\":1}",
      "with --top N also \"ranked\" and \"rankedScores\": the N best labels, beyond the set.",
      "Scores are the selection logits α (sdlgm) or label probabilities (br-mlp).",
      "",
      "Example: sdlgm predict --model runs/bibtex --data mulan:../shared/data/bibtex --top 5 --out tags.jsonl"
    })
final class PredictCommand implements Callable<Integer> {
  @Option(
      names = {"-m", "--model"},
      required = true,
      paramLabel = "DIR",
      description = "Multi-label model directory.")
  Path model;

  @Option(
      names = {"-d", "--data"},
      paramLabel = "SPEC",
      description = "Rows to tag (multi-label data spec; default: the model's test data).")
  String data;

  @Option(
      names = "--labels",
      paramLabel = "SRC",
      description =
          "Label attributes of an ARFF input (XML, first:C, last:C; default: the model's).")
  String labels;

  @Option(
      names = "--part",
      paramLabel = "train|test",
      description = "Which part of a source with a train/test split (default test).")
  String part = "test";

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description = "Output JSON Lines file ('-' for standard output).")
  String out;

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "Also list the N best labels with their scores (default 0).")
  int top;

  @Option(
      names = "--rule",
      paramLabel = "R",
      description =
          "Set rule: count (sdlgm), threshold or top-k (br-mlp); default: the model's first.")
  String rule;

  @Option(names = "--batch", paramLabel = "B", description = "Rows per batch (default 500).")
  int batch = 500;

  @Option(names = "--overwrite", description = "Replace an existing output file.")
  boolean overwrite;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    if (batch < 1 || top < 0) {
      throw new SdlgmException("--batch must be ≥ 1 and --top ≥ 0");
    }
    if (labels != null && data == null) {
      throw new SdlgmException(
          "--labels goes with --data (without --data, predict tags the model's own test data "
              + "with its own labels)");
    }
    boolean stdout = out.equals("-");
    if (!stdout) {
      OutputChecks.file(Path.of(out), "--out");
      OutputChecks.notModelFile(Path.of(out), "--out");
      OutputChecks.notInput(Path.of(out), "--out", data, labels);
      if (Files.exists(Path.of(out)) && !overwrite) {
        throw new SdlgmException(out + ": exists; use --overwrite to replace it");
      }
    }
    ModelInfo<TaggerConfig, MultiLabelSchema> info = ModelDirectory.readTaggerInfo(model);
    if (!stdout && data == null) {
      OutputChecks.notInput(
          Path.of(out), "--out", info.data().plan().data(), info.data().plan().test());
    }
    SetRule r = rule == null ? info.model().setRules().get(0) : SetRule.of(rule);
    if (!info.model().setRules().contains(r)) {
      throw new SdlgmException(
          "--rule "
              + r
              + " does not apply to a "
              + info.model().method()
              + " model; use one of "
              + info.model().setRules());
    }
    MultiLabelDataset rows = rows(info);
    long t0 = System.nanoTime();
    try (Tagger tagger = ModelDirectory.loadTagger(model, info)) {
      if (stdout) {
        write(tagger, rows, r, info.data().labelNames(), System.out);
        System.out.flush();
      } else {
        AtomicFiles.write(Path.of(out), os -> write(tagger, rows, r, info.data().labelNames(), os));
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.err.println(
        String.format(
            Locale.ROOT,
            "tagged %d rows in %.2f s (%,.0f rows/s)%s",
            rows.size(),
            secs,
            rows.size() / Math.max(secs, 1e-9),
            stdout ? "" : " into " + out));
    return 0;
  }

  private void write(
      Tagger tagger,
      MultiLabelDataset rows,
      SetRule r,
      java.util.List<String> names,
      java.io.OutputStream os)
      throws java.io.IOException {
    int d = tagger.config().numFeatures();
    // Sparse rows go through the first layer's sparse product (Tagger.denseReason decides).
    FeatureTransform transform = tagger.transform();
    boolean sparse = tagger.denseReason(rows, transform) == null;
    float[] x = sparse ? null : new float[batch * d];
    int[] all = java.util.stream.IntStream.range(0, rows.size()).toArray();
    // Not closed: closing the generator would close the stream (standard output, or the
    // atomic writer's temporary file, which AtomicFiles closes itself).
    PredictionWriter w = new PredictionWriter(os, names, tagger.config().minLevel());
    for (int from = 0; from < rows.size(); from += batch) {
      int b = Math.min(batch, rows.size() - from);
      LabelPrediction[] p =
          tagger.predict(tagger.score(rows, transform, all, from, b, sparse, x), r, top);
      for (int i = 0; i < b; i++) {
        w.write(from + i, p[i], top > 0);
      }
    }
    w.finish();
  }

  private MultiLabelDataset rows(ModelInfo<TaggerConfig, MultiLabelSchema> info) {
    MultiLabelPlan plan =
        data == null
            ? info.data().plan()
            : new MultiLabelPlan(data, null, labels != null ? labels : info.data().labels(), 0, 1);
    MultiLabelTrainTest tt = plan.load();
    MultiLabelDataset rows =
        switch (part) {
          case "test" -> tt.hasTest() ? tt.test() : tt.train();
          case "train" -> tt.train();
          default -> throw new SdlgmException("--part must be train or test, got '" + part + "'");
        };
    EvalCommand.checkMultiLabel(info, rows, data == null ? plan.data() : data);
    return rows;
  }
}
