package org.sdlgm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast encoding path (raw heads, one transfer, selection in Java) gives exactly the codes of
 * the dense definition — top-L̂ of α masking μ — for the SDLGM and its fixed-L ablation, and the
 * same q(L | x).
 */
class CompactEncodingTest {
  @Test
  void compactCodesEqualTheDenseDefinition() {
    System.setProperty("ai.djl.offline", "true");
    Random rnd = new Random(9);
    for (Method m : new Method[] {Method.SDLGM, Method.SDLGM_FIXED}) {
      Engine.getInstance().setRandomSeed(3);
      SdlgmConfig c =
          SdlgmConfig.builder()
              .method(m)
              .inputDim(20)
              .latentDim(30)
              .maxLevel(6)
              .encoderHidden(List.of(16))
              .decoderHidden(List.of(16))
              .build();
      int n = 37;
      float[] x = new float[n * 20];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextGaussian() * 3;
      }
      try (SparseCoder coder = SparseCoder.create(c);
          NDManager sub = coder.manager().newSubManager()) {
        List<SparseCode> fast = coder.encode(x, n, 10);
        CodeBatch dense =
            coder.block().encode(coder.store(), SparseCoder.tensor(sub, x, new Shape(n, 20)));
        float[] z = dense.z().toFloatArray();
        long[] levels = dense.levels().toLongArray();
        float[] probs = dense.levelProbs() == null ? null : dense.levelProbs().toFloatArray();
        assertEquals(n, fast.size());
        for (int i = 0; i < n; i++) {
          float[] want = java.util.Arrays.copyOfRange(z, i * 30, (i + 1) * 30);
          for (int j = 0; j < 30; j++) {
            want[j] += 0f; // the dense mask·μ has −0.0 where μ < 0 is masked out
          }
          assertArrayEquals(want, fast.get(i).toDense(30), m + " row " + i);
          assertEquals(levels[i], fast.get(i).level());
          if (probs == null) {
            assertEquals(null, fast.get(i).levelProbs());
          } else {
            // q(L | x): libtorch's float softmax there, a double one here.
            assertArrayEquals(
                java.util.Arrays.copyOfRange(probs, i * 6, (i + 1) * 6),
                fast.get(i).levelProbs(),
                1e-6f,
                m + " row " + i);
          }
          assertTrue(fast.get(i).nnz() <= 6);
          int[] idx = fast.get(i).indices();
          for (int t = 1; t < idx.length; t++) {
            assertTrue(idx[t - 1] < idx[t], "indices ascending");
          }
        }
      }
    }
  }

  @Test
  void valueSelectionKeepsTheLargestMagnitudes(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    System.setProperty("ai.djl.offline", "true");
    Engine.getInstance().setRandomSeed(4);
    // sdlgm-fixed with L0 = K codes every μ; the same parameters with L0 = 3 must keep the
    // three μ of largest magnitude (α = c·|μ|), whatever their sign.
    SdlgmConfig all =
        SdlgmConfig.builder()
            .method(Method.SDLGM_FIXED)
            .inputDim(20)
            .latentDim(9)
            .maxLevel(9)
            .selection(Selection.VALUES)
            .encoderHidden(List.of(16))
            .decoderHidden(List.of(16))
            .build();
    SdlgmConfig three = all.toBuilder().maxLevel(3).build();
    Random rnd = new Random(2);
    int n = 25;
    float[] x = new float[n * 20];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    java.nio.file.Path params = dir.resolve("p.params");
    List<SparseCode> dense;
    try (SparseCoder coder = SparseCoder.create(all)) {
      dense = coder.encode(x, n, 10);
      coder.saveParameters(params);
    }
    try (SparseCoder coder = SparseCoder.load(three, params)) {
      List<SparseCode> top = coder.encode(x, n, 10);
      for (int i = 0; i < n; i++) {
        float[] mu = dense.get(i).toDense(9);
        float[] got = top.get(i).toDense(9);
        Integer[] byMagnitude = new Integer[9];
        for (int j = 0; j < 9; j++) {
          byMagnitude[j] = j;
        }
        java.util.Arrays.sort(
            byMagnitude, (a, b) -> Float.compare(Math.abs(mu[b]), Math.abs(mu[a])));
        float[] want = new float[9];
        for (int t = 0; t < 3; t++) {
          want[byMagnitude[t]] = mu[byMagnitude[t]];
        }
        assertArrayEquals(want, got, "row " + i);
      }
    }
  }
}
