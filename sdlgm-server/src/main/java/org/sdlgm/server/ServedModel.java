package org.sdlgm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.sdlgm.SdlgmException;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.model.LevelInference;

/**
 * The model a server answers with, loaded once: an unsupervised coder ({@link ServedCoder}) or a
 * multi-label tagger ({@link ServedTagger}), told apart by the {@code format} of the directory's
 * {@code config.json}.
 */
sealed interface ServedModel extends AutoCloseable permits ServedCoder, ServedTagger {

  /**
   * Loads the model of {@code dir}, whichever kind it is; an unsupervised coder encodes with {@code
   * levelInference} (null: its own). A tagger has no level inference to override.
   */
  static ServedModel load(Path dir, LevelInference levelInference) {
    String format = ModelDirectory.formatOf(dir);
    if (ModelDirectory.TAGGER_FORMAT.equals(format)) {
      if (levelInference != null) {
        throw new SdlgmException(
            "--level-inference: "
                + dir
                + " is a multi-label model, whose label count comes from its level head; the "
                + "option applies to unsupervised models");
      }
      return ServedTagger.load(dir);
    }
    return ServedCoder.load(dir, levelInference);
  }

  /**
   * Whether {@code a[from .. from + n)} are all finite: a finite input can still be too large for
   * the network, whose output then overflows, and the API promises numbers.
   */
  static boolean allFinite(float[] a, int from, int n) {
    for (int i = from; i < from + n; i++) {
      if (!Float.isFinite(a[i])) {
        return false;
      }
    }
    return true;
  }

  /** "coder" or "tagger". */
  String kind();

  /** The width of an input row. */
  int inputDim();

  /** What {@code GET /v1/model} reports: kind, widths, configuration, provenance, metrics. */
  ObjectNode describe();

  @Override
  void close();
}
