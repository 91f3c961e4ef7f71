package org.sdlgm.cli;

import java.nio.file.Path;
import org.sdlgm.SdlgmException;
import org.sdlgm.report.ReportOptions;
import org.sdlgm.report.RunReport;

/**
 * Writes the run report after {@code train} and {@code demo}. The model is already saved when this
 * runs, so a failure is a warning, not a failed command ({@code sdlgm report} can retry).
 */
final class Reports {
  private Reports() {}

  static void writeAfterTraining(Path modelDir) {
    try {
      Path html = RunReport.write(modelDir, ReportOptions.defaults());
      System.out.println("report written to " + html);
    } catch (SdlgmException | java.io.UncheckedIOException e) {
      System.err.println(
          "warning: the report could not be written ("
              + e.getMessage()
              + "); retry with 'sdlgm report "
              + modelDir
              + "'");
    } catch (RuntimeException e) {
      // A bug in the report must not fail a saved model, nor pass for bad input.
      System.err.println(
          "warning: the report could not be written because of a bug in sdlgm ("
              + e
              + "); "
              + BugReport.log(e, new String[] {"report", modelDir.toString()})
              + "; please report it");
    }
  }
}
