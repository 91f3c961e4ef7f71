package org.sdlgm.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.sdlgm.model.Schedule;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.Terms;

/**
 * What the gradient tests of this package share: a small batch of rows, the model's trainable
 * parameters, and the reference pass — a whole batch through libtorch's graph alone, its gradients
 * left on the parameters themselves.
 */
final class GradientFixtures {
  private GradientFixtures() {}

  /** {@code rows} × {@code dim} values uniform in [0, 1), row-major. */
  static float[] uniformRows(int rows, int dim, long seed) {
    float[] x = new float[rows * dim];
    Random r = new Random(seed);
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    return x;
  }

  /**
   * A small model (12 inputs, K = 10, L0 = 4, one hidden layer of 16 each way) for gradient checks.
   */
  static SdlgmConfig smallConfig() {
    return SdlgmConfig.builder()
        .inputDim(12)
        .latentDim(10)
        .maxLevel(4)
        .encoderHidden(List.of(16))
        .decoderHidden(List.of(16))
        .build();
  }

  /** The parameters that take gradients, in the block's order. */
  static List<Parameter> trainable(SparseCoder coder) {
    List<Parameter> params = new ArrayList<>();
    for (Pair<String, Parameter> p : coder.block().getParameters()) {
      if (p.getValue().requiresGradient()) {
        params.add(p.getValue());
      }
    }
    return params;
  }

  /**
   * The reference pass: libtorch's generator seeded with {@code seed}, the whole batch through the
   * parameters themselves (grad mode must be on), and its backward pass; returns the loss.
   */
  static NDArray referencePass(
      SparseCoder coder, NDManager m, SdlgmConfig c, float[] x, int rows, Schedule s, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    Terms whole =
        coder
            .block()
            .terms(
                coder.store(),
                SparseCoder.tensor(m, x, new Shape(rows, c.inputDim())),
                s,
                false,
                true,
                Noise.DIRECT);
    NDArray loss = whole.loss(s, rows);
    JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(loss.getShape()), false, false);
    return loss;
  }
}
