package org.sdlgm.data.multilabel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.data.DataException;

class ExtremeTextReaderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private static void assertError(Path file, long line, String what, Runnable r) {
    DataException e = assertThrows(DataException.class, r::run);
    assertTrue(
        e.getMessage().contains(file.getFileName() + ":" + line + ":"),
        "no file:line " + line + " in: " + e.getMessage());
    assertTrue(e.getMessage().contains(what), "no '" + what + "' in: " + e.getMessage());
  }

  @Test
  void xcFormat() throws IOException {
    Path p =
        write(
            "train.txt",
            "4 6 5\n" + "0,3 0:1.5 4:2\n" + " 1:1\n" + "2:0.25 5:1\n" + "4,1,4 5:3 0:1\n");
    MultiLabelDataset d = ExtremeTextReader.readXc(p);
    assertEquals(4, d.size());
    assertEquals(6, d.numFeatures());
    assertEquals(5, d.numLabels());
    assertArrayEquals(new int[] {0, 3}, d.labels(0));
    assertArrayEquals(new int[] {0, 4}, d.featureIndices(0));
    assertArrayEquals(new float[] {1.5f, 2f}, d.featureValues(0));
    assertArrayEquals(new int[] {}, d.labels(1));
    assertArrayEquals(new int[] {1}, d.featureIndices(1));
    assertArrayEquals(new int[] {}, d.labels(2));
    assertArrayEquals(new int[] {2, 5}, d.featureIndices(2));
    assertArrayEquals(new int[] {1, 4}, d.labels(3)); // sorted, duplicate dropped
    assertArrayEquals(new int[] {0, 5}, d.featureIndices(3)); // sorted
    assertArrayEquals(new float[] {1f, 3f}, d.featureValues(3));
    assertEquals(2, d.emptyLabelRows());
    assertEquals(1.0, d.labelCardinality(), 1e-12);
  }

  @Test
  void xcErrors() throws IOException {
    Path a = write("a.txt", "2 3 2\n0 0:1\n2 1:1\n");
    assertError(a, 3, "label 2 out of range", () -> ExtremeTextReader.readXc(a));
    Path b = write("b.txt", "2 3 2\n0 0:1\n1 3:1\n");
    assertError(b, 3, "feature index 3 out of range", () -> ExtremeTextReader.readXc(b));
    Path c = write("c.txt", "3 3 2\n0 0:1\n1 2:1\n");
    assertError(c, 3, "header says 3 rows", () -> ExtremeTextReader.readXc(c));
    Path e = write("e.txt", "x 3 2\n");
    assertError(e, 1, "N D C", () -> ExtremeTextReader.readXc(e));
    Path g = write("g.txt", "1 3 2\n0 1:x\n");
    assertError(g, 2, "not a number", () -> ExtremeTextReader.readXc(g));
    Path h = write("h.txt", "1 3 2\n0 1:1 1:2\n");
    assertError(h, 2, "given twice", () -> ExtremeTextReader.readXc(h));
    Path i = write("i.txt", "1 3 2\n0 1\n");
    assertError(i, 2, "is not f:v", () -> ExtremeTextReader.readXc(i));
  }

  @Test
  void libsvmOneBasedByDefault() throws IOException {
    Path p = write("l.svm", "1,2 1:0.5 3:1\n\n0 2:2\n 4:1\n");
    MultiLabelDataset d = ExtremeTextReader.readLibsvm(p);
    assertEquals(3, d.size());
    assertEquals(4, d.numFeatures()); // max index 4, 1-based -> D = 4
    assertEquals(3, d.numLabels());
    assertArrayEquals(new int[] {0, 2}, d.featureIndices(0));
    assertArrayEquals(new int[] {1, 2}, d.labels(0));
    assertArrayEquals(new int[] {3}, d.featureIndices(2));
    MultiLabelDataset z =
        ExtremeTextReader.read(
            p, ExtremeTextReader.Options.libsvm().withFeatureBase(0).withNumFeatures(10));
    assertEquals(10, z.numFeatures());
    assertArrayEquals(new int[] {1, 3}, z.featureIndices(0));
    Path q = write("zero.svm", "0 0:1\n");
    assertError(
        q, 1, "feature index 0 out of range [1, inf)", () -> ExtremeTextReader.readLibsvm(q));
    Path r = write("given.svm", "0 1:1\n1 6:1\n");
    assertError(
        r,
        2,
        "feature index 6 out of range [1, 6)",
        () -> ExtremeTextReader.read(r, ExtremeTextReader.Options.libsvm().withNumFeatures(5)));
    Path s = write("lab.svm", "0,x 1:1\n");
    assertError(s, 1, "label 'x' is not an integer", () -> ExtremeTextReader.readLibsvm(s));
  }

  /**
   * 2,000 rows over 100,000 features and 10,000 labels: a dense matrix would be 800 MB; the CSR
   * arrays must hold exactly the non-zeros written.
   */
  @Test
  void extremeSizeStaysSparse() throws IOException {
    int n = 2000;
    int d = 100_000;
    int c = 10_000;
    SplittableRandom rnd = new SplittableRandom(7);
    Path p = dir.resolve("xc.txt");
    long fnz = 0;
    long lnz = 0;
    try (BufferedWriter w = Files.newBufferedWriter(p)) {
      w.write(n + " " + d + " " + c + "\n");
      for (int r = 0; r < n; r++) {
        TreeSet<Integer> ls = new TreeSet<>();
        int nl = rnd.nextInt(6);
        while (ls.size() < nl) {
          ls.add(rnd.nextInt(c));
        }
        TreeSet<Integer> fs = new TreeSet<>();
        int nf = 1 + rnd.nextInt(60);
        while (fs.size() < nf) {
          fs.add(rnd.nextInt(d));
        }
        StringBuilder b = new StringBuilder();
        b.append(String.join(",", ls.stream().map(String::valueOf).toList()));
        for (int f : fs) {
          b.append(' ').append(f).append(':').append(1 + rnd.nextInt(9));
        }
        w.write(b.append('\n').toString());
        fnz += nf;
        lnz += nl;
      }
    }
    MultiLabelDataset ds = ExtremeTextReader.readXc(p);
    assertEquals(n, ds.size());
    assertEquals(d, ds.numFeatures());
    assertEquals(c, ds.numLabels());
    assertEquals(fnz, ds.numFeatureNonZeros());
    assertEquals(lnz, ds.numLabelNonZeros());
    assertEquals((double) lnz / n, ds.labelCardinality(), 1e-12);
    float[] batch = new float[2 * d];
    ds.denseBatch(10, 12, batch);
    int[] idx = ds.featureIndices(11);
    float[] val = ds.featureValues(11);
    for (int k = 0; k < idx.length; k++) {
      assertEquals(val[k], batch[d + idx[k]]);
    }
  }

  @Test
  void nonFiniteValuesAreErrorsNamingTheLine() throws IOException {
    // Float.parseFloat takes NaN and Infinity, and turns 1e39 into Infinity: all must be refused
    // where they are, not later by the feature transform without a line.
    Path a = write("nan.txt", "2 3 2\n0 0:1\n1 2:NaN\n");
    assertError(a, 3, "NaN", () -> ExtremeTextReader.readXc(a));
    Path b = write("inf.svm", "0 1:1\n1 2:-Infinity 3:1\n");
    assertError(b, 2, "-Infinity", () -> ExtremeTextReader.readLibsvm(b));
    Path c = write("big.svm", "0 1:1e39\n");
    assertError(c, 1, "1e39", () -> ExtremeTextReader.readLibsvm(c));
  }

  @Test
  void javaOnlyNumberSpellingsAreErrorsNamingTheLine() throws IOException {
    Path a = write("suffix.txt", "2 3 2\n0 0:1\n1 2:0.5f\n");
    assertError(a, 3, "0.5f", () -> ExtremeTextReader.readXc(a));
    Path b = write("hex.svm", "0 1:1\n1 2:0x1p-1\n");
    assertError(b, 2, "0x1p-1", () -> ExtremeTextReader.readLibsvm(b));
  }

  @Test
  void byteOrderMarkBeforeTheHeaderOrFirstRow() throws IOException {
    Path x = write("bom.txt", "\uFEFF1 3 2\n1 0:1\n");
    MultiLabelDataset d = ExtremeTextReader.readXc(x);
    assertEquals(1, d.size());
    assertArrayEquals(new int[] {1}, d.labels(0));
    Path l = write("bom.svm", "\uFEFF1,2 1:0.5\n");
    assertArrayEquals(new int[] {1, 2}, ExtremeTextReader.readLibsvm(l).labels(0));
  }

  @Test
  void largestIntIndexIsAnErrorNotAnOverflow() throws IOException {
    // D or C inferred as max index + 1 overflowed an int: a raw IllegalArgumentException.
    Path l = write("l.svm", "0 1:1\n2147483647 1:1\n");
    assertError(l, 2, "label 2147483647", () -> ExtremeTextReader.readLibsvm(l));
    Path f = write("f.svm", "0 2147483647:1\n");
    assertError(
        f,
        1,
        "feature index 2147483647",
        () -> ExtremeTextReader.read(f, ExtremeTextReader.Options.libsvm().withFeatureBase(0)));
  }

  @Test
  void repeatedFeatureIsAnErrorEvenWhenOneValueIsZero() throws IOException {
    Path z = write("z.svm", "0 1:1\n0 2:0 2:3\n");
    assertError(z, 2, "given twice", () -> ExtremeTextReader.readLibsvm(z));
  }
}
