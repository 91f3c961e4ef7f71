package org.sdlgm.train;

import java.util.List;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.model.SparseCoder;

/**
 * What a finished training run leaves: the trained model (owning native memory: close it), the
 * per-epoch history and the wall-clock time spent in training steps.
 */
public record TrainingRun(SparseCoder coder, List<EpochRecord> history, double trainSeconds) {}
