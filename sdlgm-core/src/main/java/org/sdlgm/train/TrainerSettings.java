package org.sdlgm.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sdlgm.io.Checkpoint;
import org.sdlgm.io.RunOptions;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.TrainedModel;

/**
 * The settings every {@link Trainer} takes before {@link Trainer#fit} — listeners, run options, the
 * output folder, resuming and an already verified checkpoint — kept once for both trainers, with
 * the two steps of a fit that read them: the {@link TrainingLoop} of the run and, on a resume, the
 * checkpoint it starts from. A trainer adds its own settings and its fit.
 *
 * @param <D> the training data type
 * @param <M> the model type
 * @param <T> the trainer itself, so that its setters chain into its own settings
 */
public abstract class TrainerSettings<
        D, M extends TrainedModel<?>, T extends TrainerSettings<D, M, T>>
    implements Trainer<D, M> {
  private final List<TrainingListener> listeners = new ArrayList<>();
  private RunOptions dataOptions = RunOptions.builder().build();
  private Path outputDir;
  private boolean resume;
  private Checkpoint verified;

  /** This trainer, typed as itself. */
  protected abstract T self();

  @Override
  public final T addListener(TrainingListener l) {
    listeners.add(l);
    return self();
  }

  @Override
  public final T options(RunOptions v) {
    dataOptions = v;
    return self();
  }

  @Override
  public final T outputDir(Path dir) {
    outputDir = dir;
    return self();
  }

  @Override
  public final T resume(boolean v) {
    resume = v;
    return self();
  }

  @Override
  public final T verifiedCheckpoint(Checkpoint c) {
    verified = c;
    return self();
  }

  /** The run options given with {@link #options}. */
  protected final RunOptions dataOptions() {
    return dataOptions;
  }

  /** The loop of one fit: {@code training}'s seeds and checkpoints in the output folder. */
  protected final TrainingLoop newLoop(TrainConfig training, String format) {
    return new TrainingLoop(training, format, outputDir, listeners);
  }

  /** The checkpoint a resume starts from ({@code options} must match it), or null without one. */
  protected final TrainingLoop.Start start(TrainingLoop loop, RunOptions options) {
    return resume ? loop.resume(verified, options) : null;
  }
}
