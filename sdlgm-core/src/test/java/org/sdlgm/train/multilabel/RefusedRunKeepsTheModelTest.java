package org.sdlgm.train.multilabel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.multilabel.TaggerConfig;

/**
 * docs/reliability.md §5–6: {@code --overwrite} deletes the previous model only after every
 * up-front check has passed, so a multi-label run refused for its options leaves it in place. Both
 * cases deleted the previous model before.
 */
class RefusedRunKeepsTheModelTest {
  @TempDir Path dir;

  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  private static MultiLabelWorkflow workflow(List<Integer> hidden, double validation) {
    TrainConfig t =
        TrainConfig.builder()
            .epochs(1)
            .batchSize(50)
            .seed(4)
            .validationFraction(validation)
            .build();
    return new MultiLabelWorkflow(
            new MultiLabelPlan(
                "synthetic-ml:n=200,test=40,features=30,labels=8,lmax=3,seed=2", null, null, 0, 4),
            TaggerConfig.builder().hidden(hidden).maxLevel(3).build(),
            t,
            FeatureTransform.Kind.of("auto"))
        .evaluate(false);
  }

  private void refusedKeepsTheModel(MultiLabelWorkflow refused, String why) throws IOException {
    workflow(List.of(16), 0).run(dir, false, false);
    byte[] config = Files.readAllBytes(dir.resolve("config.json"));
    byte[] params = Files.readAllBytes(dir.resolve("model.params"));
    SdlgmException e = assertThrows(SdlgmException.class, () -> refused.run(dir, true, false));
    assertTrue(e.getMessage().contains(why), e.getMessage());
    assertArrayEquals(config, Files.readAllBytes(dir.resolve("config.json")));
    assertArrayEquals(params, Files.readAllBytes(dir.resolve("model.params")));
    assertTrue(Files.isDirectory(dir.resolve("checkpoint")), "the checkpoint was deleted");
  }

  @Test
  void keepBestWithoutValidationRowsLeavesThePreviousModel() throws IOException {
    refusedKeepsTheModel(workflow(List.of(16), 0).keepBest(true), "validation rows");
  }

  @Test
  void impossibleSparseRowsLeaveThePreviousModel() throws IOException {
    refusedKeepsTheModel(workflow(List.of(), 0).sparseRows(true), "no hidden layer");
  }
}
