package org.sdlgm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.data.DataPlan;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.io.MetricsFile;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.Method;
import org.sdlgm.model.Schedule;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.Terms;
import org.sdlgm.model.VscBlock;

/**
 * A method's terms travel by the names its block gives them: VSC names its KL terms {@code
 * kl_spike} and {@code kl_slab} in {@code VscBlock} alone, and they reach {@code history.csv}, the
 * evaluation and {@code metrics.json} with no other file naming them. Also: {@link Terms#loss}
 * computes the very same float as the fixed three-KL formula it generalises, and {@code
 * history.csv} files of both tasks read by column name.
 */
class NamedTermsTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void vscTermsReachHistoryAndMetricsByTheirOwnNames(@TempDir Path dir) throws IOException {
    SdlgmConfig c =
        SdlgmConfig.builder()
            .method(Method.VSC)
            .latentDim(12)
            .maxLevel(4)
            .encoderHidden(List.of(16))
            .decoderHidden(List.of(16))
            .targetNnz(2)
            .build();
    TrainConfig tc =
        TrainConfig.builder().epochs(1).batchSize(50).seed(2).validationFraction(0.2).build();
    Path out = dir.resolve("vsc");
    new TrainingWorkflow(
            new DataPlan("synthetic:n=250,test=50,seed=3,dim=24,atoms=6,lmax=3", null, 0, 1),
            c,
            tc,
            EvalOptions.defaults().withProbe(false))
        .run(out, false, false);

    String header =
        Files.readAllLines(out.resolve(ModelDirectory.HISTORY), StandardCharsets.UTF_8).get(0);
    List<String> columns = List.of(header.split(","));
    for (String name : List.of(Terms.LOGLIK, VscBlock.KL_SPIKE, VscBlock.KL_SLAB)) {
      assertTrue(columns.contains("train_" + name), name + " in " + header);
      assertTrue(columns.contains("val_" + name), name + " in " + header);
    }
    assertFalse(columns.contains("train_kl_l"), "VSC has no level term: " + header);
    EpochRecord row = EpochRecord.readCsv(out.resolve(ModelDirectory.HISTORY)).get(0);
    assertTrue(Double.isFinite(row.value("train_" + VscBlock.KL_SPIKE)), row.toString());
    assertTrue(Double.isFinite(row.value("val_" + VscBlock.KL_SLAB)), row.toString());

    JsonNode metrics = ModelDirectory.json().readTree(out.resolve(ModelDirectory.METRICS).toFile());
    assertEquals(ModelDirectory.FORMAT, metrics.path("format").asText());
    JsonNode terms = MetricsFile.evaluation(metrics).path("terms");
    List<String> names = new java.util.ArrayList<>();
    terms.fieldNames().forEachRemaining(names::add);
    assertEquals(List.of(Terms.LOGLIK, VscBlock.KL_SPIKE, VscBlock.KL_SLAB), names);
    double elbo = MetricsFile.evaluation(metrics).path("elbo").asDouble();
    double sum =
        terms.path(Terms.LOGLIK).asDouble()
            - terms.path(VscBlock.KL_SPIKE).asDouble()
            - terms.path(VscBlock.KL_SLAB).asDouble();
    assertEquals(elbo, sum, 1e-3 * Math.abs(elbo), "ELBO = log p − the KL terms");
  }

  @Test
  void lossIsTheFixedThreeKlFormulaToTheBit() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logLik = m.create(new float[] {-101.3f, -87.25f, -93.5f});
      NDArray klL = m.create(new float[] {0.31f, 1.7f, 0.02f});
      NDArray klS = m.create(new float[] {2.9f, 0.4f, 3.3f});
      NDArray klV = m.create(new float[] {11.1f, 7.7f, 9.9f});
      double betaL = 0.7;
      double betaS = 0.01;
      double betaV = 0.013;
      Schedule s = new Schedule(0.5, 0.37, 1);
      Terms t =
          new Terms(
              List.of(
                  Terms.Term.likelihood(logLik),
                  Terms.Term.kl("kl_l", betaL, klL),
                  Terms.Term.kl("kl_s", betaS, klS),
                  Terms.Term.kl("kl_v", betaV, klV)),
              m.create(new float[] {1, 2, 3}));
      NDArray kl = klL.mul((float) betaL).add(klS.mul((float) betaS)).add(klV.mul((float) betaV));
      float want = logLik.sub(kl.mul((float) s.klScale())).sum().mul((float) (-1.0 / 5)).getFloat();
      assertEquals(want, t.loss(s, 5).getFloat(), 0f);
      float[] elbo = logLik.sub(klL).sub(klS).sub(klV).toFloatArray();
      float[] got = t.elbo().toFloatArray();
      for (int i = 0; i < elbo.length; i++) {
        assertEquals(elbo[i], got[i], 0f);
      }
      // An auxiliary term enters the loss, weighted, but not the ELBO.
      Terms aux =
          new Terms(
              List.of(
                  Terms.Term.likelihood(logLik),
                  Terms.Term.auxiliary("penalty", 2, m.create(new float[] {1, 1, 1}))),
              m.create(new float[] {1, 2, 3}));
      assertEquals(
          -(-101.3 - 87.25 - 93.5 - 6) / 3, aux.loss(s).getFloat(), 1e-3, "loss + 2·penalty");
      assertEquals(-101.3f, aux.elbo().toFloatArray()[0], 0f);
    }
  }

  @Test
  void historyOfEitherTaskReadsByColumnName(@TempDir Path dir) throws IOException {
    Path before = dir.resolve("sparse.csv");
    Files.writeString(
        before,
        "epoch,step,seconds,examples_per_s,tau,kl_scale,prior_weight,train_loss,train_loglik,"
            + "train_kl_l,train_kl_s,train_kl_v,train_nnz,val_elbo,val_loglik,val_kl_l,val_kl_s,"
            + "val_kl_v,val_nnz,sigma_x,skipped_steps\n"
            + "1,20,1.5,4000,0.9,1,1,120.5,-110,1,2,7.5,3.5,,,,,,,,2\n",
        StandardCharsets.UTF_8);
    EpochRecord r = EpochRecord.readCsv(before).get(0);
    assertEquals(120.5, r.trainLoss());
    assertEquals(1, r.value("train_kl_l"));
    assertEquals(2, r.skippedSteps());
    assertTrue(Double.isNaN(r.value("val_elbo")));
    Path again = dir.resolve("again.csv");
    EpochRecord.writeCsv(again, List.of(r));
    assertEquals(
        Files.readAllLines(before).get(0),
        Files.readAllLines(again).get(0),
        "written back with the same columns");

    Path tagger = dir.resolve("tagger.csv");
    Files.writeString(
        tagger,
        "epoch,step,seconds,examples_per_s,tau,train_loss,train_count_nll,train_set_loss,"
            + "train_level,val_p1,val_p3,val_example_f1,val_count_accuracy,val_mean_set_size,"
            + "skipped_steps\n1,4,0.5,800,1,3.5,0.5,3,2.5,0.75,0.5,0.5,0.25,2,0\n",
        StandardCharsets.UTF_8);
    EpochRecord t = EpochRecord.readCsv(tagger).get(0);
    assertEquals(0.75, t.value("val_p1"));
    assertEquals(0.5, t.value("train_count_nll"));
    assertTrue(Double.isNaN(t.value("train_kl_l")));
  }
}
