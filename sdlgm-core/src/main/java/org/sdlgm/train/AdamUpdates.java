package org.sdlgm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * DJL's Adam applied directly to every trainable parameter of a block, as both trainers use
 * it: DJL's {@code Trainer} would first copy every gradient (for multi-device training that
 * does not happen here). {@link #apply} updates and zeroes the gradients (DJL's PyTorch Adam
 * does both in one native call per parameter); {@link #discard} only zeroes them, for a step
 * whose gradient was not finite.
 */
public final class AdamUpdates {
  private final Optimizer optimizer;
  private final List<Parameter> trainable = new ArrayList<>();

  /** Adam with the learning rate and gradient clipping of {@code training}. */
  public AdamUpdates(Block block, TrainConfig training) {
    Adam.Builder adam = Adam.builder().optLearningRateTracker(Tracker.fixed((float) training.learningRate()));
    if (training.gradClip() > 0) {
      adam.optClipGrad((float) training.gradClip());
    }
    this.optimizer = adam.build();
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        trainable.add(p.getValue());
      }
    }
  }

  /** The parameters that receive updates, in the block's order. */
  public List<Parameter> trainable() {
    return List.copyOf(trainable);
  }

  public void apply() {
    for (Parameter p : trainable) {
      NDArray w = p.getArray();
      try (NDArray g = w.getGradient()) {
        optimizer.update(p.getId(), w, g);
      }
    }
  }

  public void discard() {
    for (Parameter p : trainable) {
      JniUtils.zeroGrad((PtNDArray) p.getArray());
    }
  }
}
