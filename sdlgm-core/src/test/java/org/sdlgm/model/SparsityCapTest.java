package org.sdlgm.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The central promise: no code ever has more than L0 non-zeros, whatever the input — random, huge,
 * zero, constant, negative — for many seeds (freshly initialised networks of different shapes stand
 * in for arbitrary trained ones).
 */
class SparsityCapTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"SDLGM", "SDLGM_FIXED", "TOPK_AE"})
  void everyCodeRespectsTheCap(Method method) {
    int d = 20;
    for (int seed = 0; seed < 12; seed++) {
      Random rnd = new Random(seed);
      int k = 4 + rnd.nextInt(30);
      int l0 = 1 + rnd.nextInt(k);
      Engine.getInstance().setRandomSeed(seed);
      SdlgmConfig c =
          SdlgmConfig.builder()
              .method(method)
              .inputDim(d)
              .latentDim(k)
              .maxLevel(l0)
              .encoderHidden(List.of(16))
              .decoderHidden(List.of(16))
              .decoder(seed % 2 == 0 ? Decoder.MLP : Decoder.LINEAR)
              .likelihood(seed % 3 == 0 ? Likelihood.GAUSSIAN : Likelihood.BERNOULLI)
              .levelPrior(LevelPrior.values()[seed % 3])
              .build();
      try (SparseCoder coder = SparseCoder.create(c)) {
        for (float[] rows : inputs(rnd, d)) {
          int n = rows.length / d;
          List<SparseCode> codes = coder.encode(rows, n, 7);
          for (SparseCode code : codes) {
            assertTrue(
                code.nnz() <= l0, method + " seed " + seed + ": nnz " + code.nnz() + " > L0 " + l0);
            assertTrue(code.level() >= 0 && code.level() <= l0, "level " + code.level());
            assertTrue(code.indices().length == code.values().length);
            for (int idx : code.indices()) {
              assertTrue(idx >= 0 && idx < k);
            }
          }
        }
      }
    }
  }

  private static List<float[]> inputs(Random rnd, int d) {
    int n = 15;
    float[] random = new float[n * d];
    float[] huge = new float[n * d];
    float[] zero = new float[n * d];
    float[] constant = new float[n * d];
    float[] negative = new float[n * d];
    for (int i = 0; i < n * d; i++) {
      random[i] = (float) rnd.nextGaussian();
      huge[i] = (rnd.nextBoolean() ? 1 : -1) * 1e6f;
      constant[i] = 0.5f;
      negative[i] = -1e3f * rnd.nextFloat();
    }
    return List.of(random, huge, zero, constant, negative);
  }
}
