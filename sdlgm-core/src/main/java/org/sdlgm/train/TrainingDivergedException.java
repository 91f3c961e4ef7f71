package org.sdlgm.train;

import org.sdlgm.SdlgmException;

/**
 * Training produced a NaN or infinite loss. The run stops at once; the last checkpoint written
 * before the bad step is left intact so that the run can be resumed with other settings (a lower
 * learning rate, gradient clipping).
 */
public class TrainingDivergedException extends SdlgmException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
