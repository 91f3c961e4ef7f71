package org.sdlgm.train;

import java.util.List;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.model.TrainedModel;

/**
 * What a finished training run of either task leaves ({@link Trainer#fit}): the trained model
 * (owning native memory: close it, or close this run), the per-epoch history, the wall-clock time
 * spent in training steps, and the epoch whose parameters the model holds (the last one, or the
 * best by validation when a trainer was asked to keep it).
 *
 * @param <M> the model type
 */
public record TrainingRun<M extends TrainedModel<?>>(
    M model, List<EpochRecord> history, double trainSeconds, int epochKept)
    implements AutoCloseable {

  public TrainingRun {
    history = List.copyOf(history);
  }

  /** Closes the model. */
  @Override
  public void close() {
    model.close();
  }
}
