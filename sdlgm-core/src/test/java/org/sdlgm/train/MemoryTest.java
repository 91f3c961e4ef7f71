package org.sdlgm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.BaseNDManager;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.TrainTest;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;

/**
 * Training steps must not leave tensors behind: after one epoch and after four, the model's memory
 * scope holds the same number of arrays (parameters and optimizer state only), so a long run's
 * memory stays flat.
 */
class MemoryTest {
  static TrainTest data;

  @BeforeAll
  static void load() {
    System.setProperty("ai.djl.offline", "true");
    data = DataSpecs.parse("synthetic:n=300,test=50,seed=4,dim=40,atoms=6,lmax=3").load();
  }

  private static int arraysAfter(int epochs, SdlgmConfig c) {
    TrainConfig t =
        TrainConfig.builder().epochs(epochs).batchSize(30).validationFraction(0).build();
    TrainingRun<SparseCoder> run = new SdlgmTrainer(c, t).fit(data.train(), data.test());
    try (SparseCoder coder = run.model()) {
      coder.encode(data.test().features(), data.test().size(), 16);
      return ((BaseNDManager) coder.manager()).getManagedArrays().size();
    }
  }

  @Test
  void noTensorOutlivesItsStep() {
    for (SdlgmConfig.Builder b :
        List.of(
            SdlgmConfig.builder(),
            SdlgmConfig.builder()
                .straightThrough(true)
                .learnSelectionPrior(true)
                .levelPrior(org.sdlgm.model.LevelPrior.LEARNED))) {
      SdlgmConfig c =
          b.inputDim(40)
              .latentDim(10)
              .maxLevel(4)
              .encoderHidden(List.of(24))
              .decoderHidden(List.of(24))
              .build();
      assertEquals(
          arraysAfter(1, c),
          arraysAfter(4, c),
          "arrays attached to the model's manager grew with training");
    }
  }
}
