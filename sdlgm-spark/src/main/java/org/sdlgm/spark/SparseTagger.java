package org.sdlgm.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.MultiLabelSchema;
import org.sdlgm.model.multilabel.LabelPrediction;
import org.sdlgm.model.multilabel.SetRule;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;

/**
 * Tags a Spark Dataset with a multi-label sdlgm model: {@link #transform} adds {@code level} (int,
 * the predicted set size L̂), {@code labels} ({@code array<string>}, the predicted label names,
 * best first), {@code scores} ({@code array<float>}, their scores) and {@code levelProbs} ({@code
 * array<float>}, q(L | x) over L_min..L0; null for models without a count head), each row's result
 * equal to {@code sdlgm predict}'s: the model's fitted feature preprocessing ({@code
 * features.json}) is applied to the row's non-zeros, then the set rule. Shipping, loading and
 * checks are those of {@link SparseEncoder}.
 */
public final class SparseTagger {
  private final ShippedModel model;
  private final ModelInfo<TaggerConfig, MultiLabelSchema> info;
  private final SetRule rule;
  private final String inputColumn;
  private final int batchSize;
  private final String levelColumn;
  private final String labelsColumn;
  private final String scoresColumn;
  private final String levelProbsColumn;
  private final boolean checkFirstRow;

  private SparseTagger(Builder b) {
    this.model = new ShippedModel(b.model, ModelBundle.Kind.TAGGER);
    this.info = ModelDirectory.readTaggerInfo(b.model);
    this.rule = b.rule == null ? info.model().setRules().get(0) : SetRule.of(b.rule);
    if (!info.model().setRules().contains(rule)) {
      throw new SdlgmException(
          "set rule "
              + rule
              + " does not apply to a "
              + info.model().method()
              + " model; use one of "
              + info.model().setRules());
    }
    this.inputColumn = b.inputColumn;
    this.batchSize = b.batchSize;
    this.levelColumn = b.levelColumn;
    this.labelsColumn = b.labelsColumn;
    this.scoresColumn = b.scoresColumn;
    this.levelProbsColumn = b.levelProbsColumn;
    this.checkFirstRow = b.checkFirstRow;
  }

  /**
   * A builder for the model directory {@code model} (written by {@code sdlgm train --task
   * multilabel}).
   */
  public static Builder builder(Path model) {
    return new Builder(model);
  }

  /** The number of features D the model takes. */
  public int inputDim() {
    return info.model().numFeatures();
  }

  /** The set rule in use. */
  public SetRule rule() {
    return rule;
  }

  /** The schema {@link #transform} produces from {@code input}. */
  public StructType outputSchema(StructType input) {
    return input
        .add(levelColumn, DataTypes.IntegerType, false)
        .add(labelsColumn, DataTypes.createArrayType(DataTypes.StringType, false), false)
        .add(scoresColumn, DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add(levelProbsColumn, DataTypes.createArrayType(DataTypes.FloatType, false), true);
  }

  /**
   * {@code data} with the prediction columns added (lazily).
   *
   * @throws SdlgmException when the input column is missing, of another type or size than the model
   *     takes, or an output column exists already
   */
  public Dataset<Row> transform(Dataset<Row> data) {
    FeatureColumn col =
        FeatureColumn.check(
            data,
            inputColumn,
            inputDim(),
            checkFirstRow,
            List.of(levelColumn, labelsColumn, scoresColumn, levelProbsColumn));
    Broadcast<ModelBundle> shipped = model.on(data.sparkSession().sparkContext());
    return data.mapPartitions(
        new Tag(shipped, model.fingerprint(), col, batchSize, rule, inputDim()),
        Encoders.row(outputSchema(data.schema())));
  }

  /** The per-partition work; serialised to the executors with the broadcast handle. */
  private static final class Tag implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ModelBundle> bundle;
    private final String fingerprint;
    private final FeatureColumn col;
    private final int batch;
    private final SetRule rule;
    private final int d;

    Tag(
        Broadcast<ModelBundle> bundle,
        String fingerprint,
        FeatureColumn col,
        int batch,
        SetRule rule,
        int d) {
      this.bundle = bundle;
      this.fingerprint = fingerprint;
      this.col = col;
      this.batch = batch;
      this.rule = rule;
      this.d = d;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      if (!rows.hasNext()) {
        return rows;
      }
      ExecutorModels.LoadedTagger m =
          ExecutorModels.tagger(fingerprint, bundle, ShippedModel.taskCpus());
      Tagger tagger = m.tagger();
      List<String> names = m.info().data().labelNames();
      float[] x = new float[batch * d];
      FeatureColumn.Csr csr = new FeatureColumn.Csr();
      return Batches.map(
          rows,
          batch,
          in -> {
            int n = in.size();
            csr.clear();
            for (Row r : in) {
              col.sparse(r, csr);
            }
            // The rows as predict reads them (sparse, no labels), so the fitted transform applies
            // exactly as there.
            MultiLabelDataset ds =
                new MultiLabelDataset(
                    "batch",
                    d,
                    List.of(),
                    List.of(),
                    java.util.Arrays.copyOf(csr.rowPtr, n + 1),
                    java.util.Arrays.copyOf(csr.idx, csr.nnz),
                    java.util.Arrays.copyOf(csr.val, csr.nnz),
                    new int[n + 1],
                    new int[0]);
            m.tagger().transform().denseRows(ds, 0, n, x);
            LabelPrediction[] p = tagger.predict(tagger.score(x, n), rule, 0);
            List<Row> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
              String[] labels = new String[p[i].labels().length];
              for (int t = 0; t < labels.length; t++) {
                labels[t] = names.get(p[i].labels()[t]);
              }
              out.add(
                  Batches.extend(
                      in.get(i),
                      p[i].level(),
                      labels,
                      ShippedModel.boxed(p[i].scores()),
                      p[i].levelProbs() == null ? null : ShippedModel.boxed(p[i].levelProbs())));
            }
            return out;
          });
    }
  }

  /** Options of a {@link SparseTagger}; {@link #build} reads and checks the model directory. */
  public static final class Builder {
    private final Path model;
    private String inputColumn = "features";
    private int batchSize = 500;
    private String rule;
    private String levelColumn = "level";
    private String labelsColumn = "labels";
    private String scoresColumn = "scores";
    private String levelProbsColumn = "levelProbs";
    private boolean checkFirstRow = true;

    private Builder(Path model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    /** The features column (default {@code features}). */
    public Builder inputColumn(String c) {
      inputColumn = ShippedModel.columnName(c, "input");
      return this;
    }

    /** Rows per forward pass (default 500, as {@code sdlgm predict}). */
    public Builder batchSize(int b) {
      batchSize = ShippedModel.batchSize(b);
      return this;
    }

    /** Set rule: count, threshold or top-k (default: the model's first, as {@code predict}). */
    public Builder rule(String r) {
      rule = r;
      return this;
    }

    public Builder levelColumn(String c) {
      levelColumn = ShippedModel.columnName(c, "level");
      return this;
    }

    public Builder labelsColumn(String c) {
      labelsColumn = ShippedModel.columnName(c, "labels");
      return this;
    }

    public Builder scoresColumn(String c) {
      scoresColumn = ShippedModel.columnName(c, "scores");
      return this;
    }

    public Builder levelProbsColumn(String c) {
      levelProbsColumn = ShippedModel.columnName(c, "levelProbs");
      return this;
    }

    /** As {@link SparseEncoder.Builder#checkFirstRow}. */
    public Builder checkFirstRow(boolean v) {
      checkFirstRow = v;
      return this;
    }

    /**
     * The tagger, with the model directory read and checked on the driver.
     *
     * @throws SdlgmException when the model directory does not exist, is not a multi-label sdlgm
     *     model, lacks a file it needs, or the set rule does not apply to it
     */
    public SparseTagger build() {
      return new SparseTagger(this);
    }
  }
}
