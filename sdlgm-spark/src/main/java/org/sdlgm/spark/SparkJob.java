package org.sdlgm.spark;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sdlgm.SdlgmException;
import org.sdlgm.SdlgmRuntime;
import org.sdlgm.io.ModelDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The spark-submit job: encode (unsupervised model) or tag (multi-label model) the rows of a
 * Parquet, LIBSVM, CSV or Extreme Classification text input and write Parquet. The output has the
 * input's columns except the features (unless {@code --keep-features}), plus the columns {@link
 * SparseEncoder} or {@link SparseTagger} add; text inputs get a {@code rowId} (increasing in input
 * order, not contiguous). Bad options, a missing input or model, or an input that does not fit the
 * model fail with one line and exit code 2, before any task runs where the check allows; the output
 * is written through Spark's commit protocol, so a failed job leaves no part files behind as
 * output.
 */
@Command(
    name = "sdlgm-spark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Encode or tag rows with an sdlgm model on Spark, writing Parquet.",
      "",
      "Example (local mode): sdlgm-spark/spark-local --master 'local[*]' --model runs/fmnist "
          + "--input images.parquet --output codes.parquet"
    })
public final class SparkJob implements Callable<Integer> {
  @Option(
      names = {"-m", "--model"},
      required = true,
      paramLabel = "DIR",
      description = "Model directory (unsupervised: encode; multi-label: tag).")
  Path model;

  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "PATH",
      description = "Input file or directory.")
  String input;

  @Option(
      names = "--format",
      paramLabel = "parquet|libsvm|csv|xc",
      description = "Input format (default parquet).")
  String format = "parquet";

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "PATH",
      description = "Output Parquet directory.")
  String output;

  @Option(
      names = "--features-column",
      paramLabel = "C",
      description =
          "Features column of a Parquet input (default features): a Spark ML vector, array<float> or array<double>.")
  String featuresColumn = "features";

  @Option(
      names = "--batch",
      paramLabel = "B",
      description = "Rows per forward pass (default 1000 encode, 500 tag).")
  Integer batch;

  @Option(
      names = "--rule",
      paramLabel = "R",
      description = "Set rule of a multi-label model (default: the model's first).")
  String rule;

  @Option(
      names = "--level-inference",
      paramLabel = "head|exact|search",
      description =
          "How an unsupervised model chooses each code's L̂ (default: the model's own, "
              + "config.json): head reads the level head (fastest), exact scores every level "
              + "with the decoder, search scores the levels of a local climb from the head's mode.")
  String levelInference;

  @Option(
      names = "--csv-header",
      description = "The CSV input's first line is a header (every column is a feature).")
  boolean csvHeader;

  @Option(names = "--keep-features", description = "Keep the features column in the output.")
  boolean keepFeatures;

  @Option(
      names = "--master",
      paramLabel = "URL",
      description = "Spark master when not run by spark-submit (default local[*]).")
  String master;

  @Option(names = "--overwrite", description = "Replace an existing output.")
  boolean overwrite;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  private SparkJob() {}

  public static void main(String[] args) {
    java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
    System.exit(
        run(
            new PrintWriter(new java.io.OutputStreamWriter(System.out, utf8), true),
            new PrintWriter(new java.io.OutputStreamWriter(System.err, utf8), true),
            args));
  }

  /** Runs the job; returns the exit code (0, 1 for an unexpected failure, 2 for bad input). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    // Before anything loads DJL: offline, and per-task threads chosen on the executors.
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("OPT_OUT_TRACKING", System.getProperty("OPT_OUT_TRACKING", "true"));
    System.setProperty("DJL_OFFLINE", System.getProperty("DJL_OFFLINE", "true"));
    CommandLine cl = new CommandLine(new SparkJob()).setOut(out).setErr(err);
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          String m = userMessage(e);
          if (m != null) {
            err.println("sdlgm-spark: " + m);
            return 2;
          }
          err.println("sdlgm-spark: failed: " + e);
          e.printStackTrace(err);
          return 1;
        });
    return cl.execute(args);
  }

  /** The message of a user-input failure, also when Spark wrapped it; null for anything else. */
  static String userMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SdlgmException) {
        return t.getMessage();
      }
      if (t instanceof org.apache.spark.sql.AnalysisException a) {
        return a.getSimpleMessage();
      }
    }
    return null;
  }

  @Override
  public Integer call() throws Exception {
    String fmt = format.toLowerCase(Locale.ROOT);
    if (!List.of("parquet", "libsvm", "csv", "xc").contains(fmt)) {
      throw new SdlgmException("--format must be parquet, libsvm, csv or xc, got '" + format + "'");
    }
    if (batch != null && batch < 1) {
      throw new SdlgmException("--batch must be ≥ 1, got " + batch);
    }
    boolean tagging = ModelDirectory.TAGGER_FORMAT.equals(ModelDirectory.formatOf(model));
    SparseEncoder encoder = null;
    SparseTagger tagger = null;
    int dim;
    if (tagging) {
      // A tagger's set size comes from its count head and set rule; it has no such mode to choose.
      if (levelInference != null) {
        throw new SdlgmException(
            "--level-inference applies to unsupervised models; " + model + " is multi-label");
      }
      SparseTagger.Builder b = SparseTagger.builder(model).rule(rule).inputColumn(column(fmt));
      tagger = (batch == null ? b : b.batchSize(batch)).build();
      dim = tagger.inputDim();
    } else {
      if (rule != null) {
        throw new SdlgmException(
            "--rule applies to multi-label models; " + model + " is unsupervised");
      }
      SparseEncoder.Builder b =
          SparseEncoder.builder(model)
              .inputColumn(column(fmt))
              .levelInference(levelInference, "--level-inference");
      encoder = (batch == null ? b : b.batchSize(batch)).build();
      encoder.headAtCapNote().ifPresent(spec.commandLine().getErr()::println);
      dim = encoder.inputDim();
    }
    long t0 = System.nanoTime();
    boolean created =
        SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = session();
    try {
      org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(output);
      org.apache.hadoop.fs.FileSystem fs =
          out.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(out) && !overwrite) {
        throw new SdlgmException(output + ": exists; use --overwrite to replace it");
      }
      org.apache.hadoop.fs.Path inPath = new org.apache.hadoop.fs.Path(input);
      org.apache.hadoop.fs.FileStatus[] found =
          inPath.getFileSystem(spark.sparkContext().hadoopConfiguration()).globStatus(inPath);
      if (found == null || found.length == 0) {
        throw new SdlgmException(input + ": input does not exist");
      }
      // Written beside the output and renamed into place only when the job succeeded: a failed
      // job leaves no output directory (which would refuse the next run), a failed overwrite
      // keeps the previous output, and an overwrite of the input reads it to the end first.
      org.apache.hadoop.fs.Path target = fs.makeQualified(out);
      org.apache.hadoop.fs.Path writing = hiddenSibling(target, "writing");
      long t1;
      long t2;
      try {
        Dataset<Row> in = read(spark, fmt, dim);
        Dataset<Row> result = tagging ? tagger.transform(in) : encoder.transform(in);
        if (!keepFeatures) {
          result = result.drop(column(fmt));
        }
        t1 = System.nanoTime();
        result.write().mode(SaveMode.ErrorIfExists).parquet(writing.toString());
        t2 = System.nanoTime();
        publish(fs, writing, target);
      } catch (Exception e) { // Spark's SparkException is checked, and thrown undeclared
        SdlgmException bad = inputFailure(e, fmt, dim);
        throw bad != null ? bad : e;
      } finally {
        deleteQuietly(fs, writing);
      }
      long rows = spark.read().parquet(output).count();
      double job = (t2 - t1) / 1e9;
      spec.commandLine()
          .getErr()
          .println(
              String.format(
                  Locale.ROOT,
                  "%s %d rows in %.2f s (%,.0f rows/s; %.2f s with Spark's start-up) into %s; peak heap %d MB",
                  tagging ? "tagged" : "encoded",
                  rows,
                  job,
                  rows / Math.max(job, 1e-9),
                  (t2 - t0) / 1e9,
                  output,
                  peakHeapBytes() >> 20));
      return 0;
    } catch (java.io.IOException e) {
      throw new SdlgmException("cannot check the input or output path (" + e.getMessage() + ")", e);
    } finally {
      if (created) {
        spark.stop();
      }
    }
  }

  private static org.apache.hadoop.fs.Path hiddenSibling(org.apache.hadoop.fs.Path p, String what) {
    return new org.apache.hadoop.fs.Path(
        p.getParent(), "." + p.getName() + ".sdlgm-" + what + "-" + java.util.UUID.randomUUID());
  }

  /**
   * Moves the finished output {@code from} to {@code to}, replacing what is there only with
   * --overwrite (the old output is moved aside first and put back if the move fails).
   */
  private void publish(
      org.apache.hadoop.fs.FileSystem fs,
      org.apache.hadoop.fs.Path from,
      org.apache.hadoop.fs.Path to)
      throws java.io.IOException {
    org.apache.hadoop.fs.Path old = null;
    if (fs.exists(to)) {
      if (!overwrite) {
        throw new SdlgmException(output + ": exists; use --overwrite to replace it");
      }
      old = hiddenSibling(to, "replaced");
      if (!fs.rename(to, old)) {
        throw new java.io.UncheckedIOException(
            new java.io.IOException("cannot move the old output " + to + " aside"));
      }
    }
    if (!fs.rename(from, to)) {
      if (old != null) {
        fs.rename(old, to);
      }
      throw new java.io.UncheckedIOException(
          new java.io.IOException("cannot move the finished output " + from + " to " + to));
    }
    if (old != null) {
      deleteQuietly(fs, old);
    }
  }

  private static void deleteQuietly(
      org.apache.hadoop.fs.FileSystem fs, org.apache.hadoop.fs.Path p) {
    try {
      if (fs.exists(p)) {
        fs.delete(p, true);
      }
    } catch (java.io.IOException e) {
      // a hidden leftover; the job's own outcome is what to report
    }
  }

  /**
   * {@code e} as a one-line user error naming the input when it is a malformed line that Spark's
   * LIBSVM or CSV reader (or any file reader) refused inside a task; else null.
   */
  private SdlgmException inputFailure(Exception e, String fmt, int dim) {
    if (userMessage(e) != null) {
      return null;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (fmt.equals("libsvm") && fromLibsvmReader(t)) {
        String m = String.valueOf(t.getMessage()).replaceFirst("^requirement failed: ", "");
        return new SdlgmException(
            input
                + ": bad LIBSVM line ("
                + m
                + "); LIBSVM indices are 1-based and ascending, at most D = "
                + dim
                + " here",
            e);
      }
      if (t instanceof org.apache.spark.SparkThrowable st
          && st.getCondition() != null
          && st.getCondition().startsWith("FAILED_READ_FILE")) {
        String why = rootMessage(t.getCause());
        String hint =
            fmt.equals("csv")
                ? "; every line must hold D = "
                    + dim
                    + " numbers"
                    + (csvHeader ? "" : " (a header line needs --csv-header)")
                : "";
        String path = st.getMessageParameters().getOrDefault("path", input);
        return new SdlgmException(
            path + ": cannot read" + (why == null ? "" : " (" + why + ")") + hint, e);
      }
    }
    return null;
  }

  private static boolean fromLibsvmReader(Throwable t) {
    if (!(t instanceof IllegalArgumentException)) {
      return false;
    }
    for (StackTraceElement f : t.getStackTrace()) {
      if (f.getClassName().startsWith("org.apache.spark.ml.source.libsvm.")
          || f.getMethodName().equals("parseLibSVMRecord")) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    String m = null;
    for (; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        m = firstLine(t.getMessage());
      }
    }
    return m;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }

  /**
   * The sum of the heap pools' peak usages since the JVM started: an upper bound of the peak heap
   * of this JVM (in local mode the driver and the executor together).
   */
  static long peakHeapBytes() {
    long sum = 0;
    for (java.lang.management.MemoryPoolMXBean p :
        java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == java.lang.management.MemoryType.HEAP && p.getPeakUsage() != null) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private String column(String fmt) {
    return fmt.equals("parquet") ? featuresColumn : "features";
  }

  /** The session spark-submit configured, or a local one bound to the loopback address. */
  private SparkSession session() {
    SparkSession.Builder b = SparkSession.builder().appName("sdlgm-spark");
    // spark-submit passes its master as the system property spark.master.
    String m = master != null ? master : System.getProperty("spark.master", "local[*]");
    b.master(m);
    if (m.startsWith("local")) {
      b.config("spark.driver.host", System.getProperty("spark.driver.host", "127.0.0.1"))
          .config(
              "spark.driver.bindAddress",
              System.getProperty("spark.driver.bindAddress", "127.0.0.1"))
          .config("spark.ui.enabled", System.getProperty("spark.ui.enabled", "false"));
    }
    SdlgmRuntime.configure(0);
    return b.getOrCreate();
  }

  private Dataset<Row> read(SparkSession spark, String fmt, int dim) {
    switch (fmt) {
      case "parquet":
        return spark.read().parquet(input);
      case "libsvm":
        return spark
            .read()
            .format("libsvm")
            .option("numFeatures", Integer.toString(dim))
            .load(input)
            .withColumn("rowId", functions.monotonically_increasing_id());
      case "csv":
        {
          StructType schema = new StructType();
          List<Column> cols = new ArrayList<>();
          for (int j = 0; j < dim; j++) {
            schema = schema.add("c" + j, DataTypes.DoubleType, true);
            cols.add(functions.col("c" + j));
          }
          Dataset<Row> csv =
              spark
                  .read()
                  .schema(schema)
                  .option("header", csvHeader)
                  .option("mode", "FAILFAST")
                  .csv(input);
          return csv.select(functions.array(cols.toArray(new Column[0])).as("features"))
              .withColumn("rowId", functions.monotonically_increasing_id());
        }
      case "xc":
        {
          Dataset<Row> lines = spark.read().text(input);
          // The header is the first non-blank line, as the core reader takes it.
          List<Row> first =
              lines.filter(functions.col("value").rlike("\\S")).limit(1).collectAsList();
          String header = first.isEmpty() ? null : first.get(0).getString(0);
          if (header != null && XcLines.isHeader(header) && XcLines.headerDim(header) != dim) {
            throw new SdlgmException(
                input
                    + ": header '"
                    + header.strip()
                    + "' gives "
                    + XcLines.headerDim(header)
                    + " features, but the model takes "
                    + dim);
          }
          return lines
              .mapPartitions(
                  new XcLines(input, dim), org.apache.spark.sql.Encoders.row(XcLines.SCHEMA))
              .withColumn("rowId", functions.monotonically_increasing_id());
        }
      default:
        throw new IllegalStateException(fmt);
    }
  }
}
