package org.sdlgm.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.InputScaling;
import org.sdlgm.data.TrainTest;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.model.Method;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;

/**
 * Everything a section of an unsupervised model's report may draw on, loaded once: what every
 * {@link RunContext} holds, the model itself, and the first {@link ReportOptions#rows} test rows,
 * scaled with the model's input scaling, with their deterministic codes.
 *
 * <p>Loading degrades rather than fails where the report can still say something: when the data
 * named in {@code config.json} cannot be loaded or the parameters cannot be read, {@link
 * #hasCodes()} is false, a note says why, and the sections that need codes are left out. Without a
 * test part, the first training rows stand in (and the captions say so). Close the context to
 * release the model's native memory.
 */
public final class ReportContext extends RunContext<SdlgmConfig, DataSchema> {
  private Dataset examples;
  private SparseCoder coder;
  private List<SparseCode> codes;

  private ReportContext(
      Path modelDir, ReportOptions options, ModelInfo<SdlgmConfig, DataSchema> info) {
    super(modelDir, options, info);
  }

  /**
   * Reads the model directory, loads the model and the data its {@code config.json} names, and
   * encodes the first {@code options.rows()} test rows. Fails (with a message naming the file) only
   * when {@code config.json} itself is missing or unreadable.
   */
  public static ReportContext open(Path modelDir, ReportOptions options) {
    ModelInfo<SdlgmConfig, DataSchema> info = ModelDirectory.readCoderInfo(modelDir);
    ReportContext ctx = new ReportContext(modelDir, options, info);
    try {
      ctx.loadExamples();
      ctx.loadModelAndEncode();
    } catch (RuntimeException | Error e) {
      ctx.close();
      throw e;
    }
    return ctx;
  }

  private void loadExamples() {
    ModelInfo<SdlgmConfig, DataSchema> info = info();
    TrainTest tt;
    try {
      tt = info.data().plan().load();
    } catch (SdlgmException | java.io.UncheckedIOException e) {
      note(
          "The data of this run ("
              + info.data().spec()
              + ") could not be loaded, so "
              + "figures that need codes are left out: "
              + e.getMessage());
      return;
    }
    Dataset source = tt.test();
    if (source == null) {
      source = tt.train();
      part = "training";
      note("The run has no test part; the figures use the first training rows.");
    }
    if (source.dim() != info.model().inputDim()) {
      note(
          "The data has "
              + source.dim()
              + " features per row but the model expects "
              + info.model().inputDim()
              + "; figures that need codes are left out.");
      return;
    }
    InputScaling scaling;
    try {
      scaling = ModelDirectory.readScaling(modelDir(), info);
    } catch (SdlgmException e) {
      note(
          "The model's input scaling could not be read, so figures that need codes are "
              + "left out: "
              + e.getMessage());
      return;
    }
    partSize = source.size();
    // Scaled as the model saw its rows, so that inputs and reconstructions x̂ share one scale.
    examples = scaling.apply(source.head(options().rows()));
  }

  private void loadModelAndEncode() {
    if (examples == null) {
      return;
    }
    try {
      coder = ModelDirectory.loadForScaledRows(modelDir(), info());
    } catch (SdlgmException e) {
      note(
          "The model could not be loaded, so figures that need codes are left out: "
              + e.getMessage());
      examples = null;
      return;
    }
    codes = coder.encode(examples.features(), examples.size(), options().batchSize());
  }

  /**
   * The test means of the method's terms by name, in the file's order (its evaluation's {@code
   * terms}, or the fixed members of files written before terms had names); empty when there are
   * none.
   */
  public Map<String, Double> terms() {
    JsonNode ev = evaluation();
    Map<String, Double> terms = new LinkedHashMap<>();
    if (ev.path("terms").isObject()) {
      ev.path("terms").properties().forEach(e -> terms.put(e.getKey(), e.getValue().asDouble()));
    } else if (ev.path("logLik").isNumber()) {
      String[][] legacy = {{"logLik", "loglik"}, {"klL", "kl_l"}, {"klS", "kl_s"}, {"klV", "kl_v"}};
      for (String[] k : legacy) {
        terms.put(k[1], ev.path(k[0]).asDouble());
      }
    }
    return terms;
  }

  /** Whether test rows were loaded and encoded. */
  public boolean hasCodes() {
    return codes != null;
  }

  /** The encoded rows (the first {@code rows} of the test part, input scaling applied), or null. */
  public Dataset examples() {
    return examples;
  }

  /** The codes of {@link #examples()}, in row order, or null. */
  public List<SparseCode> codes() {
    return codes;
  }

  /** The loaded model, or null when {@link #hasCodes()} is false. */
  public SparseCoder coder() {
    return coder;
  }

  /** L̂ of each encoded example (for the baselines, which have no L, the nnz). */
  public int[] levels() {
    return codes.stream().mapToInt(SparseCode::level).toArray();
  }

  /** Number of non-zeros of each encoded example. */
  public int[] nnz() {
    return codes.stream().mapToInt(SparseCode::nnz).toArray();
  }

  /** How many encoded examples use each latent dimension (length K). */
  public int[] dimensionUsage() {
    int[] usage = new int[config().latentDim()];
    for (SparseCode c : codes) {
      for (int j : c.indices()) {
        usage[j]++;
      }
    }
    return usage;
  }

  /** Whether rows are images whose shape {@code config.json} records. */
  public boolean isImageData() {
    int h = info().data().imageHeight();
    int w = info().data().imageWidth();
    return h > 0 && w > 0 && h * w == config().inputDim();
  }

  @Override
  protected int examplesShown() {
    return examples == null ? 0 : examples.size();
  }

  @Override
  public String describe() {
    return config().method().id()
        + ", K = "
        + config().latentDim()
        + (config().method() == Method.VAE ? "" : ", L0 = " + config().maxLevel());
  }

  @Override
  public String dataSpec() {
    return info().data().spec();
  }

  @Override
  public void close() {
    if (coder != null) {
      coder.close();
      coder = null;
    }
  }
}
