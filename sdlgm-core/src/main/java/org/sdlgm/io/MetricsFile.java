package org.sdlgm.io;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The content of {@code metrics.json}: one shape for both tasks, written by {@code train} into the
 * model directory and by {@code eval --json} wherever asked, and read by the report, the server and
 * the experiment tables. The two tasks differ only in {@code evaluation}: the test metrics of a
 * sparse coder (with its ELBO terms by name), or of a multi-label model per set rule.
 *
 * @param format the model directory's format ({@link ModelDirectory#FORMAT} or {@link
 *     ModelDirectory#TAGGER_FORMAT}), which says what {@code evaluation} holds
 * @param testData the data spec of the test rows
 * @param testSize the number of test rows
 * @param trainSeconds the training time, or null when written by {@code eval}
 * @param epochKept the epoch whose parameters the model kept, or null when it is the last one
 *     (every sparse coder)
 * @param evaluation the task's test metrics
 * @param provenance the software and command that wrote the file
 * @param <E> the type of the task's test metrics
 */
public record MetricsFile<E>(
    String format,
    String testData,
    int testSize,
    Double trainSeconds,
    Integer epochKept,
    E evaluation,
    Provenance provenance) {

  /** The name of the member that holds the task's test metrics. */
  public static final String EVALUATION = "evaluation";

  /**
   * The test metrics of a {@code metrics.json} read as a tree: its {@link #EVALUATION} member, the
   * {@code evaluations} member of multi-label files written before the two tasks shared this shape,
   * or the whole tree of an {@code eval --json} file that held only the metrics.
   */
  public static JsonNode evaluation(JsonNode metrics) {
    if (metrics.has(EVALUATION)) {
      return metrics.path(EVALUATION);
    }
    return metrics.has("evaluations") ? metrics.path("evaluations") : metrics;
  }
}
