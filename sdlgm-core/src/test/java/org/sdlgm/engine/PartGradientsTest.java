package org.sdlgm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.model.Schedule;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.Terms;

/**
 * A batch split into three parts, each collecting its own gradients on leaves that share the
 * parameters' memory, gives (summed in part order) the gradient of the whole batch, and leaves the
 * parameters' own gradients untouched.
 */
class PartGradientsTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void threePartsSumToTheWholeBatchGradient() {
    SdlgmConfig c = GradientFixtures.smallConfig();
    int b = 9;
    float[] x = GradientFixtures.uniformRows(b, 12, 4);
    Schedule s = new Schedule(0.8, 1.0, 1.0);
    try (SparseCoder coder = SparseCoder.create(c);
        NDManager m = coder.manager().newSubManager()) {
      List<Parameter> params = GradientFixtures.trainable(coder);
      boolean gradMode = JniUtils.isGradMode();
      JniUtils.setGradMode(true);
      try {
        // The whole batch through the parameters themselves.
        GradientFixtures.referencePass(coder, m, c, x, b, s, 2);
        List<float[]> expected = new ArrayList<>();
        for (Parameter p : params) {
          expected.add(p.getArray().getGradient().toFloatArray());
        }

        // Three parts, each into its own leaves, processed last part first.
        Engine.getInstance().setRandomSeed(2);
        BatchNoise noise = new BatchNoise(m, b);
        long[] bounds = Workers.bounds(b, 3);
        List<PartGradients> parts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          parts.add(new PartGradients(m));
        }
        for (int i = 2; i >= 0; i--) {
          int from = (int) bounds[i];
          int to = (int) bounds[i + 1];
          Terms t =
              coder
                  .block()
                  .terms(
                      parts.get(i),
                      SparseCoder.tensor(m, x, from * 12, new Shape(to - from, 12)),
                      s,
                      false,
                      true,
                      noise.rows(from, to));
          NDArray share = t.loss(s, b);
          JniUtils.backward((PtNDArray) share, (PtNDArray) m.ones(share.getShape()), false, false);
          parts.get(i).collectGradients();
        }
        for (int k = 0; k < params.size(); k++) {
          float[] sum = null;
          for (PartGradients part : parts) {
            NDArray g = part.gradient(params.get(k));
            assertNotNull(g, params.get(k).getName() + " has a gradient in every part");
            float[] gv = g.toFloatArray();
            if (sum == null) {
              sum = gv;
            } else {
              for (int j = 0; j < sum.length; j++) {
                sum[j] += gv[j];
              }
            }
          }
          float[] want = expected.get(k);
          for (int j = 0; j < want.length; j++) {
            assertEquals(
                want[j],
                sum[j],
                1e-4 * Math.max(1, Math.abs(want[j])),
                params.get(k).getName() + "[" + j + "]");
          }
          // The parameters' own gradients hold the whole-batch pass only.
          float[] own = params.get(k).getArray().getGradient().toFloatArray();
          assertTrue(java.util.Arrays.equals(want, own), params.get(k).getName());
        }
      } finally {
        JniUtils.setGradMode(gradMode);
      }
    }
  }
}
