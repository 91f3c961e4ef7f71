package org.sdlgm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ordinal q(L | x) is a discretised Gaussian over the levels: log q(l) is a concave quadratic
 * in l (constant negative second differences) whose curvature is at most 1/s_min², for the codes
 * {@code encode} writes as well as for any input.
 */
class LevelPosteriorTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void ordinalLevelProbabilitiesAreADiscretisedGaussian() {
    Engine.getInstance().setRandomSeed(5);
    int d = 12;
    int l0 = 6;
    SdlgmConfig c =
        SdlgmConfig.builder()
            .inputDim(d)
            .latentDim(10)
            .maxLevel(l0)
            .encoderHidden(List.of(16))
            .decoderHidden(List.of(16))
            .levelPosterior(LevelPosterior.ORDINAL)
            .build();
    try (SparseCoder coder = SparseCoder.create(c)) {
      int n = 8;
      float[] x = new float[n * d];
      java.util.Random r = new java.util.Random(1);
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextFloat();
      }
      List<SparseCode> codes = coder.encode(x, n, n);
      for (SparseCode code : codes) {
        float[] p = code.levelProbs();
        assertEquals(l0, p.length);
        double second = Math.log(p[2]) - 2 * Math.log(p[1]) + Math.log(p[0]);
        for (int l = 1; l + 1 < l0; l++) {
          double d2 = Math.log(p[l + 1]) - 2 * Math.log(p[l]) + Math.log(p[l - 1]);
          assertEquals(second, d2, 1e-3 * (1 + Math.abs(second)), "second difference at " + l);
        }
        double spread = Math.sqrt(-1 / second);
        assertTrue(second < 0 && spread >= LevelPosterior.MIN_SPREAD - 1e-4, "s = " + spread);
        int argmax = 0;
        for (int l = 1; l < l0; l++) {
          if (p[l] > p[argmax]) {
            argmax = l;
          }
        }
        assertEquals(argmax + 1, code.level());
      }
    }
  }
}
