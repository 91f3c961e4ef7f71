package org.sdlgm.train;

import java.nio.file.Path;
import org.sdlgm.io.Checkpoint;
import org.sdlgm.io.RunOptions;
import org.sdlgm.model.TrainedModel;

/**
 * Fits a model of one task from its configurations: the one trainer contract, implemented by {@link
 * SdlgmTrainer} (unsupervised codes) and the multi-label {@code TaggerTrainer}. Settings that do
 * not change the model — listeners, the folder that receives checkpoints, resuming — are given
 * before {@link #fit}; both trainers share the loop's plumbing ({@link TrainingLoop}: seeds,
 * divergence guard, checkpoints and their one position format). A trainer may be fitted more than
 * once; each fit starts from its seeds, so it gives the same model from the same data.
 *
 * @param <D> the training data type
 * @param <M> the model type
 */
public interface Trainer<D, M extends TrainedModel<?>> {
  /** Adds a listener; returns this. */
  Trainer<D, M> addListener(TrainingListener listener);

  /**
   * The options of the run beyond the model and training configurations that change its result (the
   * data spec, the preprocessing, …): recorded in each checkpoint and, with the model's and the
   * training's, required unchanged by a resume.
   */
  Trainer<D, M> options(RunOptions options);

  /** The model folder that receives a {@link Checkpoint} as training goes; null (default): none. */
  Trainer<D, M> outputDir(Path dir);

  /** Continue from the checkpoint in {@link #outputDir} instead of starting anew. */
  Trainer<D, M> resume(boolean resume);

  /**
   * The checkpoint of the output folder as the caller already read and verified it (its {@link
   * RunFolder} did), so that a resume does not read and hash it again; null: read it here.
   */
  Trainer<D, M> verifiedCheckpoint(Checkpoint checkpoint);

  /** Trains on {@code train}, scoring {@code validation} (may be null) after each epoch. */
  TrainingRun<M> fit(D train, D validation);

  /** Trains on {@code train} without validation rows. */
  default TrainingRun<M> fit(D train) {
    return fit(train, null);
  }
}
