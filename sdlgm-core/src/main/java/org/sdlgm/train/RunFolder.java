package org.sdlgm.train;

import java.nio.file.Path;
import org.sdlgm.io.Checkpoint;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.RunLock;

/**
 * The model folder of one training run, as both workflows use it: {@link #open} locks it ({@link
 * RunLock}) and decides whether the run may write it ({@link ModelDirectory#checkRun}), verifying
 * the checkpoint at once when resuming; nothing is deleted until {@link #begin}, which the workflow
 * calls once the data has loaded and every up-front check has passed. A run that ends before {@link
 * #begin} leaves the folder as it found it (and removes it if it created it). Closing releases the
 * lock.
 */
public final class RunFolder implements AutoCloseable {
  private final RunLock lock;
  private final boolean clear;
  private final Checkpoint checkpoint;
  private boolean begun;

  private RunFolder(RunLock lock, boolean clear, Checkpoint checkpoint) {
    this.lock = lock;
    this.clear = clear;
    this.checkpoint = checkpoint;
  }

  /** The checkpoint {@link #open} verified for a resume (null when not resuming). */
  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /**
   * Locks and checks {@code dir} for a run writing a model of {@code kind} ({@link
   * ModelDirectory#FORMAT} or {@link ModelDirectory#TAGGER_FORMAT}).
   */
  public static RunFolder open(Path dir, String kind, boolean overwrite, boolean resume) {
    return open(dir, kind, overwrite, resume, "sdlgm train");
  }

  /** As {@link #open(Path, String, boolean, boolean)}, for the command named {@code who}. */
  public static RunFolder open(
      Path dir, String kind, boolean overwrite, boolean resume, String who) {
    ModelDirectory.checkWritable(dir, overwrite || resume);
    RunLock lock = RunLock.acquire(dir, who);
    try {
      boolean clear = ModelDirectory.checkRun(dir, overwrite, resume);
      return new RunFolder(lock, clear, resume ? Checkpoint.read(dir, kind) : null);
    } catch (RuntimeException e) {
      lock.abandon();
      throw e;
    }
  }

  /**
   * The run starts writing: what a previous model left is deleted now (see {@link
   * ModelDirectory#clearForRun}).
   */
  public void begin() {
    if (clear) {
      ModelDirectory.clearForRun(lock.dir());
    }
    begun = true;
  }

  @Override
  public void close() {
    if (begun) {
      lock.close();
    } else {
      lock.abandon();
    }
  }
}
