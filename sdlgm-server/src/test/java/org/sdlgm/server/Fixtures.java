package org.sdlgm.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.TrainTest;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.index.CodeIndexWriter;
import org.sdlgm.index.IndexInfo;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.train.Recipes;
import org.sdlgm.train.TrainingWorkflow;
import org.sdlgm.train.multilabel.MultiLabelWorkflow;

/**
 * Tiny trained models shared by the server's tests, made once per test JVM: a coder on 28×28
 * synthetic stroke images (so the page draws images), an index of its training codes with their
 * inputs, and a tagger on synthetic multi-label data. Two epochs each: the tests check the API's
 * shape and its agreement with the library, not the models' quality.
 */
final class Fixtures {
  static final String IMAGES = "synthetic:n=600,test=100,kind=strokes,seed=5";
  static final String TAGS = "synthetic-ml:n=400,test=100,features=400,labels=20,lmax=3,seed=3";

  private static Path root;
  private static Path coder;
  private static Path index;
  private static Path tagger;

  private Fixtures() {}

  private static synchronized Path root() {
    if (root == null) {
      try {
        root = Files.createTempDirectory("sdlgm-server-test");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root;
  }

  static synchronized Path coder() {
    if (coder == null) {
      Path dir = root().resolve("coder");
      var config =
          Recipes.sparseCodes(6, 3).toBuilder()
              .latentDim(32)
              .encoderHidden(List.of(64))
              .decoderHidden(List.of(64))
              .build();
      TrainConfig tc =
          TrainConfig.builder().epochs(2).batchSize(100).validationFraction(0).seed(1).build();
      new TrainingWorkflow(new DataPlan(IMAGES, null, 0, 1), config, tc, EvalOptions.defaults())
          .evaluate(false)
          .run(dir, true, false);
      coder = dir;
    }
    return coder;
  }

  /** The index of the coder's training rows (ids "train-i", labels = none, inputs stored). */
  static synchronized Path index() {
    if (index == null) {
      Path model = coder();
      Path dir = root().resolve("index");
      ModelInfo<SdlgmConfig, DataSchema> info = ModelDirectory.readCoderInfo(model);
      TrainTest tt = new DataPlan(IMAGES, null, 0, 1).load();
      Dataset train = tt.train();
      IndexInfo ii = IndexInfo.forModel(model, info).toBuilder().data(IMAGES, "train").build();
      try (SparseCoder c = ModelDirectory.loadCoder(model, info);
          CodeIndexWriter w = CodeIndexWriter.create(dir, ii)) {
        List<SparseCode> codes = c.encode(train.features(), train.size(), 500);
        float[] row = new float[train.dim()];
        for (int i = 0; i < train.size(); i++) {
          train.copyRows(i, i + 1, row);
          w.add("train-" + i, "L" + train.trueLevels()[i], codes.get(i), row.clone());
        }
        w.commit();
      }
      index = dir;
    }
    return index;
  }

  static synchronized Path tagger() {
    if (tagger == null) {
      Path dir = root().resolve("tagger");
      TaggerConfig config = TaggerConfig.builder().hidden(List.of(64)).build();
      TrainConfig tc =
          TrainConfig.builder().epochs(2).batchSize(100).validationFraction(0).seed(1).build();
      new MultiLabelWorkflow(
              new MultiLabelPlan(TAGS, null, null, 0, 1), config, tc, FeatureTransform.Kind.AUTO)
          .autoMaxLevel(true)
          .evaluate(false)
          .run(dir, true);
      tagger = dir;
    }
    return tagger;
  }

  /** A server on 127.0.0.1 with an ephemeral port. */
  static ServerConfig.Builder local(Path model) {
    return ServerConfig.builder(model).host("127.0.0.1").port(0);
  }
}
