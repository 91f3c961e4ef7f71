package org.sdlgm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.SdlgmRuntime;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.Dataset;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.train.TrainingWorkflow;

/**
 * Real images: a small Fashion-MNIST model (1,000 images, K = 32, L0 = 8, one epoch) encodes the
 * same 1,000 rows on Spark and in one process with the same result. Skips when Debian's
 * dataset-fashion-mnist package is not installed.
 */
class FashionMnistSparkTest {
  static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

  @Test
  void sparkEncodesFashionMnistAsTheLibraryDoes(@TempDir Path dir) {
    assumeTrue(
        Files.isRegularFile(FASHION.resolve("train-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not installed in "
            + FASHION
            + " (apt-get install dataset-fashion-mnist)");
    SdlgmRuntime.configure(0);
    DataPlan plan =
        new DataPlan("fashion-mnist:" + FASHION + ",limit=1000,test-limit=10", null, 0, 1);
    Path model = dir.resolve("model");
    new TrainingWorkflow(
            plan,
            SdlgmConfig.builder()
                .latentDim(32)
                .maxLevel(8)
                .encoderHidden(List.of(32))
                .decoderHidden(List.of(32))
                .build(),
            TrainConfig.builder().epochs(1).batchSize(100).validationFraction(0).seed(1).build(),
            EvalOptions.defaults().withProbe(false))
        .evaluate(false)
        .command(List.of("(test)"))
        .run(model, true, false);
    Dataset train = plan.load().train();
    int d = train.dim();
    List<SparseCode> want;
    try (SparseCoder coder = ModelDirectory.loadCoder(model)) {
      want = coder.encode(train.features(), train.size(), 1000);
    }
    SparkSession spark = TinyModels.spark();
    try {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < train.size(); i++) {
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
          v[j] = train.features()[i * d + j];
        }
        rows.add(RowFactory.create(i, Vectors.dense(v)));
      }
      List<Row> out =
          SparseEncoder.builder(model)
              .build()
              .transform(
                  spark
                      .createDataFrame(
                          rows,
                          new StructType()
                              .add("id", DataTypes.IntegerType)
                              .add("features", SQLDataTypes.VectorType()))
                      .repartition(4))
              .orderBy("id")
              .collectAsList();
      assertEquals(train.size(), out.size());
      for (int i = 0; i < out.size(); i++) {
        SparseVector c = (SparseVector) out.get(i).get(out.get(i).fieldIndex("code"));
        assertEquals(want.get(i).level(), out.get(i).getInt(out.get(i).fieldIndex("level")));
        assertArrayEquals(want.get(i).indices(), c.indices(), "row " + i);
        for (int t = 0; t < c.indices().length; t++) {
          assertEquals(want.get(i).values()[t], c.values()[t], 1e-5, "row " + i);
        }
      }
    } finally {
      spark.stop();
      ExecutorModels.clear();
    }
  }
}
