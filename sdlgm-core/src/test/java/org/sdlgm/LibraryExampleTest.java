package org.sdlgm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.TrainTest;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.eval.Evaluation;
import org.sdlgm.eval.Evaluator;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.Provenance;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.train.Recipes;
import org.sdlgm.train.SdlgmTrainer;
import org.sdlgm.train.TrainingRun;

/** The Java example of README.md, kept compiling and running (with a smaller data set). */
class LibraryExampleTest {
  @Test
  void readmeExampleRuns(@TempDir Path dir) {
    // --- README example starts ---
    SdlgmRuntime.configure(0); // offline DJL; 0 = default thread count
    DataPlan plan = new DataPlan("synthetic:n=500,test=100", null, 0, 1);
    TrainTest data = plan.load();
    SdlgmConfig config = Recipes.syntheticModel().withInputDim(data.train().dim());
    TrainConfig training = Recipes.syntheticTraining().toBuilder().epochs(2).build();
    TrainingRun run = new SdlgmTrainer(config, training).fit(data.train(), null, null, false);
    try (SparseCoder coder = run.coder()) {
      List<SparseCode> codes = coder.encode(data.test().features(), data.test().size(), 1000);
      Evaluation ev = new Evaluator(EvalOptions.defaults()).evaluate(coder, data.train(), data.test());
      ModelDirectory.save(dir, new ModelInfo(ModelDirectory.FORMAT, ModelDirectory.FORMAT_VERSION,
          config, training, DataSchema.of(plan, data.train(), null, data.test()),
          Provenance.current(List.of())), coder, run.history());
      // --- README example ends ---
      assertEquals(100, codes.size());
      assertTrue(codes.stream().allMatch(c -> c.nnz() <= config.maxLevel()));
      assertTrue(ev.nnz().max() <= config.maxLevel());
    }
    try (SparseCoder loaded = ModelDirectory.load(dir)) {
      assertEquals(config, loaded.config());
    }
  }
}
