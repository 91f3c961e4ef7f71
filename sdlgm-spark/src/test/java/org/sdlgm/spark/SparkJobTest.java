package org.sdlgm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.data.multilabel.ExtremeTextReader;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.MultiLabelSchema;
import org.sdlgm.model.LevelInference;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.multilabel.LabelPrediction;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;

/** The spark-submit job on each input format, and its one-line errors with exit code 2. */
class SparkJobTest {
  @TempDir static Path dir;
  static SparkSession spark;
  static Path encoder;
  static Path tagger;
  static float[] x;
  static int n;
  static List<SparseCode> codes;

  @BeforeAll
  static void setUp() {
    encoder = TinyModels.encoder(dir);
    tagger = TinyModels.tagger(dir);
    x = TinyModels.rows();
    n = x.length / TinyModels.D;
    try (SparseCoder coder = ModelDirectory.loadCoder(encoder)) {
      codes = coder.encode(x, n, 1000);
    }
    spark = TinyModels.spark();
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
    ExecutorModels.clear();
  }

  record Run(int code, String err) {}

  static Run job(String... args) {
    StringWriter err = new StringWriter();
    int code = SparkJob.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
    return new Run(code, err.toString());
  }

  /** The job's output, ordered by {@code order}. */
  static List<Row> output(Path out, String order) {
    return spark.read().parquet(out.toString()).orderBy(order).collectAsList();
  }

  static void assertCodes(List<Row> rows, String id) {
    assertCodes(rows, id, codes);
  }

  /** {@code rows} (ordered by {@code id}) have the codes {@code codes}. */
  static void assertCodes(List<Row> rows, String id, List<SparseCode> codes) {
    assertEquals(n, rows.size());
    for (int k = 0; k < n; k++) {
      Row r = rows.get(k);
      int i = id.equals("rowId") ? k : r.getInt(r.fieldIndex(id));
      SparseVector c = (SparseVector) r.get(r.fieldIndex("code"));
      assertEquals(codes.get(i).level(), r.getInt(r.fieldIndex("level")));
      assertArrayEquals(codes.get(i).indices(), c.indices(), "row " + i);
      for (int t = 0; t < c.indices().length; t++) {
        assertEquals(codes.get(i).values()[t], c.values()[t], 1e-5);
      }
    }
  }

  /** The rows as a Parquet file at {@code in}: an {@code id} and a {@code pixels} vector. */
  static void writeParquet(Path in) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] d = new double[TinyModels.D];
      for (int j = 0; j < d.length; j++) {
        d[j] = x[i * TinyModels.D + j];
      }
      rows.add(RowFactory.create(i, Vectors.dense(d)));
    }
    spark
        .createDataFrame(
            rows,
            new StructType()
                .add("id", DataTypes.IntegerType)
                .add("pixels", SQLDataTypes.VectorType()))
        .repartition(3)
        .write()
        .parquet(in.toString());
  }

  @Test
  void parquetInput() {
    Path in = dir.resolve("in.parquet");
    writeParquet(in);
    Path out = dir.resolve("parquet-out");
    Run r =
        job(
            "--model",
            encoder.toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--features-column",
            "pixels",
            "--batch",
            "64");
    assertEquals(0, r.code(), r.err());
    List<Row> got = output(out, "id");
    assertFalse(List.of(got.get(0).schema().fieldNames()).contains("pixels"));
    assertCodes(got, "id");

    Run again =
        job(
            "--model",
            encoder.toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--features-column",
            "pixels");
    assertEquals(2, again.code());
    assertEquals("sdlgm-spark: " + out + ": exists; use --overwrite to replace it\n", again.err());
  }

  @Test
  void levelInferenceReachesTheOutput() {
    Path in = dir.resolve("level-inference-in.parquet");
    writeParquet(in);
    ModelInfo<SdlgmConfig, DataSchema> info = ModelDirectory.readCoderInfo(encoder);
    List<SparseCode> exact;
    try (SparseCoder coder =
        ModelDirectory.loadCoder(
            encoder,
            info.withModel(
                info.model().toBuilder().levelInference(LevelInference.EXACT).build()))) {
      exact = coder.encode(x, n, 1000);
    }
    Path out = dir.resolve("exact-out");
    Run r =
        job(
            "--model",
            encoder.toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--features-column",
            "pixels",
            "--level-inference",
            "exact");
    assertEquals(0, r.code(), r.err());
    List<Row> got = output(out, "id");
    assertCodes(got, "id", exact);
    // The tiny model's own mode is head, which picks other levels than exact somewhere: the
    // output shows the option was applied, not the model's mode.
    assertTrue(
        java.util.stream.IntStream.range(0, n)
            .anyMatch(i -> exact.get(i).level() != codes.get(i).level()),
        "exact and head give the same levels on every row");

    Path never = dir.resolve("never");
    r =
        job(
            "--model",
            encoder.toString(),
            "--input",
            in.toString(),
            "--output",
            never.toString(),
            "--level-inference",
            "fastest");
    assertEquals(2, r.code());
    assertEquals(
        "sdlgm-spark: --level-inference: unknown level inference 'fastest'; "
            + "expected one of: head, exact, search\n",
        r.err());
    r =
        job(
            "--model",
            tagger.toString(),
            "--input",
            in.toString(),
            "--output",
            never.toString(),
            "--level-inference",
            "head");
    assertEquals(2, r.code());
    assertEquals(
        "sdlgm-spark: --level-inference applies to unsupervised models; "
            + tagger
            + " is multi-label\n",
        r.err());
    assertFalse(Files.exists(never));
  }

  @Test
  void headOnAModelTrainedAtTheCapIsNoted() {
    Path atCap =
        TinyModels.encoder(
            dir,
            "at-cap",
            TinyModels.tiny(org.sdlgm.train.Recipes.sparseCodes(3, 1.5).toBuilder()));
    assertTrue(ModelDirectory.readCoderInfo(atCap).model().trainAtCap());
    Path in = dir.resolve("at-cap-in.parquet");
    writeParquet(in);
    Run byHead =
        job(
            "--model",
            atCap.toString(),
            "--input",
            in.toString(),
            "--output",
            dir.resolve("at-cap-head").toString(),
            "--features-column",
            "pixels",
            "--level-inference",
            "head");
    assertEquals(0, byHead.code(), byHead.err());
    assertTrue(byHead.err().contains("note: this model was trained at the cap"), byHead::toString);
    // Its own mode (exact) meets the budget: nothing to say.
    Run own =
        job(
            "--model",
            atCap.toString(),
            "--input",
            in.toString(),
            "--output",
            dir.resolve("at-cap-own").toString(),
            "--features-column",
            "pixels");
    assertEquals(0, own.code(), own.err());
    assertFalse(own.err().contains("note:"), own::toString);
  }

  @Test
  void csvAndLibsvmInputs() throws IOException {
    StringBuilder csv = new StringBuilder();
    StringBuilder svm = new StringBuilder();
    for (int i = 0; i < n; i++) {
      svm.append('0');
      for (int j = 0; j < TinyModels.D; j++) {
        float v = x[i * TinyModels.D + j];
        csv.append(String.format(Locale.ROOT, "%.4f", v)).append(j + 1 < TinyModels.D ? "," : "\n");
        if (v != 0f) {
          svm.append(String.format(Locale.ROOT, " %d:%.4f", j + 1, v));
        }
      }
      svm.append('\n');
    }
    Path c = dir.resolve("rows-in.csv");
    Path s = dir.resolve("rows.libsvm");
    Files.writeString(c, csv.toString(), StandardCharsets.UTF_8);
    Files.writeString(s, svm.toString(), StandardCharsets.UTF_8);
    Path out = dir.resolve("csv-out");
    Run r =
        job(
            "--model",
            encoder.toString(),
            "--input",
            c.toString(),
            "--format",
            "csv",
            "--output",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertCodes(output(out, "rowId"), "rowId");
    out = dir.resolve("libsvm-out");
    r =
        job(
            "--model",
            encoder.toString(),
            "--input",
            s.toString(),
            "--format",
            "libsvm",
            "--output",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertCodes(output(out, "rowId"), "rowId");
  }

  @Test
  void xcInputWithTagger() throws IOException {
    MultiLabelDataset test =
        new MultiLabelPlan(TinyModels.MULTI_LABEL, null, null, 0, 1).load().test();
    StringBuilder b =
        new StringBuilder(test.size() + " " + test.numFeatures() + " " + test.numLabels() + "\n");
    for (int i = 0; i < test.size(); i++) {
      int[] labels = test.labels(i);
      for (int t = 0; t < labels.length; t++) {
        b.append(t > 0 ? "," : "").append(labels[t]);
      }
      int[] idx = test.featureIndices(i);
      float[] val = test.featureValues(i);
      // Features in descending order: the job must sort them.
      for (int t = idx.length - 1; t >= 0; t--) {
        b.append(' ').append(idx[t]).append(':').append(val[t]);
      }
      b.append('\n');
    }
    Path xc = dir.resolve("test.xc.txt");
    Files.writeString(xc, b.toString(), StandardCharsets.UTF_8);

    // The job's line parser reads what the core reader reads.
    MultiLabelDataset core = ExtremeTextReader.readXc(xc);
    XcLines lines = new XcLines(xc.toString(), test.numFeatures());
    String[] text = b.toString().split("\n");
    for (int i = 0; i < core.size(); i++) {
      Row r = lines.parse(text[i + 1]);
      SparseVector v = (SparseVector) r.get(1);
      assertArrayEquals(core.featureIndices(i), v.indices());
      assertArrayEquals(
          core.labels(i),
          java.util.Arrays.stream((Integer[]) r.get(0)).mapToInt(Integer::intValue).toArray());
      for (int t = 0; t < v.indices().length; t++) {
        assertEquals(core.featureValues(i)[t], (float) v.values()[t]);
      }
    }

    Path out = dir.resolve("xc-out");
    Run r =
        job(
            "--model",
            tagger.toString(),
            "--input",
            xc.toString(),
            "--format",
            "xc",
            "--output",
            out.toString());
    assertEquals(0, r.code(), r.err());
    List<Row> got = output(out, "rowId");
    ModelInfo<TaggerConfig, MultiLabelSchema> info = ModelDirectory.readTaggerInfo(tagger);
    FeatureTransform tf = ModelDirectory.readTransform(tagger, info);
    LabelPrediction[] want;
    try (Tagger t = ModelDirectory.loadTagger(tagger, info)) {
      float[] dense = new float[core.size() * core.numFeatures()];
      tf.denseRows(core, 0, core.size(), dense);
      want = t.predict(t.score(dense, core.size()), info.model().setRules().get(0), 0);
    }
    assertEquals(core.size(), got.size());
    for (int i = 0; i < got.size(); i++) {
      Row row = got.get(i);
      assertEquals(want[i].level(), row.getInt(row.fieldIndex("level")));
      List<String> names = new ArrayList<>();
      for (int l : want[i].labels()) {
        names.add(info.data().labelNames().get(l));
      }
      assertEquals(names, row.getList(row.fieldIndex("labels")));
      List<Integer> targets = row.getList(row.fieldIndex("targets"));
      assertEquals(core.labels(i).length, targets.size());
    }

    Path wrongHeader = dir.resolve("wrong.xc.txt");
    Files.writeString(wrongHeader, "1 7 3\n0 1:1.0\n", StandardCharsets.UTF_8);
    Run bad =
        job(
            "--model",
            tagger.toString(),
            "--input",
            wrongHeader.toString(),
            "--format",
            "xc",
            "--output",
            dir.resolve("never").toString());
    assertEquals(2, bad.code());
    assertEquals(
        "sdlgm-spark: "
            + wrongHeader
            + ": header '1 7 3' gives 7 features, but the model takes 500\n",
        bad.err());
  }

  /** A CSV of {@code lines} rows of the model's width, every value 0.5. */
  static String csvRows(int lines) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      for (int j = 0; j < TinyModels.D; j++) {
        b.append(j > 0 ? "," : "").append("0.5");
      }
      b.append('\n');
    }
    return b.toString();
  }

  static List<Path> hiddenBeside(Path out) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.list(out.getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith("." + out.getFileName())).toList();
    }
  }

  @Test
  void aFailedJobLeavesNoOutputAndAFailedOverwriteKeepsTheOldOne() throws IOException {
    Path good = Files.writeString(dir.resolve("three.csv"), csvRows(3), StandardCharsets.UTF_8);
    // A row with an empty cell fails inside a task.
    Path bad =
        Files.writeString(
            dir.resolve("hole.csv"), csvRows(2).replaceFirst("0\\.5", ""), StandardCharsets.UTF_8);
    String m = encoder.toString();

    Path fresh = dir.resolve("failed-out");
    Run r = job("--model", m, "--input", bad.toString(), "--format", "csv", "--output", "" + fresh);
    assertEquals(2, r.code(), r.err());
    assertFalse(Files.exists(fresh), "a failed job left its output directory behind");
    assertEquals(List.of(), hiddenBeside(fresh));
    // So the corrected run needs no --overwrite.
    r = job("--model", m, "--input", good.toString(), "--format", "csv", "--output", "" + fresh);
    assertEquals(0, r.code(), r.err());
    assertEquals(3, spark.read().parquet(fresh.toString()).count());

    r =
        job(
            "--model",
            m,
            "--input",
            bad.toString(),
            "--format",
            "csv",
            "--overwrite",
            "--output",
            "" + fresh);
    assertEquals(2, r.code(), r.err());
    assertEquals(
        3, spark.read().parquet(fresh.toString()).count(), "a failed overwrite lost the output");
    assertEquals(List.of(), hiddenBeside(fresh));
  }

  @Test
  void overwriteMayReplaceTheInputItself() throws IOException {
    Path in = dir.resolve("self.parquet");
    writeParquet(in);
    Run r =
        job(
            "--model",
            encoder.toString(),
            "--input",
            in.toString(),
            "--output",
            in.toString(),
            "--features-column",
            "pixels",
            "--overwrite");
    assertEquals(0, r.code(), r.err());
    assertCodes(output(in, "id"), "id");
    assertEquals(List.of(), hiddenBeside(in));
  }

  @Test
  void malformedTextInputExitsTwoNamingTheFile() throws IOException {
    String m = encoder.toString();
    Path never = dir.resolve("never");
    // 0-based indices (the XC convention) given as LIBSVM, which is 1-based.
    Path zero =
        Files.writeString(
            dir.resolve("zero-based.libsvm"), "0 0:1.0 3:0.5\n1 2:0.5\n", StandardCharsets.UTF_8);
    Run r = job("--model", m, "--input", "" + zero, "--format", "libsvm", "--output", "" + never);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("sdlgm-spark: " + zero + ": "), r.err());
    assertTrue(r.err().contains("one-based"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());

    Path wide =
        Files.writeString(dir.resolve("wide.libsvm"), "0 1:1.0 13:0.5\n", StandardCharsets.UTF_8);
    r = job("--model", m, "--input", "" + wide, "--format", "libsvm", "--output", "" + never);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("sdlgm-spark: " + wide + ": "), r.err());
    assertEquals(1, r.err().lines().count(), r.err());

    StringBuilder header = new StringBuilder();
    for (int j = 0; j < TinyModels.D; j++) {
      header.append(j > 0 ? "," : "").append("f").append(j);
    }
    Path headed =
        Files.writeString(
            dir.resolve("headed.csv"), header + "\n" + csvRows(2), StandardCharsets.UTF_8);
    r = job("--model", m, "--input", "" + headed, "--format", "csv", "--output", "" + never);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("sdlgm-spark: "), r.err());
    assertTrue(r.err().contains("headed.csv"), r.err());
    assertTrue(r.err().contains("--csv-header"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());

    Path shortRow =
        Files.writeString(
            dir.resolve("short.csv"), csvRows(1) + "0.1,0.2\n", StandardCharsets.UTF_8);
    r = job("--model", m, "--input", "" + shortRow, "--format", "csv", "--output", "" + never);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("short.csv"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertFalse(Files.exists(never));
  }

  @Test
  void xcHeaderAfterBlankLinesIsCheckedAndBadValuesNameTheFile() throws IOException {
    Path late =
        Files.writeString(
            dir.resolve("late-header.xc.txt"), "\n\n1 7 3\n0 1:1.0\n", StandardCharsets.UTF_8);
    Path never = dir.resolve("never");
    Run r = xcJob(late, never);
    assertEquals(2, r.code(), r.err());
    assertEquals(
        "sdlgm-spark: " + late + ": header '1 7 3' gives 7 features, but the model takes 500\n",
        r.err());

    Path huge =
        Files.writeString(
            dir.resolve("huge.xc.txt"), "1 500 3\n0 1:1e39\n", StandardCharsets.UTF_8);
    r = xcJob(huge, never);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("sdlgm-spark: " + huge + ": "), r.err());
    assertTrue(r.err().contains("0 1:1e39"), r.err());

    // A Java-only spelling (a type suffix) is not a number in a data file.
    Path suffix =
        Files.writeString(
            dir.resolve("suffix.xc.txt"), "1 500 3\n0 1:2d\n", StandardCharsets.UTF_8);
    r = xcJob(suffix, never);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("sdlgm-spark: " + suffix + ": "), r.err());
    assertTrue(r.err().contains("bad value in '1:2d'"), r.err());
    assertFalse(Files.exists(never));
  }

  /** The job on the multi-label model with an XC input. */
  static Run xcJob(Path in, Path out) {
    return job(
        "--model", tagger.toString(), "--input", "" + in, "--format", "xc", "--output", "" + out);
  }

  @Test
  void badArgumentsExitTwoWithOneLine() {
    Path out = dir.resolve("never");
    Run r =
        job(
            "--model",
            dir.resolve("missing").toString(),
            "--input",
            "x",
            "--output",
            out.toString());
    assertEquals(2, r.code());
    assertEquals(
        "sdlgm-spark: " + dir.resolve("missing") + ": model directory does not exist\n", r.err());

    r =
        job(
            "--model",
            encoder.toString(),
            "--input",
            "x",
            "--format",
            "json",
            "--output",
            out.toString());
    assertEquals(2, r.code());
    assertEquals("sdlgm-spark: --format must be parquet, libsvm, csv or xc, got 'json'\n", r.err());

    r =
        job(
            "--model",
            encoder.toString(),
            "--input",
            dir.resolve("absent.parquet").toString(),
            "--output",
            out.toString());
    assertEquals(2, r.code());
    assertEquals(
        "sdlgm-spark: " + dir.resolve("absent.parquet") + ": input does not exist\n", r.err());

    r = job("--model", encoder.toString(), "--input", "x");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("Missing required option: '--output=PATH'"), r.err());
    assertFalse(Files.exists(out));
  }
}
