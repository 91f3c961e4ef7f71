package org.sdlgm.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sdlgm.SdlgmException;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.model.LevelInference;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;

/**
 * Encodes a Spark Dataset with an unsupervised sdlgm model: {@link #transform} adds the columns
 * {@code level} (int, L̂), {@code code} (a Spark ML {@code SparseVector} of size K with at most L0
 * non-zeros) and {@code levelProbs} ({@code array<float>}, q(L | x) over 1..L0; null for models
 * without a count head), each row's result equal to {@code sdlgm encode}'s (the same input scaling,
 * the same deterministic code). The model directory is read and checked on the driver, broadcast
 * once, and loaded once per executor JVM ({@link ExecutorModels}); rows are encoded in mini-batches
 * inside {@code mapPartitions}. The input column and model are checked when {@code transform} is
 * called, before any task runs.
 *
 * <p>How each code's level is chosen is the model's own {@code levelInference} unless {@link
 * Builder#levelInference(String)} overrides it, as {@code sdlgm encode --level-inference} does:
 * only encoding reads the mode, so the same parameters serve under each.
 *
 * <pre>{@code
 * Dataset<Row> codes = SparseEncoder.builder(Path.of("runs/fmnist"))
 *     .inputColumn("features").batchSize(1000).levelInference("head").build()
 *     .transform(images);
 * }</pre>
 */
public final class SparseEncoder {
  private final ShippedModel model;
  private final ModelInfo<SdlgmConfig, DataSchema> info;
  private final String inputColumn;
  private final int batchSize;
  private final String levelColumn;
  private final String codeColumn;
  private final String levelProbsColumn;
  private final boolean checkFirstRow;

  private SparseEncoder(Builder b) {
    this.model = new ShippedModel(b.model, ModelBundle.Kind.ENCODER);
    this.info =
        withLevelInference(
            ModelDirectory.readCoderInfo(b.model),
            b.levelInference,
            b.levelInferenceOption,
            b.model);
    this.inputColumn = b.inputColumn;
    this.batchSize = b.batchSize;
    this.levelColumn = b.levelColumn;
    this.codeColumn = b.codeColumn;
    this.levelProbsColumn = b.levelProbsColumn;
    this.checkFirstRow = b.checkFirstRow;
  }

  /** A builder for the model directory {@code model} (written by {@code sdlgm train}). */
  public static Builder builder(Path model) {
    return new Builder(model);
  }

  /**
   * {@code info} encoding with {@code inference} ({@code info} itself when null or the model's
   * own), checked on the driver by the config's own rules so that a mode the method cannot use
   * fails here rather than in every task.
   */
  private static ModelInfo<SdlgmConfig, DataSchema> withLevelInference(
      ModelInfo<SdlgmConfig, DataSchema> info,
      LevelInference inference,
      String option,
      Path model) {
    if (inference == null) {
      return info;
    }
    try {
      return info.withModel(info.model().withLevelInference(inference));
    } catch (SdlgmException e) {
      throw new SdlgmException(
          option + " " + inference + " does not apply to " + model + ": " + e.getMessage(), e);
    }
  }

  /** How this encoder chooses each code's level: the override, else the model's own mode. */
  public LevelInference levelInference() {
    return info.model().levelInference();
  }

  /**
   * What to tell the user when this encoder reads a model trained at the cap from its level head:
   * such codes have about L0 non-zeros, not the budget ({@link SdlgmConfig#headAtCapNote}); empty
   * otherwise. The encoder prints nothing itself, so the driver decides where the note goes.
   */
  public java.util.Optional<String> headAtCapNote() {
    return info.model().headAtCapNote();
  }

  /** The number of features D the model takes. */
  public int inputDim() {
    return info.model().inputDim();
  }

  /** The code width K. */
  public int latentDim() {
    return info.model().latentDim();
  }

  /** The schema {@link #transform} produces from {@code input}. */
  public StructType outputSchema(StructType input) {
    return input
        .add(levelColumn, DataTypes.IntegerType, false)
        .add(codeColumn, SQLDataTypes.VectorType(), false)
        .add(levelProbsColumn, DataTypes.createArrayType(DataTypes.FloatType, false), true);
  }

  /**
   * {@code data} with the code columns added (lazily: nothing runs until an action).
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
            List.of(levelColumn, codeColumn, levelProbsColumn));
    Broadcast<ModelBundle> shipped = model.on(data.sparkSession().sparkContext());
    StructType out = outputSchema(data.schema());
    return data.mapPartitions(
        new Encode(
            shipped,
            model.fingerprint(),
            levelInference(),
            col,
            batchSize,
            latentDim(),
            inputDim()),
        Encoders.row(out));
  }

  /** The per-partition work; serialised to the executors with the broadcast handle. */
  private static final class Encode implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ModelBundle> bundle;
    private final String fingerprint;
    private final LevelInference inference;
    private final FeatureColumn col;
    private final int batch;
    private final int k;
    private final int d;

    Encode(
        Broadcast<ModelBundle> bundle,
        String fingerprint,
        LevelInference inference,
        FeatureColumn col,
        int batch,
        int k,
        int d) {
      this.bundle = bundle;
      this.fingerprint = fingerprint;
      this.inference = inference;
      this.col = col;
      this.batch = batch;
      this.k = k;
      this.d = d;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      if (!rows.hasNext()) {
        return rows;
      }
      // The broadcast carries the model's own config.json; the mode resolved on the driver travels
      // with the function, so the executors encode as the driver checked.
      SparseCoder coder =
          ExecutorModels.coder(fingerprint, inference, bundle, ShippedModel.taskCpus());
      float[] x = new float[batch * d];
      return Batches.map(
          rows,
          batch,
          in -> {
            int n = in.size();
            for (int i = 0; i < n; i++) {
              col.dense(in.get(i), x, i * d);
            }
            List<SparseCode> codes = coder.encode(x, n, batch);
            List<Row> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
              SparseCode c = codes.get(i);
              double[] v = new double[c.nnz()];
              for (int t = 0; t < v.length; t++) {
                v[t] = c.values()[t];
              }
              out.add(
                  Batches.extend(
                      in.get(i),
                      c.level(),
                      Vectors.sparse(k, c.indices(), v),
                      c.levelProbs() == null ? null : ShippedModel.boxed(c.levelProbs())));
            }
            return out;
          });
    }
  }

  /** Options of a {@link SparseEncoder}; {@link #build} reads and checks the model directory. */
  public static final class Builder {
    private final Path model;
    private String inputColumn = "features";
    private int batchSize = 1000;
    private String levelColumn = "level";
    private String codeColumn = "code";
    private String levelProbsColumn = "levelProbs";
    private boolean checkFirstRow = true;
    private LevelInference levelInference;
    private String levelInferenceOption = "levelInference";

    private Builder(Path model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    /** The features column (default {@code features}). */
    public Builder inputColumn(String c) {
      inputColumn = ShippedModel.columnName(c, "input");
      return this;
    }

    /** Rows per forward pass (default 1000, as {@code sdlgm encode}). */
    public Builder batchSize(int b) {
      batchSize = ShippedModel.batchSize(b);
      return this;
    }

    public Builder levelColumn(String c) {
      levelColumn = ShippedModel.columnName(c, "level");
      return this;
    }

    public Builder codeColumn(String c) {
      codeColumn = ShippedModel.columnName(c, "code");
      return this;
    }

    public Builder levelProbsColumn(String c) {
      levelProbsColumn = ShippedModel.columnName(c, "levelProbs");
      return this;
    }

    /**
     * Whether {@code transform} reads the first row to check the vector size when the column
     * declares none in its metadata (default true; a one-row job). Without it, a row of the wrong
     * size fails its task instead.
     */
    public Builder checkFirstRow(boolean v) {
      checkFirstRow = v;
      return this;
    }

    /**
     * How each code's level is chosen, overriding the model's own {@code levelInference} from its
     * {@code config.json} (default: the model's own; null restores it): {@code exact} scores every
     * level with the decoder (L0 decoder passes per row), {@code search} scores about three levels
     * around the level head's mode, {@code head} reads the level head alone (no decoder pass; the
     * fastest, at a slightly worse reconstruction). The parameters are the same under each mode. A
     * mode other than {@code head} for a model without levels (topk-ae and the other baselines)
     * fails in {@link #build}.
     *
     * @throws SdlgmException when {@code v} is none of {@code head}, {@code exact}, {@code search}
     */
    public Builder levelInference(String v) {
      return levelInference(v, "levelInference");
    }

    /** As {@link #levelInference(String)}, given as the enum. */
    public Builder levelInference(LevelInference v) {
      levelInference = v;
      levelInferenceOption = "levelInference";
      return this;
    }

    /** As {@link #levelInference(String)}, its errors naming the option {@code option}. */
    Builder levelInference(String v, String option) {
      try {
        levelInference = v == null ? null : LevelInference.of(v);
      } catch (SdlgmException e) {
        throw new SdlgmException(option + ": " + e.getMessage(), e);
      }
      levelInferenceOption = option;
      return this;
    }

    /**
     * The encoder, with the model directory read and checked on the driver.
     *
     * @throws SdlgmException when the model directory does not exist, is not an unsupervised sdlgm
     *     model, or lacks a file it needs, or when the level inference override does not apply to
     *     the model's method
     */
    public SparseEncoder build() {
      return new SparseEncoder(this);
    }
  }
}
