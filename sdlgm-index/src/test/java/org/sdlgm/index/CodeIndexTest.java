package org.sdlgm.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.SdlgmException;
import org.sdlgm.model.LevelInference;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;

/** The code index against brute force, its stored fields, its atomic build and its errors. */
class CodeIndexTest {
  static final int K = 24;
  static final int L0 = 5;
  static final int N = 400;
  static final int D = 6;

  @TempDir static Path shared;
  static List<SparseCode> docs;
  static Path indexDir;

  @BeforeAll
  static void build() {
    docs = randomCodes(new Random(7), N);
    indexDir = shared.resolve("index");
    // A segment every 37 documents: the merged index must still number documents in add order.
    try (CodeIndexWriter w = CodeIndexWriter.create(indexDir, info(D), false, 37)) {
      for (int i = 0; i < N; i++) {
        w.add("doc-" + i, i % 3 == 0 ? null : "class-" + (i % 4), docs.get(i), input(i));
      }
      IndexInfo written = w.commit();
      assertEquals(N, written.documents());
      assertTrue(written.inputStored());
    }
  }

  static IndexInfo info(int inputDim) {
    return IndexInfo.builder()
        .modelFingerprint("sha256:test")
        .method("sdlgm")
        .latentDim(K)
        .maxLevel(L0)
        .inputDim(inputDim)
        .data("synthetic", "train")
        .build();
  }

  /** Rows of pixel-like values (lossless as bytes) for even documents, arbitrary floats for odd. */
  static float[] input(int i) {
    float[] x = new float[D];
    for (int j = 0; j < D; j++) {
      x[j] = i % 2 == 0 ? ((i * 7 + j * 31) % 256) / 255f : (float) Math.sin(i + 0.1 * j) * 3;
    }
    return x;
  }

  /**
   * Random codes with up to L0 non-zeros (some empty), values drawn from a few repeated levels of
   * both signs (so that scores tie often) or at random.
   */
  static List<SparseCode> randomCodes(Random r, int n) {
    float[] levels = {-2f, -1f, -0.5f, 0.5f, 1f, 2f};
    List<SparseCode> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int nnz = r.nextInt(L0 + 1);
      int[] idx = r.ints(0, K).distinct().limit(nnz).sorted().toArray();
      float[] val = new float[nnz];
      for (int j = 0; j < nnz; j++) {
        val[j] = r.nextInt(3) > 0 ? levels[r.nextInt(levels.length)] : (float) r.nextGaussian();
      }
      out.add(new SparseCode(nnz, idx, val, null));
    }
    return out;
  }

  /**
   * The reference ranking, written independently of the index: dense vectors, the dot product over
   * all K dimensions in ascending order, a full sort by score then document number.
   */
  static List<double[]> bruteForce(SparseCode q, int k) {
    float[] qd = q.toDense(K);
    List<double[]> all = new ArrayList<>();
    for (int d = 0; d < docs.size(); d++) {
      float[] dd = docs.get(d).toDense(K);
      double s = 0;
      for (int j = 0; j < K; j++) {
        s += (double) qd[j] * dd[j];
      }
      all.add(new double[] {d, s + 0.0});
    }
    all.sort(Comparator.<double[]>comparingDouble(a -> -a[1]).thenComparingDouble(a -> a[0]));
    return all.subList(0, Math.min(k, all.size()));
  }

  @Test
  void ranksByTheExactDotProductLikeBruteForce() {
    List<SparseCode> queries = randomCodes(new Random(11), 300);
    int ties = 0;
    int negatives = 0;
    try (CodeIndex index = CodeIndex.open(indexDir)) {
      assertEquals(N, index.size());
      for (int k : new int[] {1, 10, 57, N, N + 20}) {
        List<List<SearchHit>> all = index.search(queries, k);
        for (int qi = 0; qi < queries.size(); qi++) {
          List<double[]> want = bruteForce(queries.get(qi), k);
          List<SearchHit> got = all.get(qi);
          assertEquals(want.size(), got.size(), "query " + qi + ", k " + k);
          for (int i = 0; i < want.size(); i++) {
            int wd = (int) want.get(i)[0];
            double ws = want.get(i)[1];
            SearchHit h = got.get(i);
            final int fi = i;
            final int fq = qi;
            assertEquals(
                wd,
                h.doc(),
                () -> "query " + fq + " rank " + fi + " k " + k + ": " + queries.get(fq));
            assertEquals(ws, h.score(), 0.0, () -> "query " + fq + " rank " + fi);
            assertEquals("doc-" + wd, h.id());
            if (i > 0 && want.get(i - 1)[1] == ws) {
              ties++;
            }
            if (ws < 0) {
              negatives++;
            }
          }
        }
      }
    }
    // The comparison covered what makes ranking tricky.
    assertTrue(ties > 1000, "too few ties to test tie-breaking: " + ties);
    assertTrue(negatives > 1000, "too few negative scores: " + negatives);
  }

  @Test
  void exactSearchAgreesWithTheIndex() {
    List<SparseCode> queries = randomCodes(new Random(13), 50);
    try (CodeIndex index = CodeIndex.open(indexDir)) {
      ExactSearch exact = ExactSearch.of(index);
      for (SparseCode q : queries) {
        List<SearchHit> hits = index.search(q, 10);
        List<ExactSearch.Scored> ref = exact.search(q, 10);
        assertEquals(ref.size(), hits.size());
        for (int i = 0; i < ref.size(); i++) {
          assertEquals(ref.get(i).doc(), hits.get(i).doc());
          assertEquals(ref.get(i).score(), hits.get(i).score(), 0.0);
        }
      }
    }
  }

  @Test
  void documentsWithoutOverlapComeOnlyAfterThePositiveOnesAndBeforeTheNegative(@TempDir Path tmp) {
    Path dir = tmp.resolve("small");
    try (CodeIndexWriter w = CodeIndexWriter.create(dir, info(0))) {
      w.add("a", null, code(new int[] {1}, new float[] {-1f}), null); // −2
      w.add("b", null, code(new int[] {5}, new float[] {1f}), null); // no overlap: 0
      w.add("c", null, code(new int[] {1, 3}, new float[] {1f, 1f}), null); // 2 + 1 = 3
      w.add("d", null, code(new int[] {}, new float[] {}), null); // empty: 0
      w.add("e", null, code(new int[] {3}, new float[] {0.5f}), null); // 0.5
      w.commit();
    }
    try (CodeIndex index = CodeIndex.open(dir)) {
      SparseCode q = code(new int[] {3, 1}, new float[] {1f, 2f}); // unsorted on purpose
      assertEquals(List.of("c", "e"), ids(index.search(q, 2)));
      assertEquals(List.of("c", "e", "b", "d", "a"), ids(index.search(q, 10)));
      assertEquals(
          List.of(3.0, 0.5, 0.0, 0.0, -2.0),
          index.search(q, 5).stream().map(SearchHit::score).toList());
    }
  }

  static SparseCode code(int[] idx, float[] val) {
    return new SparseCode(idx.length, idx, val, null);
  }

  static List<String> ids(List<SearchHit> hits) {
    return hits.stream().map(SearchHit::id).toList();
  }

  @Test
  void hitsCarryIdLabelCodeAndInput() {
    try (CodeIndex index = CodeIndex.open(indexDir)) {
      for (int d : new int[] {0, 1, 2, 3, 398, 399}) {
        SparseCode c = docs.get(d);
        if (c.nnz() == 0) {
          continue;
        }
        // The document's own code finds it among its best matches; read it back from the hits.
        SearchHit h =
            index.search(c, N).stream().filter(x -> x.doc() == d).findFirst().orElseThrow();
        assertEquals("doc-" + d, h.id());
        if (d % 3 == 0) {
          assertNull(h.label());
        } else {
          assertEquals("class-" + (d % 4), h.label());
        }
        assertArrayEquals(c.indices(), h.indices());
        assertArrayEquals(c.values(), h.values());
        assertArrayEquals(input(d), h.input(), "input of document " + d + " not stored losslessly");
      }
      assertEquals(IndexInfo.SCHEME, index.info().scheme());
      assertEquals(K, index.info().latentDim());
    }
  }

  @Test
  void storedInputsKeepTheSignOfZero(@TempDir Path tmp) {
    // A row of pixel-like values with a negative zero (as x * -1 or 0 * a negative scale gives):
    // every value is b/255 numerically, but the one-byte layout would turn −0.0 into +0.0.
    float[] row = {0f, -0f, 1f, 128 / 255f, 255 / 255f, 3 / 255f};
    Path dir = tmp.resolve("signed-zero");
    try (CodeIndexWriter w = CodeIndexWriter.create(dir, info(D))) {
      w.add("z", null, docs.get(1), row);
      w.commit();
    }
    try (CodeIndex index = CodeIndex.open(dir)) {
      float[] back = index.search(docs.get(1), 1).get(0).input();
      for (int j = 0; j < D; j++) {
        assertEquals(
            Float.floatToRawIntBits(row[j]),
            Float.floatToRawIntBits(back[j]),
            "value " + j + ": " + row[j] + " came back as " + back[j]);
      }
    }
  }

  @Test
  void wideInputsAreNotStored(@TempDir Path tmp) {
    int wide = IndexInfo.MAX_STORED_INPUT_DIM + 1;
    try (CodeIndexWriter w = CodeIndexWriter.create(tmp.resolve("wide"), info(wide))) {
      assertFalse(w.storesInput());
      w.add("x", "y", docs.get(1), new float[wide]);
      assertFalse(w.commit().inputStored());
    }
    try (CodeIndex index = CodeIndex.open(tmp.resolve("wide"))) {
      assertNull(index.search(docs.get(1), 1).get(0).input());
    }
  }

  @Test
  void concurrentSearchesGiveTheSequentialResults() throws Exception {
    List<SparseCode> queries = randomCodes(new Random(17), 200);
    try (CodeIndex index = CodeIndex.open(indexDir)) {
      List<List<SearchHit>> seq = index.search(queries, 10);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<List<SearchHit>>> fs = new ArrayList<>();
        for (int rep = 0; rep < 4; rep++) {
          for (SparseCode q : queries) {
            fs.add(pool.submit(() -> index.search(q, 10)));
          }
        }
        for (int i = 0; i < fs.size(); i++) {
          List<SearchHit> got = fs.get(i).get();
          List<SearchHit> want = seq.get(i % queries.size());
          assertEquals(
              want.stream().map(SearchHit::doc).toList(),
              got.stream().map(SearchHit::doc).toList());
          assertEquals(
              want.stream().map(SearchHit::score).toList(),
              got.stream().map(SearchHit::score).toList());
        }
      } finally {
        pool.shutdown();
      }
      assertTrue(index.postingsVisited() > 0);
      assertEquals(200 + 800, index.queries());
    }
  }

  @Test
  void badQueriesAreRefusedWithOneMessage() {
    try (CodeIndex index = CodeIndex.open(indexDir)) {
      SparseCode ok = code(new int[] {1}, new float[] {1f});
      assertTrue(
          assertThrows(SdlgmException.class, () -> index.search(ok, 0))
              .getMessage()
              .contains("k must be ≥ 1"));
      assertTrue(
          assertThrows(
                  SdlgmException.class,
                  () -> index.search(code(new int[] {K}, new float[] {1f}), 3))
              .getMessage()
              .contains("dimension 24 is outside 0..23"));
      assertTrue(
          assertThrows(
                  SdlgmException.class,
                  () -> index.search(code(new int[] {2, 2}, new float[] {1f, 1f}), 3))
              .getMessage()
              .contains("appears twice"));
      assertTrue(
          assertThrows(
                  SdlgmException.class,
                  () -> index.search(code(new int[] {2}, new float[] {Float.NaN}), 3))
              .getMessage()
              .contains("not finite"));
    }
  }

  @Test
  void anUncommittedBuildLeavesNothing(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("idx");
    try (CodeIndexWriter w = CodeIndexWriter.create(dir, info(D))) {
      w.add("a", null, docs.get(1), null);
      // no commit: as if the build failed half-way
    }
    assertFalse(Files.exists(dir));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(), s.toList(), "the hidden build directory was not removed");
    }
  }

  @Test
  void aBuildInProgressDoesNotOpenAsAnIndex(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("idx");
    try (CodeIndexWriter w = CodeIndexWriter.create(dir, info(D))) {
      w.add("a", null, docs.get(1), null);
      Path building;
      try (Stream<Path> s = Files.list(tmp)) {
        building =
            s.filter(p -> p.getFileName().toString().startsWith(".idx.building-"))
                .findFirst()
                .orElseThrow();
      }
      SdlgmException e = assertThrows(SdlgmException.class, () -> CodeIndex.open(building));
      assertTrue(e.getMessage().contains("not a code index"), e.getMessage());
      assertThrows(SdlgmException.class, () -> CodeIndex.open(dir));
    }
  }

  @Test
  void aKilledBuildIsTidiedByTheNextOneButALiveBuildIsNot(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("idx");
    Path dead = Files.createDirectories(tmp.resolve(".idx.building-dead"));
    Files.writeString(dead.resolve("_0.fdt"), "half", StandardCharsets.UTF_8);
    try (CodeIndexWriter live = CodeIndexWriter.create(dir, info(D))) {
      assertFalse(Files.exists(dead), "the dead build was not removed");
      try (CodeIndexWriter second = CodeIndexWriter.create(dir, info(D))) {
        assertEquals(0, second.size());
        try (Stream<Path> s = Files.list(tmp)) {
          assertEquals(
              2,
              s.filter(p -> p.getFileName().toString().startsWith(".idx.building-")).count(),
              "a live build was removed");
        }
      }
      live.add("a", null, docs.get(1), null);
      live.commit();
    }
    try (CodeIndex index = CodeIndex.open(dir)) {
      assertEquals(1, index.size());
    }
  }

  @Test
  void outputDirectoryRules(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("idx");
    try (CodeIndexWriter w = CodeIndexWriter.create(dir, info(D))) {
      w.add("first", null, docs.get(1), null);
      w.commit();
    }
    SdlgmException exists =
        assertThrows(SdlgmException.class, () -> CodeIndexWriter.create(dir, info(D)));
    assertTrue(exists.getMessage().contains("use --overwrite"), exists.getMessage());
    try (CodeIndexWriter w = CodeIndexWriter.create(dir, info(D), true)) {
      w.add("second", null, docs.get(1), null);
      w.add("third", null, docs.get(2), null);
      w.commit();
    }
    try (CodeIndex index = CodeIndex.open(dir)) {
      assertEquals(2, index.size());
    }
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(dir), s.toList(), "stray directories beside the index");
    }
    Path other = tmp.resolve("notes");
    Files.createDirectories(other);
    Files.writeString(other.resolve("keep.txt"), "mine", StandardCharsets.UTF_8);
    SdlgmException refused =
        assertThrows(SdlgmException.class, () -> CodeIndexWriter.create(other, info(D), true));
    assertTrue(refused.getMessage().contains("is not a code index"), refused.getMessage());
    assertTrue(Files.exists(other.resolve("keep.txt")));
  }

  @Test
  void openingWhatIsNotAnIndexSaysSo(@TempDir Path tmp) throws IOException {
    SdlgmException missing =
        assertThrows(SdlgmException.class, () -> CodeIndex.open(tmp.resolve("nope")));
    assertTrue(
        missing.getMessage().contains("index directory does not exist"), missing.getMessage());
    SdlgmException empty = assertThrows(SdlgmException.class, () -> CodeIndex.open(tmp));
    assertTrue(empty.getMessage().contains("not a code index"), empty.getMessage());

    Path copy = tmp.resolve("copy");
    Files.createDirectories(copy);
    try (Stream<Path> s = Files.list(indexDir)) {
      for (Path p : s.toList()) {
        Files.copy(p, copy.resolve(p.getFileName()));
      }
    }
    Path meta = copy.resolve(IndexInfo.FILE);
    String json = Files.readString(meta, StandardCharsets.UTF_8);
    Files.writeString(
        meta,
        json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"),
        StandardCharsets.UTF_8);
    SdlgmException version = assertThrows(SdlgmException.class, () -> CodeIndex.open(copy));
    assertTrue(version.getMessage().contains("index format version 99"), version.getMessage());

    Files.writeString(
        meta, json.replace("\"documents\" : 400", "\"documents\" : 401"), StandardCharsets.UTF_8);
    SdlgmException count = assertThrows(SdlgmException.class, () -> CodeIndex.open(copy));
    assertTrue(count.getMessage().contains("holds 400 documents"), count.getMessage());

    Files.writeString(meta, json, StandardCharsets.UTF_8);
    try (Stream<Path> s = Files.list(copy)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith("segments")).toList()) {
        Files.delete(p);
      }
    }
    SdlgmException lucene = assertThrows(SdlgmException.class, () -> CodeIndex.open(copy));
    assertTrue(lucene.getMessage().contains("no Lucene index"), lucene.getMessage());
  }

  @Test
  void theFingerprintTiesAnIndexToItsModel(@TempDir Path tmp) throws IOException {
    Path m1 = Files.createDirectories(tmp.resolve("m1"));
    Path m2 = Files.createDirectories(tmp.resolve("m2"));
    Path m1copy = Files.createDirectories(tmp.resolve("m1copy"));
    Files.write(m1.resolve("model.params"), new byte[] {1, 2, 3});
    Files.write(m1copy.resolve("model.params"), new byte[] {1, 2, 3});
    Files.write(m2.resolve("model.params"), new byte[] {1, 2, 4});
    IndexInfo i = info(D).toBuilder().modelFingerprint(IndexInfo.modelFingerprint(m1)).build();
    i.checkModel(m1copy, "idx");
    SdlgmException e = assertThrows(SdlgmException.class, () -> i.checkModel(m2, "idx"));
    assertTrue(e.getMessage().startsWith("idx: index was built from the model"), e.getMessage());
    SdlgmException none = assertThrows(SdlgmException.class, () -> i.checkModel(tmp, "idx"));
    assertTrue(none.getMessage().contains("parameter file is missing"), none.getMessage());
    assertTrue(Arrays.asList(IndexInfo.modelFingerprint(m1).split(":")).get(1).length() == 64);
  }

  @Test
  void theLevelInferenceOfTheCodesIsRecordedAndQueriesFollowIt(@TempDir Path tmp)
      throws IOException {
    SdlgmConfig exact =
        SdlgmConfig.builder()
            .latentDim(K)
            .maxLevel(L0)
            .levelInference(LevelInference.EXACT)
            .build();
    IndexInfo head = info(D).toBuilder().levelInference("head").build();
    assertEquals(LevelInference.HEAD, head.queryConfig(exact).levelInference());
    assertEquals(exact, info(D).queryConfig(exact), "none recorded: the model's own");

    // Written and read back; an index written before the field existed reads as none.
    Path dir = Files.createDirectories(tmp.resolve("meta"));
    head.write(dir);
    assertEquals("head", IndexInfo.read(dir).levelInference());
    String json = Files.readString(dir.resolve(IndexInfo.FILE), StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve(IndexInfo.FILE),
        json.replace("\"levelInference\" : \"head\",", ""),
        StandardCharsets.UTF_8);
    assertEquals("", IndexInfo.read(dir).levelInference());
    Files.writeString(
        dir.resolve(IndexInfo.FILE),
        json.replace("\"levelInference\" : \"head\"", "\"levelInference\" : \"fast\""),
        StandardCharsets.UTF_8);
    SdlgmException bad = assertThrows(SdlgmException.class, () -> IndexInfo.read(dir));
    assertTrue(bad.getMessage().contains("fast"), bad.getMessage());
  }
}
