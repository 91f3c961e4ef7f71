package org.sdlgm.model;

import ai.djl.nn.Block;
import java.nio.file.Path;
import org.sdlgm.data.Preprocessing;
import org.sdlgm.engine.Workers;

/**
 * A trained model of either task — the unsupervised {@link SparseCoder} and the multi-label {@code
 * Tagger} — as the rest of the library handles it: its resolved configuration, its kind, the fitted
 * preprocessing it applies to the raw rows it is given, its parameters (in the one format of {@link
 * Parameters}), the threads it shares its work among, and the native memory it owns, released by
 * {@link #close}. The model directory ({@code io.ModelDirectory}) saves and loads every trained
 * model through this contract, in one layout; what a model does with rows (encode, predict) is its
 * own.
 *
 * @param <C> the configuration type
 */
public interface TrainedModel<C> extends AutoCloseable {
  /** The resolved configuration (no value left to be taken from the data). */
  C config();

  /**
   * The model's kind as its directory's {@code config.json} and its checkpoints record it ({@link
   * SparseCoder#FORMAT} or the tagger's).
   */
  String format();

  /** The fitted preprocessing this model applies to the raw rows it is given (identity if none). */
  Preprocessing preprocessing();

  /** The network whose parameters this model saves and loads. */
  Block block();

  /** Writes the parameters to {@code file} atomically (temporary file, then rename). */
  default void saveParameters(Path file) {
    Parameters.write(block(), file);
  }

  /** The parameters in the format of {@link #saveParameters}, in memory. */
  default byte[] parameters() {
    return Parameters.bytes(block());
  }

  /** The size in bytes of this model's parameter file, counted without writing it. */
  default long parameterBytes() {
    return Parameters.size(block());
  }

  /**
   * The threads this model's batches are shared among (training steps and their updates, encoding,
   * scoring): made on first use and ended by {@link #close}.
   */
  Workers workers();

  /** Releases the model's native memory and its threads. */
  @Override
  void close();
}
