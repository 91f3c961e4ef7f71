package org.sdlgm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.ml.linalg.SQLDataTypes;
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
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.MultiLabelSchema;
import org.sdlgm.model.multilabel.LabelPrediction;
import org.sdlgm.model.multilabel.SetRule;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;

/**
 * SparseTagger in local[2] against the single-process path of {@code sdlgm predict} (fitted feature
 * transform, scores, set rule) on the same rows, as sparse vectors, dense vectors and arrays.
 */
class SparseTaggerTest {
  @TempDir static Path dir;
  static SparkSession spark;
  static Path model;
  static MultiLabelDataset rows;
  static LabelPrediction[] expected;
  static List<String> names;

  @BeforeAll
  static void setUp() {
    model = TinyModels.tagger(dir);
    rows = new MultiLabelPlan(TinyModels.MULTI_LABEL, null, null, 0, 1).load().test();
    ModelInfo<TaggerConfig, MultiLabelSchema> info = ModelDirectory.readTaggerInfo(model);
    names = info.data().labelNames();
    FeatureTransform transform = ModelDirectory.readTransform(model, info);
    try (Tagger tagger = ModelDirectory.loadTagger(model, info)) {
      int d = tagger.config().numFeatures();
      float[] x = new float[rows.size() * d];
      transform.denseRows(rows, 0, rows.size(), x);
      expected = tagger.predict(tagger.score(x, rows.size()), info.model().setRules().get(0), 0);
    }
    spark = TinyModels.spark();
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
    ExecutorModels.clear();
  }

  static Dataset<Row> frame(DataType type, Function<Integer, Object> value) {
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      list.add(RowFactory.create(i, value.apply(i)));
    }
    return spark
        .createDataFrame(
            list, new StructType().add("id", DataTypes.IntegerType).add("features", type))
        .repartition(3);
  }

  static double[] denseRow(int i) {
    double[] d = new double[rows.numFeatures()];
    int[] idx = rows.featureIndices(i);
    float[] val = rows.featureValues(i);
    for (int t = 0; t < idx.length; t++) {
      d[idx[t]] = val[t];
    }
    return d;
  }

  static void assertMatches(Dataset<Row> input, int batch) {
    SparseTagger tagger = SparseTagger.builder(model).batchSize(batch).build();
    assertEquals(SetRule.COUNT, tagger.rule());
    List<Row> out = tagger.transform(input).orderBy("id").collectAsList();
    assertEquals(rows.size(), out.size());
    for (Row r : out) {
      int i = r.getInt(r.fieldIndex("id"));
      LabelPrediction want = expected[i];
      assertEquals(want.level(), r.getInt(r.fieldIndex("level")), "level of row " + i);
      List<String> labels = r.getList(r.fieldIndex("labels"));
      List<String> wantLabels = new ArrayList<>();
      for (int l : want.labels()) {
        wantLabels.add(names.get(l));
      }
      assertEquals(wantLabels, labels, "labels of row " + i);
      List<Float> scores = r.getList(r.fieldIndex("scores"));
      for (int t = 0; t < labels.size(); t++) {
        assertEquals(want.scores()[t], scores.get(t), 1e-5);
      }
      List<Float> p = r.getList(r.fieldIndex("levelProbs"));
      float[] got = new float[p.size()];
      for (int l = 0; l < got.length; l++) {
        got[l] = p.get(l);
      }
      assertArrayEquals(want.levelProbs(), got, 1e-5f);
    }
  }

  @Test
  void sparseVectorsMatchSingleProcessPredict() {
    assertMatches(
        frame(
            SQLDataTypes.VectorType(),
            i ->
                Vectors.sparse(
                    rows.numFeatures(), rows.featureIndices(i), toDouble(rows.featureValues(i)))),
        500);
  }

  @Test
  void denseVectorsAndArraysMatchSingleProcessPredict() {
    assertMatches(frame(SQLDataTypes.VectorType(), i -> Vectors.dense(denseRow(i))), 9);
    assertMatches(
        frame(
            DataTypes.createArrayType(DataTypes.DoubleType),
            i -> {
              double[] d = denseRow(i);
              Double[] b = new Double[d.length];
              for (int j = 0; j < d.length; j++) {
                b[j] = d[j];
              }
              return b;
            }),
        40);
  }

  @Test
  void badInputFailsBeforeAnyJob() {
    spark.sparkContext().setJobGroup("tagger-bad", "bad input", false);
    try {
      SdlgmException e =
          assertThrows(SdlgmException.class, () -> SparseEncoder.builder(model).build());
      assertEquals(model + ": is a multi-label model; use SparseTagger with it", e.getMessage());
      e =
          assertThrows(
              SdlgmException.class, () -> SparseTagger.builder(model).rule("top-k").build());
      assertTrue(e.getMessage().startsWith("set rule top-k does not apply"), e.getMessage());
      Dataset<Row> narrow =
          frame(DataTypes.createArrayType(DataTypes.DoubleType), i -> new Double[] {1.0});
      SparseTagger tagger = SparseTagger.builder(model).checkFirstRow(false).build();
      // Without the first-row check no job runs here; the size then fails in the task.
      Dataset<Row> out = tagger.transform(narrow);
      assertEquals(0, spark.sparkContext().statusTracker().getJobIdsForGroup("tagger-bad").length);
      Exception f = assertThrows(Exception.class, out::collectAsList);
      assertTrue(
          f.getMessage().contains("a row has size 1, but the model takes 500 features"),
          f.getMessage());
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  @Test
  void sizeIsCheckedOnTheFirstRow() {
    Dataset<Row> narrow =
        frame(DataTypes.createArrayType(DataTypes.DoubleType), i -> new Double[] {1.0});
    SdlgmException e =
        assertThrows(
            SdlgmException.class, () -> SparseTagger.builder(model).build().transform(narrow));
    assertEquals(
        "input column 'features' has size 1, but the model takes 500 features", e.getMessage());
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
