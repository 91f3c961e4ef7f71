package org.sdlgm.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.InputScaling;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.MultiLabelSchema;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.multilabel.LabelPrediction;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.train.multilabel.MultiLabelWorkflow;

/**
 * A pass densifies and scores its rows a chunk at a time ({@link Rows#chunkRows}), and a queued
 * request holds its rows sparse: memory follows the chunk, not rows × D of the requests, and the
 * results are the library's whatever the chunks.
 */
class ChunkingTest {
  /** Delicious-200K's width: 2,745 rows of it are more than 2^31 values. */
  private static final int WIDE = 782_585;

  @Test
  void chunksHoldAtMostMaxBatchRowsAndAtMostTheValueBound() {
    assertEquals(64, Rows.chunkRows(400, 64));
    assertEquals(21, Rows.chunkRows(WIDE, 64));
    assertEquals(1, Rows.chunkRows(Integer.MAX_VALUE, 64));
    assertEquals(3, Rows.chunkRows(400, 64, 1200));
    assertEquals(1, Rows.chunkRows(400, 64, 399));
    for (int d : new int[] {1, 2, 400, 784, WIDE, 1 << 24, Integer.MAX_VALUE}) {
      for (int maxBatch : new int[] {1, 64, 10_000, Integer.MAX_VALUE}) {
        int rows = Rows.chunkRows(d, maxBatch);
        assertTrue(rows >= 1 && rows <= maxBatch, d + " / " + maxBatch);
        // The dense buffer of a chunk fits in an int-indexed array (one row always does).
        assertTrue((long) rows * d <= Math.max(d, Rows.CHUNK_VALUES), d + " / " + maxBatch);
      }
    }
  }

  /**
   * A tagger as wide as Delicious-200K (no hidden layer, so its weights are small) answers a
   * request of 2,745 empty sparse rows (about 80 KB): 2,745 × D is more than 2^31 values, which the
   * one dense array of a whole pass overflowed (a 500).
   */
  @Test
  void aWideTaggerScoresMoreThan2To31ValuesOfRows(@TempDir Path tmp) {
    Path dir = tmp.resolve("wide");
    new MultiLabelWorkflow(
            new MultiLabelPlan(
                "synthetic-ml:n=20,test=5,features=" + WIDE + ",labels=4,lmax=2,seed=3",
                null,
                null,
                0,
                1),
            TaggerConfig.builder().hidden(List.of()).build(),
            TrainConfig.builder().epochs(1).batchSize(10).validationFraction(0).seed(1).build(),
            FeatureTransform.Kind.AUTO)
        .autoMaxLevel(true)
        .evaluate(false)
        .run(dir, true);
    int n = 2_745;
    StringBuilder body = new StringBuilder("{\"inputs\": [");
    for (int i = 0; i < n; i++) {
      body.append(i == 0 ? "" : ",").append("{\"indices\": [], \"values\": []}");
    }
    body.append("]}");
    try (SdlgmServer s = SdlgmServer.start(Fixtures.local(dir).build())) {
      Http.Response r = Http.post(s, "/v1/predict", body.toString());
      assertEquals(200, r.status(), r.body());
      JsonNode results = r.json().get("results");
      assertEquals(n, results.size());
      assertEquals(results.get(0).get("labels"), results.get(n - 1).get("labels"));
      assertEquals(results.get(0).get("scores"), results.get(n - 1).get("scores"));
    }
  }

  /** Rows [from, from + n) of a multi-label data set as a request's sparse rows. */
  private static Rows rows(MultiLabelDataset ds, int from, int n) {
    int[] ptr = new int[n + 1];
    int start = ds.rowStart(from);
    int nnz = ds.rowEnd(from + n - 1) - start;
    int[] idx = new int[nnz];
    float[] val = new float[nnz];
    for (int i = 0; i < n; i++) {
      for (int k = ds.rowStart(from + i); k < ds.rowEnd(from + i); k++) {
        idx[k - start] = ds.featureIndexAt(k);
        val[k - start] = ds.featureValueAt(k);
      }
      ptr[i + 1] = ds.rowEnd(from + i) - start;
    }
    return new Rows(ds.numFeatures(), ptr, idx, val);
  }

  private static void assertSame(LabelPrediction e, LabelPrediction got, int top, String where) {
    assertEquals(e.level(), got.level(), where);
    assertArrayEquals(e.labels(), got.labels(), where);
    assertArrayEquals(e.scores(), got.scores(), where);
    int keep = Math.max(e.level(), top);
    assertArrayEquals(Arrays.copyOf(e.ranked(), keep), got.ranked(), where);
    assertArrayEquals(Arrays.copyOf(e.rankedScores(), keep), got.rankedScores(), where);
    assertArrayEquals(e.levelProbs(), got.levelProbs(), where);
  }

  /**
   * Jobs of 7, 13 and 1 rows (different tops) in chunks of 64 (one pass, as before chunking), 4 and
   * 1 rows: chunks that straddle jobs give every row what {@code Tagger.predict} gives it over the
   * same chunk of rows (a pass's rounding can depend on its row count, so not across chunk sizes).
   */
  @Test
  void taggerChunksGiveTheLibrarysPredictions() {
    ModelInfo<TaggerConfig, MultiLabelSchema> info =
        ModelDirectory.readTaggerInfo(Fixtures.tagger());
    MultiLabelDataset test = info.data().plan().load().test();
    FeatureTransform t = ModelDirectory.readTransform(Fixtures.tagger(), info);
    int[] sizes = {7, 13, 1};
    int[] tops = {0, 5, 2};
    int n = 21;
    try (Tagger tagger = ModelDirectory.loadTagger(Fixtures.tagger(), info);
        ServedTagger served = ServedTagger.load(Fixtures.tagger())) {
      for (int chunk : new int[] {64, 4, 1}) {
        LabelPrediction[] expected = new LabelPrediction[n];
        float[] x = new float[chunk * info.model().numFeatures()];
        for (int from = 0; from < n; from += chunk) {
          int b = Math.min(chunk, n - from);
          t.denseRows(test, from, b, x);
          LabelPrediction[] p =
              tagger.predict(tagger.score(x, b), info.model().setRules().get(0), 5);
          System.arraycopy(p, 0, expected, from, b);
        }
        List<ServedTagger.Job> jobs = new ArrayList<>();
        int from = 0;
        for (int j = 0; j < sizes.length; j++) {
          jobs.add(new ServedTagger.Job(rows(test, from, sizes[j]), tops[j]));
          from += sizes[j];
        }
        List<LabelPrediction[]> got = served.run(jobs, chunk);
        from = 0;
        for (int j = 0; j < sizes.length; j++) {
          assertEquals(sizes[j], got.get(j).length);
          for (int i = 0; i < sizes[j]; i++) {
            assertSame(
                expected[from + i],
                got.get(j)[i],
                tops[j],
                "chunk " + chunk + ", row " + (from + i));
          }
          from += sizes[j];
        }
      }
    }
  }

  /**
   * A queued coder job holds the request's sparse rows, not a dense rows × D array; the pass
   * densifies them a chunk at a time (chunks of 1000 — one pass, as before chunking — 7 and 1 rows,
   * straddling jobs) and encodes and reconstructs every row as the library does over the same chunk
   * of rows.
   */
  @Test
  void coderJobsStaySparseAndChunksGiveTheLibrarysCodes() {
    for (RecordComponent c : ServedCoder.Job.class.getRecordComponents()) {
      assertFalse(c.getType() == float[].class, "ServedCoder.Job." + c.getName() + " is dense");
    }
    Dataset test = new DataPlan(Fixtures.IMAGES, null, 0, 1).load().test();
    int n = test.size();
    int d = test.dim();
    float[] x = new float[n * d];
    test.copyRows(0, n, x);
    int[] sizes = {30, 45, n - 75};
    try (SparseCoder library = ModelDirectory.loadCoder(Fixtures.coder());
        ServedCoder served = ServedCoder.load(Fixtures.coder(), null)) {
      int k = served.latentDim();
      InputScaling scaling = library.inputScaling();
      for (int chunk : new int[] {1000, 7, 1}) {
        List<SparseCode> expected = new ArrayList<>();
        for (int from = 0; from < n; from += chunk) {
          int b = Math.min(chunk, n - from);
          expected.addAll(library.encode(Arrays.copyOfRange(x, from * d, (from + b) * d), b, b));
        }
        List<ServedCoder.Job> jobs = new ArrayList<>();
        int from = 0;
        for (int size : sizes) {
          jobs.add(new ServedCoder.Job(RequestRows.of(x, from, size, d), true));
          from += size;
        }
        List<ServedCoder.Result> got = served.run(jobs, chunk);
        from = 0;
        for (int j = 0; j < sizes.length; j++) {
          ServedCoder.Result r = got.get(j);
          assertEquals(sizes[j], r.codes().size());
          float[] z = new float[sizes[j] * k];
          for (int i = 0; i < sizes[j]; i++) {
            String where = "chunk " + chunk + ", row " + (from + i);
            SparseCode e = expected.get(from + i);
            assertArrayEquals(e.indices(), r.codes().get(i).indices(), where);
            assertArrayEquals(e.values(), r.codes().get(i).values(), where);
            System.arraycopy(e.toDense(k), 0, z, i * k, k);
          }
          float[] decoded = library.decodeMean(z, sizes[j], chunk);
          if (!scaling.isIdentity()) {
            for (int i = 0; i < decoded.length; i++) {
              decoded[i] = decoded[i] * scaling.scale()[i % d] + scaling.offset()[i % d];
            }
          }
          assertArrayEquals(decoded, r.reconstruction(), "chunk " + chunk + ", job " + j);
          from += sizes[j];
        }
      }
    }
  }

  /** Dense rows in the sparse form the request parser gives them (zeros left out). */
  private static final class RequestRows {
    static Rows of(float[] x, int from, int n, int d) {
      int[] ptr = new int[n + 1];
      List<Integer> idx = new ArrayList<>();
      List<Float> val = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
          float v = x[(from + i) * d + j];
          if (v != 0f) {
            idx.add(j);
            val.add(v);
          }
        }
        ptr[i + 1] = idx.size();
      }
      float[] values = new float[val.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = val.get(i);
      }
      return new Rows(d, ptr, idx.stream().mapToInt(Integer::intValue).toArray(), values);
    }
  }
}
