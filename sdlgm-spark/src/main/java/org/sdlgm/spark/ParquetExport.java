package org.sdlgm.spark;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataSpecs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes Parquet inputs for the Spark job: the rows of any sdlgm data spec (as {@code sdlgm encode
 * --data} reads them, so the job's output can be compared with {@code sdlgm encode}'s), or N
 * synthetic sparse rows generated on the executors (for scale runs). Columns: {@code id} (long) and
 * {@code features} (a Spark ML vector). Run it like the job, with the main class {@code
 * org.sdlgm.spark.ParquetExport}.
 */
@Command(
    name = "sdlgm-spark-export",
    mixinStandardHelpOptions = true,
    description = "Write an sdlgm data spec, or synthetic sparse rows, as Parquet (id, features).")
public final class ParquetExport implements Callable<Integer> {
  @Option(
      names = {"-d", "--data"},
      paramLabel = "SPEC",
      description = "An sdlgm data spec (its train part).")
  String data;

  @Option(names = "--synthetic", paramLabel = "N", description = "Instead: N synthetic rows.")
  long synthetic;

  @Option(names = "--dim", paramLabel = "D", description = "Synthetic rows' size (default 784).")
  int dim = 784;

  @Option(
      names = "--nnz",
      paramLabel = "K",
      description =
          "Non-zeros per synthetic row, uniform in [0,1) at random positions (default 80).")
  int nnz = 80;

  @Option(names = "--partitions", paramLabel = "P", description = "Output partitions (default 8).")
  int partitions = 8;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "PATH",
      description = "Output Parquet directory.")
  String output;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default local[*]).")
  String master = "local[*]";

  private ParquetExport() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    CommandLine cl = new CommandLine(new ParquetExport());
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          String m = SparkJob.userMessage(e);
          if (m == null) {
            throw e;
          }
          cmd.getErr().println("sdlgm-spark-export: " + m);
          return 2;
        });
    System.exit(cl.execute(args));
  }

  @Override
  public Integer call() {
    if ((data == null) == (synthetic <= 0)) {
      throw new SdlgmException("give either --data SPEC or --synthetic N");
    }
    if (nnz < 0 || nnz > dim) {
      throw new SdlgmException("--nnz must be in [0, --dim], got " + nnz);
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", SQLDataTypes.VectorType(), false);
    SparkSession spark =
        SparkSession.builder()
            .appName("sdlgm-spark-export")
            .master(master)
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    try {
      Dataset<Row> rows;
      long n;
      if (data != null) {
        org.sdlgm.data.Dataset ds = DataSpecs.parse(data).load().train();
        int d = ds.dim();
        float[] f = ds.features();
        List<Row> list = new ArrayList<>(ds.size());
        for (int i = 0; i < ds.size(); i++) {
          double[] v = new double[d];
          for (int j = 0; j < d; j++) {
            v[j] = f[i * d + j];
          }
          list.add(RowFactory.create((long) i, Vectors.dense(v)));
        }
        n = ds.size();
        rows = spark.createDataFrame(list, schema).repartition(partitions);
      } else {
        n = synthetic;
        rows =
            spark
                .range(0, synthetic, 1, partitions)
                .toDF("id")
                .mapPartitions(new Synthetic(dim, nnz), Encoders.row(schema));
      }
      rows.write().parquet(output);
      new PrintWriter(
              new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8),
              true)
          .println(String.format(Locale.ROOT, "wrote %d rows to %s", n, output));
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** Synthetic rows, seeded by their id: the same N give the same data on any cluster. */
  private static final class Synthetic implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final int dim;
    private final int nnz;

    Synthetic(int dim, int nnz) {
      this.dim = dim;
      this.nnz = nnz;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> ids) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return ids.hasNext();
        }

        @Override
        public Row next() {
          long id = ids.next().getLong(0);
          SplittableRandom rng = new SplittableRandom(id * 0x9E3779B97F4A7C15L + 1);
          // k distinct positions (Floyd's sampling), then ascending for the sparse vector.
          java.util.TreeSet<Integer> pos = new java.util.TreeSet<>();
          for (int j = dim - nnz; j < dim; j++) {
            int t = rng.nextInt(j + 1);
            pos.add(pos.contains(t) ? j : t);
          }
          int[] idx = pos.stream().mapToInt(Integer::intValue).toArray();
          double[] val = new double[idx.length];
          for (int t = 0; t < val.length; t++) {
            val[t] = (float) rng.nextDouble();
          }
          return RowFactory.create(id, Vectors.sparse(dim, idx, val));
        }
      };
    }
  }
}
