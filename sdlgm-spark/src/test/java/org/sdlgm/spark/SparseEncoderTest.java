package org.sdlgm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.SdlgmException;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.model.LevelInference;
import org.sdlgm.model.Method;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;

/**
 * SparseEncoder in local[2] against the single-process encoder ({@code sdlgm encode}'s path): same
 * levels and indices, values within 1e-5, for every accepted input type; the model is loaded once
 * per JVM; bad input fails in {@code transform}, before any job runs.
 */
class SparseEncoderTest {
  @TempDir static Path dir;
  static SparkSession spark;
  static Path model;
  static float[] x;
  static int n;
  static List<SparseCode> expected;

  @BeforeAll
  static void setUp() {
    model = TinyModels.encoder(dir);
    x = TinyModels.rows();
    n = x.length / TinyModels.D;
    try (SparseCoder coder = ModelDirectory.loadCoder(model)) {
      expected = coder.encode(x, n, 1000);
    }
    spark = TinyModels.spark();
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
    ExecutorModels.clear();
  }

  /**
   * The rows with an id, their features as {@code type} built by {@code value}, in 3 partitions.
   */
  static Dataset<Row> frame(DataType type, Function<float[], Object> value) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] r = java.util.Arrays.copyOfRange(x, i * TinyModels.D, (i + 1) * TinyModels.D);
      rows.add(RowFactory.create(i, value.apply(r)));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType).add("features", type);
    return spark.createDataFrame(rows, schema).repartition(3);
  }

  static Vector dense(float[] r) {
    double[] d = new double[r.length];
    for (int j = 0; j < r.length; j++) {
      d[j] = r[j];
    }
    return Vectors.dense(d);
  }

  static void assertMatches(Dataset<Row> input, int batch) {
    SparseEncoder enc = SparseEncoder.builder(model).batchSize(batch).build();
    assertCodes(enc.transform(input), expected);
  }

  /** {@code encoded}'s rows, by id, have the codes {@code expected}. */
  static void assertCodes(Dataset<Row> encoded, List<SparseCode> expected) {
    List<Row> out = encoded.orderBy("id").collectAsList();
    assertEquals(n, out.size());
    int maxLevel = 3;
    for (Row r : out) {
      int i = r.getInt(r.fieldIndex("id"));
      SparseCode want = expected.get(i);
      SparseVector code = (SparseVector) r.get(r.fieldIndex("code"));
      assertEquals(8, code.size());
      assertEquals(want.level(), r.getInt(r.fieldIndex("level")), "level of row " + i);
      assertArrayEquals(want.indices(), code.indices(), "indices of row " + i);
      assertTrue(code.indices().length <= maxLevel);
      for (int t = 0; t < code.indices().length; t++) {
        assertEquals(want.values()[t], code.values()[t], 1e-5, "value of row " + i);
      }
      List<Float> p = r.getList(r.fieldIndex("levelProbs"));
      assertEquals(maxLevel, p.size());
      for (int l = 0; l < maxLevel; l++) {
        assertEquals(want.levelProbs()[l], p.get(l), 1e-5);
      }
    }
  }

  @Test
  void denseVectorsMatchSingleProcessEncode() {
    assertMatches(frame(SQLDataTypes.VectorType(), SparseEncoderTest::dense), 1000);
  }

  @Test
  void sparseVectorsMatchSingleProcessEncode() {
    // Small batches too: several forward passes per partition.
    assertMatches(frame(SQLDataTypes.VectorType(), r -> dense(r).toSparse()), 7);
  }

  @Test
  void arraysMatchSingleProcessEncode() {
    assertMatches(
        frame(
            DataTypes.createArrayType(DataTypes.FloatType),
            r -> {
              Float[] b = new Float[r.length];
              for (int j = 0; j < r.length; j++) {
                b[j] = r[j];
              }
              return b;
            }),
        50);
    assertMatches(
        frame(
            DataTypes.createArrayType(DataTypes.DoubleType),
            r -> {
              Double[] b = new Double[r.length];
              for (int j = 0; j < r.length; j++) {
                b[j] = (double) r[j];
              }
              return b;
            }),
        50);
  }

  @Test
  void modelIsLoadedOncePerJvm() {
    ExecutorModels.clear();
    SparseEncoder enc = SparseEncoder.builder(model).batchSize(16).build();
    Dataset<Row> in = frame(SQLDataTypes.VectorType(), SparseEncoderTest::dense).repartition(6);
    assertEquals(n, enc.transform(in).count());
    // A second job, and a second encoder (a new broadcast of the same model), reuse it.
    assertEquals(n, enc.transform(in).collectAsList().size());
    assertEquals(n, SparseEncoder.builder(model).build().transform(in).count());
    assertEquals(1, ExecutorModels.loads());
  }

  /** The codes of the model loaded in this process with {@code mode} in its config. */
  static List<SparseCode> encodedInProcess(LevelInference mode) {
    ModelInfo<SdlgmConfig, DataSchema> info = ModelDirectory.readCoderInfo(model);
    ModelInfo<SdlgmConfig, DataSchema> withMode =
        info.withModel(info.model().toBuilder().levelInference(mode).build());
    try (SparseCoder coder = ModelDirectory.loadCoder(model, withMode)) {
      return coder.encode(x, n, 1000);
    }
  }

  @Test
  void levelInferenceOverrideReachesTheExecutors() {
    Map<LevelInference, List<SparseCode>> want = new EnumMap<>(LevelInference.class);
    for (LevelInference mode : LevelInference.values()) {
      want.put(mode, encodedInProcess(mode));
    }
    // Without rows where the modes disagree, an override that never reached the executors would
    // pass: the tiny model's barely trained level head must pick other levels than q* somewhere.
    List<SparseCode> head = want.get(LevelInference.HEAD);
    List<SparseCode> exact = want.get(LevelInference.EXACT);
    long differ =
        java.util.stream.IntStream.range(0, n)
            .filter(
                i ->
                    head.get(i).level() != exact.get(i).level()
                        || !java.util.Arrays.equals(head.get(i).indices(), exact.get(i).indices()))
            .count();
    assertTrue(differ > 0, "head and exact give the same codes on every row");

    ExecutorModels.clear();
    Dataset<Row> in = frame(SQLDataTypes.VectorType(), SparseEncoderTest::dense);
    // Head first and last: a cache keyed by the model alone would hand the first mode's coder to
    // every later job.
    for (LevelInference mode :
        List.of(
            LevelInference.HEAD,
            LevelInference.EXACT,
            LevelInference.SEARCH,
            LevelInference.HEAD)) {
      SparseEncoder enc = SparseEncoder.builder(model).levelInference(mode.id()).build();
      assertEquals(mode, enc.levelInference());
      assertCodes(enc.transform(in), want.get(mode));
    }
    assertEquals(3, ExecutorModels.loads(), "one load per mode");
    // Without an override the mode is the model's own (head for the tiny model), which shares the
    // head coder loaded above.
    SparseEncoder own = SparseEncoder.builder(model).levelInference((LevelInference) null).build();
    assertEquals(LevelInference.HEAD, own.levelInference());
    assertCodes(own.transform(in), head);
    assertEquals(3, ExecutorModels.loads());
  }

  @Test
  void levelInferenceIsCheckedOnTheDriver() {
    SparseEncoder.Builder b = SparseEncoder.builder(model);
    SdlgmException e = assertThrows(SdlgmException.class, () -> b.levelInference("fastest"));
    assertEquals(
        "levelInference: unknown level inference 'fastest'; expected one of: head, exact, search",
        e.getMessage());
    // A baseline has no level to infer: only head applies to it.
    Path topk = TinyModels.encoder(dir, "topk", Method.TOPK_AE);
    e =
        assertThrows(
            SdlgmException.class,
            () -> SparseEncoder.builder(topk).levelInference("exact").build());
    assertEquals(
        "levelInference exact does not apply to "
            + topk
            + ": exact level inference scores the levels of sdlgm's code; "
            + "topk-ae has no level to infer",
        e.getMessage());
    assertEquals(
        LevelInference.HEAD,
        SparseEncoder.builder(topk).levelInference(LevelInference.HEAD).build().levelInference());
  }

  @Test
  void badInputFailsBeforeAnyJob() {
    Dataset<Row> good = frame(SQLDataTypes.VectorType(), SparseEncoderTest::dense);
    SparseEncoder enc = SparseEncoder.builder(model).build();
    String group = "bad-input";
    spark.sparkContext().setJobGroup(group, "bad input", false);
    try {
      SdlgmException e =
          assertThrows(
              SdlgmException.class,
              () -> SparseEncoder.builder(model).inputColumn("pixels").build().transform(good));
      assertEquals(
          "input column 'pixels' not found; the dataset has columns [id, features]",
          e.getMessage());

      e =
          assertThrows(
              SdlgmException.class, () -> enc.transform(good.withColumnRenamed("id", "level")));
      assertTrue(e.getMessage().startsWith("output column 'level' already exists"), e.getMessage());

      Dataset<Row> text = good.selectExpr("id", "cast(id as string) as features");
      e = assertThrows(SdlgmException.class, () -> enc.transform(text));
      assertEquals(
          "input column 'features' has type string; expected a Spark ML vector, "
              + "array<float> or array<double>",
          e.getMessage());

      Path missing = dir.resolve("no-such-model");
      e = assertThrows(SdlgmException.class, () -> SparseEncoder.builder(missing).build());
      assertEquals(missing + ": model directory does not exist", e.getMessage());

      assertEquals(
          0,
          spark.sparkContext().statusTracker().getJobIdsForGroup(group).length,
          "no job may run for a schema or model error");
    } finally {
      spark.sparkContext().clearJobGroup();
    }
    // The size: read from the first row (a one-row job) when the column declares none.
    Dataset<Row> wide =
        spark.createDataFrame(
            List.of(RowFactory.create(0, Vectors.dense(new double[13]))),
            new StructType()
                .add("id", DataTypes.IntegerType)
                .add("features", SQLDataTypes.VectorType()));
    SdlgmException e = assertThrows(SdlgmException.class, () -> enc.transform(wide));
    assertEquals(
        "input column 'features' has size 13, but the model takes 12 features", e.getMessage());
  }

  @Test
  void declaredSizeIsCheckedWithoutReadingRows() {
    Dataset<Row> good = frame(SQLDataTypes.VectorType(), SparseEncoderTest::dense);
    org.apache.spark.ml.attribute.AttributeGroup g =
        new org.apache.spark.ml.attribute.AttributeGroup("features", 20);
    Dataset<Row> declared =
        good.withColumn("features", good.col("features").as("features", g.toMetadata()));
    spark.sparkContext().setJobGroup("declared", "declared size", false);
    try {
      SdlgmException e =
          assertThrows(
              SdlgmException.class, () -> SparseEncoder.builder(model).build().transform(declared));
      assertEquals(
          "input column 'features' declares size 20, but the model takes 12 features",
          e.getMessage());
      assertEquals(0, spark.sparkContext().statusTracker().getJobIdsForGroup("declared").length);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  @Test
  void aLaterRowOfAnotherSizeFailsItsTaskWithTheMessage() {
    List<Row> rows =
        List.of(
            RowFactory.create(0, Vectors.dense(new double[12])),
            RowFactory.create(1, Vectors.dense(new double[5])));
    Dataset<Row> in =
        spark.createDataFrame(
            rows,
            new StructType()
                .add("id", DataTypes.IntegerType)
                .add("features", SQLDataTypes.VectorType()));
    Exception e =
        assertThrows(
            Exception.class,
            () -> SparseEncoder.builder(model).build().transform(in).collectAsList());
    assertTrue(
        String.valueOf(e.getMessage())
            .contains("input column 'features': a row has size 5, but the model takes 12 features"),
        e.getMessage());
  }
}
