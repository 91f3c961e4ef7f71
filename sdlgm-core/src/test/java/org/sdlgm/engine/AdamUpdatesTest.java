package org.sdlgm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.SdlgmRuntime;

/**
 * The fused Adam makes the same updates as DJL's (to float rounding), zeroes the gradients, and
 * clips symmetrically (DJL's own Adam only clamps from above).
 */
class AdamUpdatesTest {
  @Test
  void clippingBoundsBothSigns() {
    System.setProperty("ai.djl.offline", "true");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray g = m.create(new float[] {-100f, -0.5f, 0f, 0.25f, 7f});
      try (NDArray c = AdamUpdates.clipped(g, 1f)) {
        assertArrayEquals(new float[] {-1f, -0.5f, 0f, 0.25f, 1f}, c.toFloatArray());
      }
    }
  }

  @Test
  void fusedAndDjlAdamMakeTheSameUpdates() {
    for (double clip : new double[] {0, 0.05}) {
      List<float[]> fused = train(true, clip);
      List<float[]> djl = train(false, clip);
      assertEquals(djl.size(), fused.size());
      for (int p = 0; p < djl.size(); p++) {
        float[] a = fused.get(p);
        float[] b = djl.get(p);
        for (int i = 0; i < a.length; i++) {
          assertEquals(
              b[i],
              a[i],
              2e-6 + 2e-5 * Math.abs(b[i]),
              "clip " + clip + ", parameter " + p + ", entry " + i);
        }
      }
    }
  }

  @Test
  void fusedAdamMovesTheParametersAndZeroesTheGradients() {
    System.setProperty("ai.djl.offline", "true");
    try (NDManager m = NDManager.newBaseManager()) {
      SequentialBlock block = block(m);
      float[] before = block.getParameters().get(0).getValue().getArray().toFloatArray();
      AdamUpdates adam = adam(block, true, 0, 1e-3);
      backward(m, block, 0);
      adam.apply();
      float[] after = block.getParameters().get(0).getValue().getArray().toFloatArray();
      int moved = 0;
      for (int i = 0; i < before.length; i++) {
        // Adam's first step moves every entry with a non-zero gradient by about lr.
        moved += Math.abs(after[i] - before[i]) > 5e-4 ? 1 : 0;
      }
      assertTrue(moved > before.length / 2, moved + " of " + before.length + " entries moved");
      for (Pair<String, Parameter> p : block.getParameters()) {
        for (float g : p.getValue().getArray().getGradient().toFloatArray()) {
          assertEquals(0f, g);
        }
      }
    }
  }

  @Test
  void aSavedStateComesBackAndDjlAdamLeavesNoStaleState(@TempDir Path dir) throws Exception {
    System.setProperty("ai.djl.offline", "true");
    Path file = dir.resolve("adam.state");
    try (NDManager m = NDManager.newBaseManager()) {
      SequentialBlock block = block(m);
      try (AdamUpdates fused = adam(block, true, 0, 1e-3)) {
        backward(m, block, 0);
        fused.apply();
        fused.save(file);
      }
      byte[] saved = Files.readAllBytes(file);
      try (AdamUpdates again = adam(block, true, 0, 1e-3)) {
        again.load(file);
        again.save(dir.resolve("copy.state"));
      }
      assertArrayEquals(saved, Files.readAllBytes(dir.resolve("copy.state")));
      // A truncated file is refused with its name.
      Files.write(file, java.util.Arrays.copyOf(saved, saved.length / 2));
      try (AdamUpdates broken = adam(block, true, 0, 1e-3)) {
        org.sdlgm.SdlgmException e =
            org.junit.jupiter.api.Assertions.assertThrows(
                org.sdlgm.SdlgmException.class, () -> broken.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      }
      try (AdamUpdates djl = adam(block, false, 0, 1e-3)) {
        djl.save(file);
      }
      assertTrue(!Files.exists(file), "DJL's Adam removes a fused state it cannot replace");
    }
  }

  private static final Workers WORKERS = new Workers(SdlgmRuntime.threads());

  @AfterAll
  static void endWorkers() {
    WORKERS.close();
  }

  /** Adam as the trainers make it: fused or DJL's, with a clip and a learning rate. */
  private static AdamUpdates adam(Block block, boolean fused, double clip, double learningRate) {
    return new AdamUpdates(block, learningRate, clip, fused, WORKERS);
  }

  /** Five Adam steps on a small MLP from a fixed start; returns the parameters. */
  private static List<float[]> train(boolean fused, double clip) {
    System.setProperty("ai.djl.offline", "true");
    try (NDManager m = NDManager.newBaseManager()) {
      SequentialBlock block = block(m);
      AdamUpdates adam = adam(block, fused, clip, 0.01);
      for (int step = 0; step < 5; step++) {
        backward(m, block, step);
        adam.apply();
      }
      List<float[]> params = new ArrayList<>();
      for (Pair<String, Parameter> p : block.getParameters()) {
        params.add(p.getValue().getArray().toFloatArray());
      }
      return params;
    }
  }

  private static SequentialBlock block(NDManager m) {
    Engine.getInstance().setRandomSeed(7);
    SequentialBlock block =
        new SequentialBlock()
            .add(Linear.builder().setUnits(16).build())
            .add(Linear.builder().setUnits(3).build());
    block.initialize(m, DataType.FLOAT32, new Shape(8, 5));
    return block;
  }

  private static void backward(NDManager m, SequentialBlock block, int step) {
    try (NDManager sub = m.newSubManager()) {
      NDArray x = sub.arange(0f, 40f).reshape(8, 5).mul(0.1f * (step + 1)).sin();
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = block.forward(new ParameterStore(sub, false), new NDList(x), true).head();
        gc.backward(y.square().sum().mul(10f));
      }
    }
  }
}
