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
    assertNull(Collapse.message(5, 4, 10, 1.0));
    assertNull(Collapse.message(5, 2.5, 10, 1.0));
    assertTrue(Collapse.message(5, 2.4, 10, 1.0).startsWith("partial collapse"));
    String full = Collapse.message(5, 0.05, 0.001, 1.0);
    assertTrue(full.startsWith("posterior collapse"), full);
    assertTrue(full.contains("--beta-v"), full);
    String autoencoder = Collapse.message(20, 7, Double.NaN, Double.NaN);
    assertTrue(autoencoder.startsWith("partial collapse"), autoencoder);
    assertTrue(!autoencoder.contains("--beta-v") && autoencoder.contains("--delta"), autoencoder);
    assertTrue(Collapse.message(5, 0.0, Double.NaN, Double.NaN).startsWith("posterior collapse"));
    assertNull(Collapse.message(0, 0, 0, 1.0), "a code with no non-zeros at all is not a collapse");
    // KL weights already down-weighted: filler is a budget wider than the data needs, and
    // lowering the weights is not the advice; a full collapse still points at the KL terms.
    String lowKl = Collapse.message(10, 3.3, 10, 0.01);
    assertTrue(lowKl.startsWith("partial collapse"), lowKl);
    assertTrue(!lowKl.contains("--beta-v") && lowKl.contains("--target-nnz"), lowKl);
    assertTrue(Collapse.message(10, 3.3, 10, 1.0).contains("--beta-v"));
    assertTrue(Collapse.message(10, 0.05, 0.001, 0.01).contains("--beta-v"));
  }

  @Test
  void warnsOnAModelWhoseDecoderIgnoresTheCode() {
    TrainTest data =
        DataSpecs.parse("synthetic:n=200,test=100,seed=3,dim=48,atoms=8,lmax=3").load();
    SdlgmConfig c =
        SdlgmConfig.builder()
            .inputDim(48)
            .latentDim(12)
            .maxLevel(4)
            .encoderHidden(List.of(16))
            .decoderHidden(List.of(16))
            .build();
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
      assertNotNull(collapsed.collapseWarning());
      assertTrue(
          collapsed.collapseWarning().startsWith("posterior collapse"),
          collapsed.collapseWarning());
    }
  }
}
