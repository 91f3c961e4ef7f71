package org.sdlgm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.TrainTest;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;

/** The collapse check: its thresholds, and the warning on a model whose decoder ignores z. */
class CollapseTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void thresholds() {
    double nan = Double.NaN;
    assertNull(Collapse.message(5, 4, 10, 1.0, nan, nan));
    assertNull(Collapse.message(5, 2.5, 10, 1.0, nan, nan));
    assertTrue(Collapse.message(5, 2.4, 10, 1.0, nan, nan).startsWith("partial collapse"));
    String full = Collapse.message(5, 0.05, 0.001, 1.0, 20, 20);
    assertTrue(full.startsWith("posterior collapse"), full);
    assertTrue(full.contains("--beta-v"), full);
    String autoencoder = Collapse.message(20, 7, nan, nan, 10, 10.5);
    assertTrue(autoencoder.startsWith("partial collapse"), autoencoder);
    assertTrue(!autoencoder.contains("--beta-v") && autoencoder.contains("budget"), autoencoder);
    assertTrue(autoencoder.contains("5.0%"), autoencoder);
    assertTrue(Collapse.message(5, 0.0, nan, nan, nan, nan).startsWith("posterior collapse"));
    assertNull(
        Collapse.message(0, 0, 0, 1.0, 1, 1), "a code with no non-zeros at all is not a collapse");
    // KL weights already down-weighted: filler is a budget wider than the data needs, and
    // lowering the weights is not the advice; a full collapse still points at the KL terms (to
    // 0), at training longer and at δ, never at --plain the model was not trained with.
    String lowKl = Collapse.message(10, 3.3, 10, 0.01, 10, 10.9);
    assertTrue(lowKl.startsWith("partial collapse"), lowKl);
    assertTrue(!lowKl.contains("--beta-v") && lowKl.contains("--target-nnz"), lowKl);
    assertTrue(Collapse.message(10, 3.3, 10, 1.0, 10, 10.9).contains("--beta-v"));
    String lowKlFull = Collapse.message(10, 0.05, 0.001, 0.01, 10, 50);
    assertTrue(lowKlFull.startsWith("posterior collapse"), lowKlFull);
    assertTrue(lowKlFull.contains("--beta-v") && lowKlFull.contains("--epochs"), lowKlFull);
    assertTrue(!lowKlFull.contains("--plain") && !lowKlFull.contains("(e.g. 0.01)"), lowKlFull);
    assertTrue(Collapse.message(10, 0.05, 0.001, 1.0, 10, 50).contains("Train without --plain"));
  }

  @Test
  void smallEntriesThatCarryDetailAreNotFiller() {
    // Budget 20 on Fashion-MNIST: 4.8 of 20.3 entries move x̂ by more than δ, but keeping only
    // them raises the error from 7.64 to 12.68 — the rest is detail, not a collapse.
    assertNull(Collapse.message(20.33, 4.83, 10, 0.01, 7.644, 12.681));
    assertNull(Collapse.message(20, 6.69, Double.NaN, Double.NaN, 7.492, 11.597));
    // The plain ELBO at the same budget: dropping its non-effective entries costs 3%.
    String plain = Collapse.message(20.42, 2.18, 10, 1.0, 24.868, 25.598);
    assertTrue(plain.startsWith("partial collapse") && plain.contains("2.9%"), plain);
    // Dropping filler may even lower the error a little: no negative percentage.
    String lower = Collapse.message(10, 2, 10, 0.01, 10, 9.9);
    assertTrue(lower.contains("does not raise the reconstruction error (10.000 to 9.900)"), lower);
    // Exactly at the limit is still filler; just above it is not.
    assertNotNull(Collapse.message(10, 2, 10, 0.01, 10, 10 * (1 + Collapse.FILLER_COST)));
    assertNull(Collapse.message(10, 2, 10, 0.01, 10, 10 * (1 + Collapse.FILLER_COST) + 1e-6));
  }

  @Test
  void reconstructionAtTheEffectiveSupportKeepsOnlyThoseEntries() {
    TrainTest data =
        DataSpecs.parse("synthetic:n=200,test=100,seed=3,dim=48,atoms=8,lmax=3").load();
    EvalOptions noProbe = EvalOptions.defaults().withProbe(false);
    // A fixed initialisation: an unlucky random one can decode the code to almost the same x̂ as
    // the zero code, and the last assertion needs them apart.
    ai.djl.engine.Engine.getInstance().setRandomSeed(7);
    try (SparseCoder coder = SparseCoder.create(smallConfig())) {
      Evaluation all = new Evaluator(noProbe.withDelta(0)).evaluate(coder, null, data.test());
      Evaluation none = new Evaluator(noProbe.withDelta(1e9)).evaluate(coder, null, data.test());
      assertEquals(all.nnz().mean(), all.effectiveNnz().mean(), 1e-9);
      assertEquals(all.reconError(), all.reconErrorEffective(), 1e-9 * all.reconError());
      assertEquals(0.0, none.effectiveNnz().mean());
      // With nothing effective, the code is decoded as all zeros: a different reconstruction.
      float[] zero = coder.decodeMean(new float[12], 1, 1);
      double expected = 0;
      float[] x = data.test().features();
      for (int i = 0; i < data.test().size(); i++) {
        for (int t = 0; t < 48; t++) {
          double e = x[i * 48 + t] - zero[t];
          expected += e * e;
        }
      }
      expected /= data.test().size();
      assertEquals(expected, none.reconErrorEffective(), 1e-4 * expected);
      // δ's yardstick: the test rows' mean L2 norm.
      double norms = 0;
      for (int i = 0; i < data.test().size(); i++) {
        double sq = 0;
        for (int t = 0; t < 48; t++) {
          sq += x[i * 48 + t] * x[i * 48 + t];
        }
        norms += Math.sqrt(sq);
      }
      assertEquals(norms / data.test().size(), all.meanInputNorm(), 1e-9 * norms);
      assertTrue(all.meanInputNorm() > 0);
      assertTrue(Math.abs(none.reconErrorEffective() - none.reconError()) > 1e-3);
    }
  }

  private static SdlgmConfig smallConfig() {
    return SdlgmConfig.builder()
        .inputDim(48)
        .latentDim(12)
        .maxLevel(4)
        .encoderHidden(List.of(16))
        .decoderHidden(List.of(16))
        .build();
  }

  @Test
  void warnsOnAModelWhoseDecoderIgnoresTheCode() {
    TrainTest data =
        DataSpecs.parse("synthetic:n=200,test=100,seed=3,dim=48,atoms=8,lmax=3").load();
    SdlgmConfig c = smallConfig();
    EvalOptions noProbe = EvalOptions.defaults().withProbe(false);
    try (SparseCoder coder = SparseCoder.create(c)) {
      // What a collapsed decoder does: its first layer does not read z at all.
      for (Pair<String, Parameter> p : coder.block().getParameters()) {
        if (p.getKey().contains("decoder") && p.getKey().endsWith("weight")) {
          NDArray w = p.getValue().getArray();
          w.muli(0f);
          break;
        }
      }
      Evaluation collapsed = new Evaluator(noProbe).evaluate(coder, null, data.test());
      assertEquals(0.0, collapsed.effectiveNnz().mean());
      assertEquals(collapsed.reconError(), collapsed.reconErrorEffective(), 1e-6);
      assertNotNull(collapsed.collapseWarning());
      assertTrue(
          collapsed.collapseWarning().startsWith("posterior collapse"),
          collapsed.collapseWarning());
    }
  }
}
