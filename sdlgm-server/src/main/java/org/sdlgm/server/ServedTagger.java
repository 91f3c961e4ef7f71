package org.sdlgm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.MultiLabelSchema;
import org.sdlgm.model.multilabel.LabelPrediction;
import org.sdlgm.model.multilabel.SetRule;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;

/**
 * A multi-label model served: raw feature rows in, transformed by the model's fitted feature
 * preprocessing exactly as {@code sdlgm predict} does (the rows become a sparse data set that the
 * {@link FeatureTransform} densifies), label sets out under the model's first set rule, with an
 * optional top-N ranking beyond the set.
 */
final class ServedTagger implements ServedModel {
  /** One request's rows and how many ranked labels it wants (0: none). */
  record Job(Rows rows, int top) {}

  private final Path dir;
  private final ModelInfo<TaggerConfig, MultiLabelSchema> info;
  private final Tagger tagger;
  private final SetRule rule;

  private ServedTagger(Path dir, ModelInfo<TaggerConfig, MultiLabelSchema> info, Tagger tagger) {
    this.dir = dir;
    this.info = info;
    this.tagger = tagger;
    this.rule = info.model().setRules().get(0);
  }

  static ServedTagger load(Path dir) {
    ModelInfo<TaggerConfig, MultiLabelSchema> info = ModelDirectory.readTaggerInfo(dir);
    return new ServedTagger(dir, info, ModelDirectory.loadTagger(dir, info));
  }

  ModelInfo<TaggerConfig, MultiLabelSchema> info() {
    return info;
  }

  List<String> labelNames() {
    return info.data().labelNames();
  }

  int minLevel() {
    return tagger.config().minLevel();
  }

  @Override
  public String kind() {
    return "tagger";
  }

  @Override
  public int inputDim() {
    return info.model().numFeatures();
  }

  /**
   * Predictions for the jobs of one micro-batch: their rows, one after another, as one sparse data
   * set, densified by the feature transform and scored in chunks of at most {@code chunkRows} rows
   * ({@link Rows#chunkRows}; one forward pass per chunk), so that a pass needs memory for one dense
   * chunk whatever its requests hold. A row whose scores are not finite (values too large for the
   * network) gets null: its prediction would be NaN, and NaN scores do not rank.
   */
  List<LabelPrediction[]> run(List<Job> jobs, int chunkRows) {
    int d = inputDim();
    int total = 0;
    int nnz = 0;
    int top = 0;
    for (Job j : jobs) {
      total += j.rows().size();
      nnz += j.rows().indices().length;
      top = Math.max(top, j.top());
    }
    int[] ptr = new int[total + 1];
    int[] idx = new int[nnz];
    float[] val = new float[nnz];
    int r = 0;
    int at = 0;
    for (Job j : jobs) {
      Rows rows = j.rows();
      System.arraycopy(rows.indices(), 0, idx, at, rows.indices().length);
      System.arraycopy(rows.values(), 0, val, at, rows.values().length);
      for (int i = 0; i < rows.size(); i++) {
        ptr[r + 1] = at + rows.rowPtr()[i + 1];
        r++;
      }
      at += rows.indices().length;
    }
    MultiLabelDataset ds =
        new MultiLabelDataset(
            "request", d, List.of(), labelNames(), ptr, idx, val, new int[total + 1], new int[0]);
    int c = tagger.config().numLabels();
    int nl = tagger.config().numLevels();
    LabelPrediction[] all = new LabelPrediction[total];
    float[] x = new float[Math.multiplyExact(Math.min(total, chunkRows), d)];
    for (int from = 0; from < total; from += chunkRows) {
      int b = Math.min(chunkRows, total - from);
      tagger.transform().denseRows(ds, from, b, x);
      Tagger.Scores scores = tagger.score(x, b);
      LabelPrediction[] p = tagger.predict(scores, rule, top);
      for (int i = 0; i < b; i++) {
        boolean ok =
            ServedModel.allFinite(scores.labels(), i * c, c)
                && (scores.levels() == null || ServedModel.allFinite(scores.levels(), i * nl, nl));
        all[from + i] = ok ? p[i] : null;
      }
    }
    List<LabelPrediction[]> out = new ArrayList<>(jobs.size());
    int from = 0;
    for (Job j : jobs) {
      LabelPrediction[] mine = new LabelPrediction[j.rows().size()];
      for (int i = 0; i < mine.length; i++) {
        mine[i] = all[from + i] == null ? null : trimmed(all[from + i], j.top());
      }
      out.add(mine);
      from += mine.length;
    }
    return out;
  }

  /**
   * The prediction as a pass asked only for {@code top} ranked labels would give it: the ranking is
   * the best max(L̂, top) labels, so a shorter request sees a prefix.
   */
  private static LabelPrediction trimmed(LabelPrediction p, int top) {
    int keep = Math.min(p.ranked().length, Math.max(p.level(), top));
    if (keep == p.ranked().length) {
      return p;
    }
    return new LabelPrediction(
        p.level(),
        p.labels(),
        p.scores(),
        Arrays.copyOf(p.ranked(), keep),
        Arrays.copyOf(p.rankedScores(), keep),
        p.levelProbs());
  }

  @Override
  public ObjectNode describe() {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("kind", kind());
    n.put("directory", dir.toAbsolutePath().normalize().toString());
    n.put("method", info.model().method().id());
    n.put("inputDim", inputDim());
    n.put("numLabels", info.model().numLabels());
    n.put("maxLevel", info.model().maxLevel());
    n.put("minLevel", minLevel());
    n.put("setRule", rule.id());
    n.putNull("image");
    n.set("labelNames", Json.MAPPER.valueToTree(labelNames()));
    n.set("config", Json.MAPPER.valueToTree(info));
    n.set("metrics", ServedCoder.metrics(dir));
    return n;
  }

  @Override
  public void close() {
    tagger.close();
  }
}
