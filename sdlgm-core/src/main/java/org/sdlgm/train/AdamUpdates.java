package org.sdlgm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
import org.sdlgm.model.Scalars;

/**
 * DJL's Adam applied directly to every trainable parameter of a block, as both trainers use
 * it: DJL's {@code Trainer} would first copy every gradient (for multi-device training that
 * does not happen here). {@link #apply} updates and zeroes the gradients (DJL's PyTorch Adam
 * does both in one native call per parameter); {@link #discard} only zeroes them, for a step
 * whose gradient was not finite.
 *
 * <p>Gradient clipping is applied here, to [−c, c], before Adam sees the gradient: DJL's
 * PyTorch Adam only clamps from above ({@code clamp_max}), which leaves large negative
 * gradients unclipped.
 */
public final class AdamUpdates {
  private final Optimizer optimizer;
  private final float clip;
  private final List<Parameter> trainable = new ArrayList<>();

  /** Adam with the learning rate and gradient clipping of {@code training}. */
  public AdamUpdates(Block block, TrainConfig training) {
    this.optimizer = Adam.builder()
        .optLearningRateTracker(Tracker.fixed((float) training.learningRate())).build();
    this.clip = (float) training.gradClip();
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        trainable.add(p.getValue());
      }
    }
  }

  public void apply() {
    for (Parameter p : trainable) {
      NDArray w = p.getArray();
      try (NDArray g = w.getGradient(); NDArray c = clip > 0 ? clipped(g, clip) : null) {
        optimizer.update(p.getId(), w, c == null ? g : c);
      }
    }
  }

  /** {@code g} clipped to [−c, c] element-wise (a new array). */
  static NDArray clipped(NDArray g, float c) {
    NDManager m = g.getManager();
    try (NDArray lo = Scalars.of(m, -c); NDArray hi = Scalars.of(m, c); NDArray low = g.maximum(lo)) {
      return low.minimum(hi);
    }
  }

  public void discard() {
    for (Parameter p : trainable) {
      JniUtils.zeroGrad((PtNDArray) p.getArray());
    }
  }
}
