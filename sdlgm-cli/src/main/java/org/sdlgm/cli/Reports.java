package org.sdlgm.cli;

import java.nio.file.Path;
import org.sdlgm.report.ReportOptions;
import org.sdlgm.report.RunReport;

/**
 * Writes the run report after {@code train} and {@code demo}. The model is already saved when
 * this runs, so a failure is a warning, not a failed command ({@code sdlgm report} can retry).
 */
final class Reports {
  private Reports() {}

  static void writeAfterTraining(Path modelDir) {
    try {
      Path html = RunReport.write(modelDir, ReportOptions.defaults());
      System.out.println("report written to " + html);
    } catch (RuntimeException e) {
      System.err.println("warning: the report could not be written (" + e.getMessage()
          + "); retry with 'sdlgm report " + modelDir + "'");
    }
  }
}
