package org.sdlgm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sdlgm.SdlgmException;
import org.sdlgm.report.ReportOptions;
import org.sdlgm.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sdlgm report}: an HTML page with plots for a model directory (sdlgm-report). */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
      "Write an HTML report with plots for a trained model.",
      "",
      "Writes MODEL_DIR/report/report.html and the PNG figures it shows: run",
      "summary, learning curves of every loss term and of τ, the histogram of L̂",
      "against the cap L0 (per class with labels; against L_true on synthetic data),",
      "inputs beside their reconstructions and decoder atoms for image data, and how",
      "often each latent dimension is used. The page is self-contained (relative",
      "image paths, no script, no network). The data named in the model's",
      "config.json is loaded; the figures use its first --rows test rows.",
      "For a multi-label model (train --task multilabel): summary with the metrics",
      "of each set rule, learning curves, predicted against true set size, P@k and",
      "nDCG@k bars, and a table of example predictions with label names.",
      "",
      "Example: sdlgm report runs/fmnist"
    })
final class ReportCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "MODEL_DIR",
      description = "Model directory.")
  Path modelArg;

  @Option(
      names = {"-m", "--model"},
      paramLabel = "DIR",
      description = "Model directory (instead of MODEL_DIR).")
  Path modelOption;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      description = "Report directory (default MODEL_DIR/report).")
  Path out;

  @Option(
      names = "--rows",
      paramLabel = "N",
      description = "Test rows encoded for the figures (default 2000).")
  int rows = ReportOptions.defaults().rows();

  @Option(
      names = "--examples",
      paramLabel = "N",
      description = "Inputs shown beside their reconstructions (default 24; 0: none).")
  int examples = ReportOptions.defaults().examples();

  @Option(
      names = "--atoms",
      paramLabel = "N",
      description = "Decoder atoms shown (default 24; 0: none).")
  int atoms = ReportOptions.defaults().atoms();

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() {
    if ((modelArg == null) == (modelOption == null)) {
      throw new SdlgmException(
          modelArg == null
              ? "no model directory: give MODEL_DIR (see 'sdlgm report --help')"
              : "give the model directory once: MODEL_DIR or --model, not both");
    }
    // Figures are drawn without a display; set before the first AWT class loads.
    System.setProperty("java.awt.headless", "true");
    Path model = modelArg != null ? modelArg : modelOption;
    ReportOptions options =
        ReportOptions.defaults()
            .withRows(rows)
            .withExamples(examples)
            .withAtoms(atoms)
            .withOutputDir(out);
    checkModel(model);
    Path html = RunReport.write(model, options);
    System.out.println("report written to " + html);
    return 0;
  }

  /**
   * A report of a folder whose parameters are missing or do not match its configuration, or whose
   * data cannot be loaded, would be a page of notes instead of figures: refuse it up front, naming
   * the file or the data spec.
   */
  private static void checkModel(Path model) {
    if (org.sdlgm.io.ModelDirectory.TAGGER_FORMAT.equals(
        org.sdlgm.io.ModelDirectory.formatOf(model))) {
      org.sdlgm.io.ModelInfo<org.sdlgm.model.multilabel.TaggerConfig, org.sdlgm.io.MultiLabelSchema>
          info = org.sdlgm.io.ModelDirectory.readTaggerInfo(model);
      org.sdlgm.io.ModelDirectory.loadTagger(model, info).close();
      checkData(info.data().spec(), () -> info.data().plan().load());
    } else {
      org.sdlgm.io.ModelInfo<org.sdlgm.model.SdlgmConfig, org.sdlgm.io.DataSchema> info =
          org.sdlgm.io.ModelDirectory.readCoderInfo(model);
      org.sdlgm.io.ModelDirectory.checkParams(model, info);
      // An unreadable scaling.json would leave every figure that needs codes out.
      org.sdlgm.io.ModelDirectory.readScaling(model, info);
      checkData(info.data().spec(), () -> info.data().plan().load());
    }
  }

  private static void checkData(String spec, Runnable load) {
    try {
      load.run();
    } catch (SdlgmException e) {
      throw new SdlgmException(
          "the run's data ("
              + spec
              + ") cannot be loaded, and the report "
              + "needs it for its figures: "
              + e.getMessage());
    }
  }
}
