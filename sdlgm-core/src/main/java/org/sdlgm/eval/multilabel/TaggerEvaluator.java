package org.sdlgm.eval.multilabel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sdlgm.data.multilabel.FeatureRows;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.eval.ModelEvaluator;
import org.sdlgm.model.multilabel.LabelPrediction;
import org.sdlgm.model.multilabel.SetRule;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;

/**
 * Scores a trained {@link Tagger} on a labelled data set: one pass over the rows in batches, and
 * one {@link MultiLabelEvaluation} per set rule the model reports (the count rule for sdlgm, top-L0
 * for sdlgm-fixed, threshold and top-k for br-mlp). Rankings for P@k and nDCG@k always come from
 * the model's ranking keys, the logits α ({@link Tagger.Scores#rankKeys()}: for br-mlp not its
 * float32 probabilities, which tie where they saturate). The {@link ModelEvaluator} of the
 * multi-label task: it reads the raw rows through the model's own fitted {@link
 * Tagger#transform()}.
 */
public final class TaggerEvaluator
    implements ModelEvaluator<Tagger, MultiLabelDataset, Map<SetRule, MultiLabelEvaluation>> {
  private final int batchSize;

  /** An evaluator that scores rows in batches of {@code batchSize}. */
  public TaggerEvaluator(int batchSize) {
    if (batchSize < 1) {
      throw new org.sdlgm.SdlgmException("batch size must be ≥ 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /**
   * Evaluates every rule of the model's {@code config.setRules()} on {@code data} (raw rows: the
   * model's transform is applied here); keys keep that order.
   */
  @Override
  public Map<SetRule, MultiLabelEvaluation> evaluate(Tagger tagger, MultiLabelDataset data) {
    return evaluate(tagger, data, tagger.transform(), batchSize, tagger.config().setRules());
  }

  /**
   * Evaluates the given rules in one pass over the data, read through {@code features} (the
   * trainer's validation reads them as it trains).
   */
  public static Map<SetRule, MultiLabelEvaluation> evaluate(
      Tagger tagger,
      MultiLabelDataset data,
      FeatureRows features,
      int batchSize,
      List<SetRule> rules) {
    TaggerConfig c = tagger.config();
    if (data.numFeatures() != c.numFeatures() || data.numLabels() != c.numLabels()) {
      throw new org.sdlgm.SdlgmException(
          data.name()
              + ": "
              + data.numFeatures()
              + " features and "
              + data.numLabels()
              + " labels, but the model expects "
              + c.numFeatures()
              + " and "
              + c.numLabels());
    }
    List<MultiLabelMetrics.Accumulator> acc = new ArrayList<>();
    for (SetRule r : rules) {
      acc.add(
          r == SetRule.COUNT
              ? new MultiLabelMetrics.Accumulator(c.numLabels(), c.minLevel(), c.maxLevel())
              : new MultiLabelMetrics.Accumulator(c.numLabels(), 0, c.numLabels()));
    }
    int n = data.size();
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    int d = c.numFeatures();
    int labels = c.numLabels();
    boolean sparse = tagger.denseReason(data, features) == null;
    float[] x = sparse ? null : new float[batchSize * d];
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      Tagger.Scores s = tagger.score(data, features, all, from, b, sparse, x);
      LabelPrediction[][] p = new LabelPrediction[rules.size()][];
      for (int r = 0; r < rules.size(); r++) {
        p[r] = tagger.predict(s, rules.get(r), 0);
      }
      float[] row = new float[labels];
      for (int i = 0; i < b; i++) {
        System.arraycopy(s.rankKeys(), i * labels, row, 0, labels);
        int[] truth = data.labels(from + i);
        for (int r = 0; r < rules.size(); r++) {
          acc.get(r).add(truth, p[r][i].labels(), row, p[r][i].level());
        }
      }
    }
    Map<SetRule, MultiLabelEvaluation> out = new LinkedHashMap<>();
    for (int r = 0; r < rules.size(); r++) {
      out.put(rules.get(r), acc.get(r).result());
    }
    return out;
  }
}
