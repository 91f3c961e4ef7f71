package org.sdlgm.report;

import java.nio.file.Path;
import java.util.List;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.MultiLabelTrainTest;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.MultiLabelSchema;
import org.sdlgm.model.multilabel.LabelPrediction;
import org.sdlgm.model.multilabel.SetRule;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;

/**
 * Everything a section of a multi-label model's report may draw on, loaded once: what every {@link
 * RunContext} holds, and the predictions of the model under its first set rule for the first {@link
 * ReportOptions#rows} test rows (with their true label sets).
 *
 * <p>As for unsupervised runs, loading degrades rather than fails: when the data or the model
 * cannot be loaded, {@link #hasPredictions()} is false and a note says why, so the page still shows
 * what {@code config.json}, {@code history.csv} and {@code metrics.json} hold. Without a test part
 * the first training rows stand in. The model is closed once the rows are scored, so closing the
 * context releases nothing.
 */
public final class TaggerReportContext extends RunContext<TaggerConfig, MultiLabelSchema> {
  private final SetRule rule;
  private MultiLabelDataset examples;
  private LabelPrediction[] predictions;

  private TaggerReportContext(
      Path modelDir, ReportOptions options, ModelInfo<TaggerConfig, MultiLabelSchema> info) {
    super(modelDir, options, info);
    this.rule = info.model().setRules().get(0);
  }

  /**
   * Reads the multi-label model directory, loads the data its {@code config.json} names and scores
   * the first {@code options.rows()} test rows. Fails only when {@code config.json} itself is
   * missing, unreadable or not of the multi-label format.
   */
  public static TaggerReportContext open(Path modelDir, ReportOptions options) {
    ModelInfo<TaggerConfig, MultiLabelSchema> info = ModelDirectory.readTaggerInfo(modelDir);
    TaggerReportContext ctx = new TaggerReportContext(modelDir, options, info);
    ctx.loadAndPredict();
    return ctx;
  }

  private void loadAndPredict() {
    ModelInfo<TaggerConfig, MultiLabelSchema> info = info();
    MultiLabelTrainTest tt;
    try {
      tt = info.data().plan().load();
    } catch (SdlgmException | java.io.UncheckedIOException e) {
      note(
          "The data of this run ("
              + info.data().spec()
              + ") could not be loaded, so "
              + "figures that need predictions are left out: "
              + e.getMessage());
      return;
    }
    MultiLabelDataset source = tt.test();
    if (source == null) {
      source = tt.train();
      part = "training";
      note("The run has no test part; the figures use the first training rows.");
    }
    TaggerConfig m = info.model();
    if (source.numFeatures() != m.numFeatures() || source.numLabels() != m.numLabels()) {
      note(
          "The data has "
              + source.numFeatures()
              + " features and "
              + source.numLabels()
              + " labels but the model expects "
              + m.numFeatures()
              + " and "
              + m.numLabels()
              + "; figures that need predictions are left out.");
      return;
    }
    int n = Math.min(options().rows(), source.size());
    Tagger tagger;
    try {
      tagger = ModelDirectory.loadTagger(modelDir(), info);
    } catch (SdlgmException e) {
      note(
          "The model could not be loaded, so figures that need predictions are left out: "
              + e.getMessage());
      return;
    }
    // Score in batches through the model's own feature preprocessing, as 'sdlgm predict' does.
    LabelPrediction[] out = new LabelPrediction[n];
    try (tagger) {
      int batch = Math.max(1, Math.min(options().batchSize(), Math.max(n, 1)));
      float[] x = new float[batch * m.numFeatures()];
      for (int from = 0; from < n; from += batch) {
        int b = Math.min(batch, n - from);
        tagger.transform().denseRows(source, from, b, x);
        LabelPrediction[] p = tagger.predict(tagger.score(x, b), rule, 0);
        System.arraycopy(p, 0, out, from, b);
      }
    }
    partSize = source.size();
    examples = source;
    predictions = out;
  }

  /** The set rule the predictions were made with: the model's first ({@code count} for sdlgm). */
  public SetRule rule() {
    return rule;
  }

  /** Whether rows were loaded and scored. */
  public boolean hasPredictions() {
    return predictions != null;
  }

  /**
   * The part the rows come from (all of it; only the first {@link #size()} were scored), or null.
   */
  public MultiLabelDataset examples() {
    return examples;
  }

  /** Number of scored rows (0 without predictions). */
  public int size() {
    return predictions == null ? 0 : predictions.length;
  }

  /** The prediction of scored row {@code i}. */
  public LabelPrediction prediction(int i) {
    return predictions[i];
  }

  /** The true labels of scored row {@code i} (0-based indices). */
  public int[] truth(int i) {
    return examples.labels(i);
  }

  /** The name of label {@code j} as {@code config.json} records it. */
  public String labelName(int j) {
    List<String> names = info().data().labelNames();
    return j >= 0 && j < names.size() ? names.get(j) : "#" + j;
  }

  @Override
  protected int examplesShown() {
    return size();
  }

  @Override
  public String describe() {
    TaggerConfig m = config();
    return m.method().id() + ", multi-label, " + m.numLabels() + " labels, L0 = " + m.maxLevel();
  }

  @Override
  public String dataSpec() {
    return info().data().spec();
  }

  @Override
  public void close() {
    // The model is closed right after scoring; nothing native is held here.
  }
}
