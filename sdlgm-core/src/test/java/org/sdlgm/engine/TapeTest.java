package org.sdlgm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.model.KlV;
import org.sdlgm.model.LevelPrior;
import org.sdlgm.model.Method;
import org.sdlgm.model.Schedule;
import org.sdlgm.model.SdlgmBlock;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.Selection;
import org.sdlgm.model.SelectionGradient;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.TapedBlock;
import org.sdlgm.model.Terms;

/**
 * A training pass whose relaxation runs in Java and whose backward pass goes through a {@link Tape}
 * gives every parameter the gradient that libtorch's autograd gives the same pass computed entirely
 * by libtorch operations (same noise), and the same terms, for sdlgm at the identity, square and
 * general temperatures, sdlgm-fixed, the straight-through mask, learned selection and level priors,
 * the geometric prior while it phases in, KL_v over the selected dimensions, and a warm-up weight.
 */
class TapeTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void tapeGradientsEqualAutogradGradients() {
    SdlgmConfig base = GradientFixtures.smallConfig();
    compare(base, new Schedule(1.0, 1.0, 1.0));
    compare(base, new Schedule(0.5, 1.0, 1.0));
    compare(base, new Schedule(0.77, 1.0, 1.0));
    compare(base.toBuilder().method(Method.SDLGM_FIXED).build(), new Schedule(0.77, 1.0, 1.0));
    compare(base.toBuilder().straightThrough(true).build(), new Schedule(0.77, 1.0, 1.0));
    compare(base.toBuilder().learnSelectionPrior(true).build(), new Schedule(0.77, 1.0, 1.0));
    compare(base.toBuilder().levelPrior(LevelPrior.LEARNED).build(), new Schedule(0.77, 1.0, 1.0));
    compare(
        base.toBuilder().levelPrior(LevelPrior.GEOMETRIC).rho(0.6).build(),
        new Schedule(0.77, 0.3, 0.5));
    compare(base.toBuilder().klV(KlV.SELECTED).build(), new Schedule(0.77, 1.0, 1.0));
    compare(
        base.toBuilder().klV(KlV.SELECTED).straightThrough(true).method(Method.SDLGM_FIXED).build(),
        new Schedule(0.6, 1.0, 1.0));
    compare(
        base.toBuilder().selection(Selection.VALUES).selectionScale(3).build(),
        new Schedule(0.77, 1.0, 1.0));
    compare(
        base.toBuilder()
            .selection(Selection.VALUES)
            .straightThrough(true)
            .klV(KlV.SELECTED)
            .levelPrior(LevelPrior.GEOMETRIC)
            .targetNnz(2)
            .betaS(0.01)
            .build(),
        new Schedule(0.6, 1.0, 1.0));
    compare(
        base.toBuilder().selection(Selection.VALUES).straightThrough(true).build(),
        new Schedule(0.6, 1.0, 1.0, 0.0));
    compare(
        base.toBuilder()
            .selection(Selection.VALUES)
            .selectionGradient(SelectionGradient.NONE)
            .straightThrough(true)
            .build(),
        new Schedule(0.6, 1.0, 1.0));
  }

  /**
   * Without a selection gradient the forward pass is the same, so the decoder's gradient is too;
   * the value head's differs, because the relaxation no longer reaches μ through α = c·|μ|. Both
   * passes (tape and autograd) agree either way.
   */
  @Test
  void selectionWithoutGradientLeavesOnlyTheValuesPath() {
    SdlgmConfig relaxed =
        GradientFixtures.smallConfig().toBuilder()
            .selection(Selection.VALUES)
            .straightThrough(true)
            .klV(KlV.SELECTED)
            .build();
    Schedule s = new Schedule(0.6, 1.0, 1.0);
    Map<String, float[]> withGradient = compare(relaxed, s);
    Map<String, float[]> without =
        compare(relaxed.toBuilder().selectionGradient(SelectionGradient.NONE).build(), s);
    int decoderParts = 0;
    int valueParts = 0;
    for (Map.Entry<String, float[]> e : withGradient.entrySet()) {
      String name = e.getKey();
      if (name.contains("decoder_")) {
        assertArrayEquals(e.getValue(), without.get(name), 1e-6f, name);
        decoderParts++;
      } else if (name.contains("muHead_")) {
        assertFalse(Arrays.equals(e.getValue(), without.get(name)), name + " unchanged");
        valueParts++;
      }
    }
    assertTrue(decoderParts > 0 && valueParts > 0, "parameters found: " + withGradient.keySet());
  }

  /** Compares the two passes; returns the reference gradients by parameter name. */
  private static Map<String, float[]> compare(SdlgmConfig c, Schedule s) {
    String what =
        c.method()
            + " selection "
            + c.selection()
            + (c.straightThrough() ? " straight-through" : "")
            + (c.learnSelectionPrior() ? " learned β" : "")
            + " selection gradient "
            + c.selectionGradient()
            + ", prior "
            + c.levelPrior()
            + ", KL_v "
            + c.klV()
            + ", "
            + s;
    int b = 7;
    float[] x = GradientFixtures.uniformRows(b, 12, 3);
    // The same initial parameters for the same architecture, so that two configs can be compared.
    Engine.getInstance().setRandomSeed(11);
    try (SparseCoder coder = SparseCoder.create(c);
        NDManager m = coder.manager().newSubManager()) {
      List<Parameter> params = GradientFixtures.trainable(coder);
      boolean gradMode = JniUtils.isGradMode();
      JniUtils.setGradMode(true);
      try {
        Engine.getInstance().setRandomSeed(5);
        float[][] wantTerms =
            values(
                coder
                    .block()
                    .terms(
                        coder.store(),
                        SparseCoder.tensor(m, x, new Shape(b, 12)),
                        s,
                        false,
                        true,
                        Noise.DIRECT));
        float wantLoss = GradientFixtures.referencePass(coder, m, c, x, b, s, 5).getFloat();

        Engine.getInstance().setRandomSeed(5);
        PartGradients leaves = new PartGradients(m);
        Tape tape = new Tape();
        Terms taped =
            ((TapedBlock) coder.block())
                .terms(
                    leaves,
                    SparseCoder.tensor(m, x, new Shape(b, 12)),
                    s,
                    false,
                    true,
                    Noise.DIRECT,
                    tape);
        NDArray tapedLoss = taped.loss(s, b);
        tape.backward(tapedLoss);
        leaves.collectGradients();
        assertEquals(wantLoss, tapedLoss.getFloat(), 1e-4 * Math.max(1, Math.abs(wantLoss)), what);
        float[][] gotTerms = values(taped);
        String[] names = {"log-lik", "KL_L", "KL_S", "KL_v", "nnz"};
        for (int t = 0; t < names.length; t++) {
          for (int r = 0; r < b; r++) {
            float want = wantTerms[t][r];
            assertEquals(
                want,
                gotTerms[t][r],
                1e-4 * Math.max(1, Math.abs(want)),
                what + ": " + names[t] + " of row " + r);
          }
        }

        Map<String, float[]> gradients = new LinkedHashMap<>();
        for (var named : coder.block().getParameters()) {
          if (named.getValue().requiresGradient()) {
            gradients.put(named.getKey(), named.getValue().getArray().getGradient().toFloatArray());
          }
        }
        for (Parameter p : params) {
          float[] want = p.getArray().getGradient().toFloatArray();
          NDArray g = leaves.gradient(p);
          assertNotNull(g, what + ": " + p.getName() + " has a gradient");
          float[] got = g.toFloatArray();
          double scale = 1e-3;
          for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
          }
          for (int j = 0; j < want.length; j++) {
            assertEquals(want[j], got[j], 1e-4 * scale, what + ": " + p.getName() + "[" + j + "]");
          }
        }
        return gradients;
      } finally {
        JniUtils.setGradMode(gradMode);
      }
    }
  }

  private static float[][] values(Terms t) {
    return new float[][] {
      t.logLik().toFloatArray(),
      t.value(SdlgmBlock.KL_L).toFloatArray(),
      t.value(SdlgmBlock.KL_S).toFloatArray(),
      t.value(SdlgmBlock.KL_V).toFloatArray(),
      t.nnz().toFloatArray()
    };
  }
}
