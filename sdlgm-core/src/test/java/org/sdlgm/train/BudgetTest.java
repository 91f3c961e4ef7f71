package org.sdlgm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.TrainTest;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.KlV;
import org.sdlgm.model.LevelPrior;
import org.sdlgm.model.SdlgmBlock;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.Selection;
import org.sdlgm.model.SparseCoder;

/**
 * A budget ({@code targetNnz}) steers the level cost so that training meets the mean number of
 * non-zeros asked for, from either side, and the cost reached is saved with the model.
 */
class BudgetTest {
  static TrainTest data;

  @BeforeAll
  static void load() {
    System.setProperty("ai.djl.offline", "true");
    data = DataSpecs.parse("synthetic:n=1500,test=100,seed=3,dim=48,atoms=8,lmax=4").load();
  }

  private static SdlgmConfig config(double target) {
    return SdlgmConfig.builder()
        .inputDim(48)
        .latentDim(16)
        .maxLevel(8)
        .encoderHidden(List.of(32))
        .decoderHidden(List.of(32))
        .straightThrough(true)
        .klV(KlV.SELECTED)
        .betaS(0.01)
        .betaV(0.01)
        .selection(Selection.VALUES)
        .levelPrior(LevelPrior.GEOMETRIC)
        .rho(0.99)
        .targetNnz(target)
        .build();
  }

  private static TrainingRun<SparseCoder> train(double target) {
    TrainConfig tc =
        TrainConfig.builder().epochs(8).batchSize(50).seed(1).validationFraction(0).build();
    return new SdlgmTrainer(config(target), tc).fit(data.train());
  }

  @Test
  void trainingMeetsTheBudgetFromBelowAndAbove(@TempDir Path dir) {
    for (double target : new double[] {2, 6}) {
      TrainingRun<SparseCoder> run = train(target);
      try (SparseCoder coder = run.model()) {
        // The steering holds E_q[L | x] at the budget, so the sampled levels' mean meets it.
        List<EpochRecord> h = run.history();
        double last = h.get(h.size() - 1).value("train_nnz");
        assertEquals(target, last, 0.6, "training mean nnz in the last epoch, target " + target);
        SdlgmBlock block = (SdlgmBlock) coder.block();
        double cost = block.levelCost(coder.store(), coder.manager());
        assertTrue(Double.isFinite(cost));
        // A smaller budget needs a dearer level.
        if (target == 2) {
          lowCost = cost;
        } else {
          assertTrue(
              cost < lowCost, "cost for 6 (" + cost + ") below cost for 2 (" + lowCost + ")");
        }
        Path params = dir.resolve("t" + (int) target + ".params");
        coder.saveParameters(params);
        try (SparseCoder back = SparseCoder.load(coder.config(), params)) {
          assertEquals(cost, ((SdlgmBlock) back.block()).levelCost(back.store(), back.manager()));
        }
      }
    }
  }

  private static double lowCost;
}
