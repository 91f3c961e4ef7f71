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
import org.sdlgm.encode.SparseCode;

/**
 * The fast encoding path (raw heads, one transfer, selection in Java) gives exactly the codes of the
 * dense definition — top-L̂ of α masking μ — for the SDLGM and its fixed-L ablation, and the
 * same q(L | x).
 */
class CompactEncodingTest {
  @Test
  void compactCodesEqualTheDenseDefinition() {
    System.setProperty("ai.djl.offline", "true");
    Random rnd = new Random(9);
    for (Method m : new Method[] {Method.SDLGM, Method.SDLGM_FIXED}) {
      Engine.getInstance().setRandomSeed(3);
      SdlgmConfig c = SdlgmConfig.builder().method(m).inputDim(20).latentDim(30).maxLevel(6)
          .encoderHidden(List.of(16)).decoderHidden(List.of(16)).build();
      int n = 37;
      float[] x = new float[n * 20];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextGaussian() * 3;
      }
      try (SparseCoder coder = SparseCoder.create(c); NDManager sub = coder.manager().newSubManager()) {
        List<SparseCode> fast = coder.encode(x, n, 10);
        CodeBatch dense = coder.block().encode(coder.store(), SparseCoder.tensor(sub, x, new Shape(n, 20)));
        float[] z = dense.z().toFloatArray();
        long[] levels = dense.levels().toLongArray();
        float[] probs = dense.levelProbs() == null ? null : dense.levelProbs().toFloatArray();
        assertEquals(n, fast.size());
        for (int i = 0; i < n; i++) {
          float[] want = java.util.Arrays.copyOfRange(z, i * 30, (i + 1) * 30);
          for (int j = 0; j < 30; j++) {
            want[j] += 0f;  // the dense mask·μ has −0.0 where μ < 0 is masked out
          }
          assertArrayEquals(want, fast.get(i).toDense(30), m + " row " + i);
          assertEquals(levels[i], fast.get(i).level());
          if (probs == null) {
            assertEquals(null, fast.get(i).levelProbs());
          } else {
            // q(L | x): libtorch's float softmax there, a double one here.
            assertArrayEquals(java.util.Arrays.copyOfRange(probs, i * 6, (i + 1) * 6),
                fast.get(i).levelProbs(), 1e-6f, m + " row " + i);
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
}
