package org.sdlgm.report;

import java.nio.file.Path;
import org.sdlgm.SdlgmException;

/**
 * Knobs of a run report.
 *
 * @param rows how many test rows (the first ones) are encoded for the figures; small keeps the
 *     report fast, the summary table still quotes {@code metrics.json} over the whole test set
 * @param examples how many test examples the input/reconstruction grid shows (0: none)
 * @param atoms how many decoder atoms (most-used latent dimensions first) are shown (0: none)
 * @param batchSize batch size of encoding and decoding
 * @param outputDir where {@code report.html} and its figures go; null means {@code
 *     MODEL_DIR/report}
 */
public record ReportOptions(int rows, int examples, int atoms, int batchSize, Path outputDir) {
  /** Name of the report directory inside a model directory. */
  public static final String DIRECTORY = "report";

  public ReportOptions {
    if (rows < 1) {
      throw new SdlgmException("--rows must be ≥ 1, got " + rows);
    }
    if (examples < 0 || examples > 400) {
      throw new SdlgmException("--examples must be in 0..400, got " + examples);
    }
    if (atoms < 0 || atoms > 400) {
      throw new SdlgmException("--atoms must be in 0..400, got " + atoms);
    }
    if (batchSize < 1) {
      throw new SdlgmException("batch size must be ≥ 1, got " + batchSize);
    }
  }

  /** 2,000 test rows, 24 examples, 24 atoms, batches of 500, output in {@code MODEL_DIR/report}. */
  public static ReportOptions defaults() {
    return new ReportOptions(2000, 24, 24, 500, null);
  }

  public ReportOptions withRows(int v) {
    return new ReportOptions(v, examples, atoms, batchSize, outputDir);
  }

  public ReportOptions withExamples(int v) {
    return new ReportOptions(rows, v, atoms, batchSize, outputDir);
  }

  public ReportOptions withAtoms(int v) {
    return new ReportOptions(rows, examples, v, batchSize, outputDir);
  }

  public ReportOptions withBatchSize(int v) {
    return new ReportOptions(rows, examples, atoms, v, outputDir);
  }

  public ReportOptions withOutputDir(Path v) {
    return new ReportOptions(rows, examples, atoms, batchSize, v);
  }

  /** The directory the report is written to for {@code modelDir}. */
  public Path outputFor(Path modelDir) {
    return outputDir != null ? outputDir : modelDir.resolve(DIRECTORY);
  }
}
