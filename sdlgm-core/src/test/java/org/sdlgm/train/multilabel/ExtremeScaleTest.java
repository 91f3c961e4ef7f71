package org.sdlgm.train.multilabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.SyntheticMultiLabel;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.multilabel.LabelPrediction;
import org.sdlgm.model.multilabel.SetRule;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.train.TrainingRun;

/**
 * Issue 3's scale check at test-suite size: 2,000 rows with 10^5 sparse features and 10^4 labels
 * train one epoch and predict without the inputs ever being densified as a whole. The dense
 * training matrix alone would take 800 MB of heap; the peak heap growth during training must stay
 * far below that (the CSR data, one dense batch and the label targets of one batch).
 */
class ExtremeScaleTest {
  private static long heapPeak() {
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  @Test
  void tenThousandLabelsAndHundredThousandFeaturesTrainOneEpochWithoutDensifying() {
    System.setProperty("ai.djl.offline", "true");
    MultiLabelDataset train =
        SyntheticMultiLabel.builder()
            .n(2000)
            .test(0)
            .features(100_000)
            .labels(10_000)
            .lmax(5)
            .seed(1)
            .build()
            .load()
            .train();
    assertEquals(100_000, train.numFeatures());
    assertEquals(10_000, train.numLabels());
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    long before = heapPeak();

    TaggerConfig config =
        TaggerConfig.builder()
            .numFeatures(train.numFeatures())
            .numLabels(train.numLabels())
            .hidden(List.of(128))
            .maxLevel(5)
            .topK(3)
            .build();
    FeatureTransform transform = FeatureTransform.fit(FeatureTransform.Kind.AUTO, train);
    TrainingRun<Tagger> run =
        new TaggerTrainer(
                config,
                TrainConfig.builder().epochs(1).batchSize(100).validationFraction(0).build())
            .features(transform::denseRows)
            .fit(train);
    try (Tagger tagger = run.model()) {
      assertEquals(1, run.history().size());
      assertTrue(Double.isFinite(run.history().get(0).trainLoss()));
      float[] x = new float[100 * train.numFeatures()];
      transform.denseRows(train, 0, 100, x);
      for (LabelPrediction p : tagger.predict(tagger.score(x, 100), SetRule.COUNT, 10)) {
        assertTrue(p.labels().length >= 1 && p.labels().length <= 5);
        assertEquals(10, p.ranked().length);
      }
    }
    long growth = heapPeak() - before;
    System.out.printf(
        "extreme scale: 2000 x 100000 features x 10000 labels, one epoch in %.1f s, "
            + "peak heap growth %.0f MiB (dense inputs would need %.0f MiB)%n",
        run.trainSeconds(), growth / 1048576.0, 4.0 * 2000 * 100_000 / 1048576.0);
    assertTrue(growth < 300L << 20, "peak heap grew by " + (growth >> 20) + " MiB");
  }
}
