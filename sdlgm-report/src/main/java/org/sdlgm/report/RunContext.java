package org.sdlgm.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.sdlgm.SdlgmException;
import org.sdlgm.io.MetricsFile;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;

/**
 * What every report section may draw on, whichever task the model directory holds: the directory's
 * {@code config.json} ({@link ModelInfo}), {@code metrics.json} (if any), {@code history.csv}, the
 * notes the reader should see, and which part of the data the examples come from. {@link
 * ReportContext} (a coder, its examples and their codes) and {@link TaggerReportContext} (a tagger,
 * its examples and their predictions) add what their own {@link ReportSection}s read.
 *
 * @param <C> the model configuration type
 * @param <D> the data schema type
 */
public abstract class RunContext<C, D> implements AutoCloseable {
  private final Path modelDir;
  private final Path outputDir;
  private final ReportOptions options;
  private final ModelInfo<C, D> info;
  private final JsonNode metrics;
  private final History history;
  private final List<String> notes = new ArrayList<>();

  /** Which part the examples come from: "test", or "training" when the run has no test part. */
  protected String part = "test";

  /** The size of that part (the examples are its first rows). */
  protected int partSize;

  /**
   * Reads {@code metrics.json} and {@code history.csv} of {@code modelDir}, described by {@code
   * info}.
   */
  protected RunContext(Path modelDir, ReportOptions options, ModelInfo<C, D> info) {
    this.modelDir = modelDir;
    this.outputDir = options.outputFor(modelDir);
    this.options = options;
    this.info = info;
    this.metrics = readMetrics(modelDir.resolve(ModelDirectory.METRICS));
    this.history = History.read(modelDir.resolve(ModelDirectory.HISTORY));
  }

  /** metrics.json of a model directory as a tree, or null when the file is absent. */
  static JsonNode readMetrics(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return ModelDirectory.json().readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SdlgmException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /** The model directory. */
  public Path modelDir() {
    return modelDir;
  }

  /** Where the report and its figures are written. */
  public Path outputDir() {
    return outputDir;
  }

  /** The report options. */
  public ReportOptions options() {
    return options;
  }

  /** The model directory's {@code config.json}. */
  public ModelInfo<C, D> info() {
    return info;
  }

  /** Shorthand for {@code info().model()}. */
  public C config() {
    return info.model();
  }

  /** The whole {@code metrics.json}, or null when the run was not evaluated. */
  public JsonNode metrics() {
    return metrics;
  }

  /**
   * The evaluation object of {@code metrics.json} ({@link MetricsFile#evaluation}); a missing node
   * when there is none. Read with {@code path(...)}, which tolerates absent members.
   */
  public JsonNode evaluation() {
    if (metrics == null) {
      return MissingNode.getInstance();
    }
    return MetricsFile.evaluation(metrics);
  }

  /** {@code history.csv} by column name. */
  public History history() {
    return history;
  }

  /** Things the reader should know (data not loadable, no test part ...), in order. */
  public List<String> notes() {
    return Collections.unmodifiableList(notes);
  }

  /** Adds a note for the reader. */
  protected void note(String note) {
    notes.add(note);
  }

  /** Which part the examples come from: "test", or "training" when the run has no test part. */
  public String part() {
    return part;
  }

  /** How many examples the figures show (0 when none could be loaded). */
  protected abstract int examplesShown();

  /** A short phrase naming the examples, for captions ("the first 2,000 test examples"). */
  public String examplesPhrase() {
    return examplesPhrase(examplesShown(), partSize, part);
  }

  /** "the first 2,000 test examples", "all 500 test examples" or "the one test example". */
  static String examplesPhrase(int n, int partSize, String part) {
    String count = String.format(java.util.Locale.ROOT, "%,d", n);
    if (n == partSize) {
      return n == 1 ? "the one " + part + " example" : "all " + count + " " + part + " examples";
    }
    return "the first " + count + " " + part + " examples";
  }

  /** The page title's description of the model after its name ("sdlgm, K = 64, L0 = 8"). */
  public abstract String describe();

  /** The data spec the run was trained on, as {@code config.json} records it. */
  public abstract String dataSpec();

  /** Releases what the context loaded (the model's native memory). */
  @Override
  public abstract void close();
}
