package org.sdlgm.data.multilabel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.data.DataException;

class ArffReaderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private Path xml(String name, String... labels) throws IOException {
    StringBuilder b =
        new StringBuilder(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<labels xmlns=\"http://mulan.sourceforge.net/labels\">\n");
    for (String l : labels) {
      b.append("<label name=\"").append(l).append("\"></label>\n");
    }
    return write(name, b.append("</labels>\n").toString());
  }

  /** Asserts the error names the file and the 1-based line, and mentions {@code what}. */
  private static void assertError(Path file, long line, String what, Runnable r) {
    DataException e = assertThrows(DataException.class, r::run);
    assertTrue(
        e.getMessage().contains(file.getFileName() + ":" + line + ":"),
        "no file:line " + line + " in: " + e.getMessage());
    assertTrue(e.getMessage().contains(what), "no '" + what + "' in: " + e.getMessage());
  }

  private static final String DENSE =
      "% a comment\n"
          + "@relation 'my data: -C 2'\n"
          + "\n"
          + "@attribute 'lab one' {0,1}\n"
          + "@attribute lab2 {0,1}\n"
          + "@attribute 'it\\'s x' numeric\n"
          + "@attribute y REAL\n"
          + "@attribute z integer\n"
          + "@attribute flag {YES,NO}\n"
          + "@attribute \"q name\" {'a b','c'}\n"
          + "@data\n"
          + "1,0,0.5,0,3,YES,'a b'\n"
          + "% comment inside data\n"
          + "0,0,0,-1.5,0,NO,c\n"
          + "1,1,2,0,0,NO,'a b'\n";

  @Test
  void denseWithMekaC() throws IOException {
    Path p = write("dense.arff", DENSE);
    MultiLabelDataset d = ArffReader.read(p);
    assertEquals("my data: -C 2", d.name());
    assertEquals(3, d.size());
    assertEquals(5, d.numFeatures());
    assertEquals(List.of("it's x", "y", "z", "flag", "q name"), d.featureNames());
    assertEquals(List.of("lab one", "lab2"), d.labelNames());
    assertArrayEquals(new int[] {0}, d.labels(0));
    assertArrayEquals(new int[] {}, d.labels(1));
    assertArrayEquals(new int[] {0, 1}, d.labels(2));
    assertArrayEquals(new int[] {0, 2}, d.featureIndices(0)); // flag YES = index 0 -> 0
    assertArrayEquals(new float[] {0.5f, 3f}, d.featureValues(0));
    // NO = index 1 in {YES,NO}; 'c' = index 1.
    assertArrayEquals(new int[] {1, 3, 4}, d.featureIndices(1));
    assertArrayEquals(new float[] {-1.5f, 1f, 1f}, d.featureValues(1));
    assertEquals(1.0, d.labelCardinality(), 1e-12);
    assertEquals(1, d.emptyLabelRows());
    float[] buf = new float[2 * 5 + 3];
    java.util.Arrays.fill(buf, 9f);
    d.denseBatch(1, 3, buf);
    assertArrayEquals(new float[] {0, -1.5f, 0, 1, 1, 2, 0, 0, 1, 0, 9f, 9f, 9f}, buf);
  }

  @Test
  void gzipDetectedByMagicNotName() throws IOException {
    Path p = dir.resolve("dense.bin");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
      o.write(DENSE.getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(3, ArffReader.read(p).size());
  }

  @Test
  void explicitSpecWinsOverMekaC() throws IOException {
    Path p = write("dense.arff", DENSE.replace("-C 2", "-C 5"));
    // -C 5 would be wrong (numeric attributes as labels); first:2 and the XML override it.
    MultiLabelDataset a = ArffReader.read(p, LabelSpec.first(2));
    assertEquals(2, a.numLabels());
    Path x = xml("l.xml", "lab2", "lab one");
    MultiLabelDataset b = ArffReader.read(p, LabelSpec.xml(x));
    assertEquals(List.of("lab2", "lab one"), b.labelNames()); // XML order
    assertArrayEquals(new int[] {1}, b.labels(0));
    assertArrayEquals(new int[] {0, 1}, b.labels(2));
    assertEquals(5, b.numFeatures());
  }

  @Test
  void lastAndSparse() throws IOException {
    Path p =
        write(
            "sparse.arff",
            "@relation s\n"
                + "@attribute f0 numeric\n@attribute f1 numeric\n@attribute f2 {n,y}\n"
                + "@attribute L0 {0,1}\n@attribute L1 {0,1}\n@attribute L2 numeric\n"
                + "@data\n"
                + "{0 2.5,2 y,4 1}\n"
                + "{ }\n"
                + "{5 1, 1 -1,3 1}\n"
                + "{0 1,5 0}\n");
    MultiLabelDataset d = ArffReader.read(p, LabelSpec.parse("last:3"));
    assertEquals(4, d.size());
    assertEquals(3, d.numFeatures());
    assertArrayEquals(new int[] {0, 2}, d.featureIndices(0));
    assertArrayEquals(new float[] {2.5f, 1f}, d.featureValues(0));
    assertArrayEquals(new int[] {1}, d.labels(0));
    assertArrayEquals(new int[] {}, d.featureIndices(1));
    assertArrayEquals(new int[] {1}, d.featureIndices(2));
    assertArrayEquals(new int[] {0, 2}, d.labels(2));
    assertArrayEquals(new int[] {}, d.labels(3));
    assertEquals(2, d.emptyLabelRows());
    assertEquals(4, d.numFeatureNonZeros());
    assertEquals(3, d.numLabelNonZeros());
  }

  @Test
  void negativeMekaCMeansLast() throws IOException {
    Path p =
        write(
            "neg.arff",
            "@relation \"r: -C -1\"\n@attribute f numeric\n" + "@attribute L {0,1}\n@data\n2,1\n");
    MultiLabelDataset d = ArffReader.read(p, (LabelSpec) null);
    assertEquals(List.of("L"), d.labelNames());
    assertArrayEquals(new int[] {0}, d.labels(0));
    assertError(p, 4, "asks for 3 labels", () -> ArffReader.read(p, LabelSpec.first(3)));
  }

  @Test
  void noLabelSpecIsAnError() throws IOException {
    Path p = write("noc.arff", DENSE.replace("'my data: -C 2'", "plain"));
    DataException e = assertThrows(DataException.class, () -> ArffReader.read(p));
    assertTrue(
        e.getMessage().contains("noc.arff") && e.getMessage().contains("-C"), e.getMessage());
  }

  @Test
  void labelValueNotBinary() throws IOException {
    Path p = write("bad.arff", DENSE.replace("0,0,0,-1.5", "0,2,0,-1.5"));
    // lab2 is declared {0,1}: '2' is not declared, and must be reported as a label problem.
    assertError(p, 14, "label 'lab2' has value '2'; expected 0 or 1", () -> ArffReader.read(p));
    Path q =
        write(
            "bad2.arff",
            "@relation r\n@attribute f numeric\n@attribute L numeric\n" + "@data\n1,1\n1,0.5\n");
    assertError(
        q,
        6,
        "label 'L' has value '0.5'; expected 0 or 1",
        () -> ArffReader.read(q, LabelSpec.last(1)));
  }

  @Test
  void wrongNumberOfValues() throws IOException {
    Path p = write("short.arff", DENSE.replace("1,1,2,0,0,NO,'a b'", "1,1,2,0,0,NO"));
    assertError(p, 15, "expected 7 values, found 6", () -> ArffReader.read(p));
  }

  @Test
  void missingValue() throws IOException {
    Path p = write("miss.arff", DENSE.replace("1,0,0.5,0,3", "1,0,?,0,3"));
    assertError(p, 12, "missing value '?'", () -> ArffReader.read(p));
  }

  @Test
  void badSparseIndexAndNumbers() throws IOException {
    String head =
        "@relation r\n@attribute f numeric\n@attribute g {a,b}\n@attribute L {0,1}\n" + "@data\n";
    Path p = write("idx.arff", head + "{0 1}\n{3 1}\n");
    assertError(p, 7, "sparse index 3 out of range", () -> ArffReader.read(p, LabelSpec.last(1)));
    Path q = write("num.arff", head + "x,a,1\n");
    assertError(q, 6, "not a number", () -> ArffReader.read(q, LabelSpec.last(1)));
    Path r = write("nom.arff", head + "1,zz,1\n");
    assertError(r, 6, "'zz' is not declared", () -> ArffReader.read(r, LabelSpec.last(1)));
    Path s = write("dup.arff", head + "{0 1,0 2}\n");
    assertError(s, 6, "given twice", () -> ArffReader.read(s, LabelSpec.last(1)));
    Path t = write("str.arff", "@relation r\n@attribute s string\n@data\n");
    assertError(t, 2, "unsupported type", () -> ArffReader.read(t, LabelSpec.last(1)));
  }

  @Test
  void xmlNamingMissingLabels() throws IOException {
    Path p = write("dense.arff", DENSE);
    Path x = xml("m.xml", "lab2", "ghost", "phantom");
    DataException e = assertThrows(DataException.class, () -> ArffReader.read(p, LabelSpec.xml(x)));
    assertTrue(
        e.getMessage().contains("dense.arff")
            && e.getMessage().contains("ghost")
            && e.getMessage().contains("phantom")
            && !e.getMessage().contains("lab2,"),
        e.getMessage());
  }

  @Test
  void hierarchicalXmlTakesAllLabelsInDocumentOrder() throws IOException {
    Path x =
        write(
            "h.xml",
            "<?xml version=\"1.0\"?>\n"
                + "<labels xmlns=\"http://mulan.sourceforge.net/labels\">\n"
                + " <label name=\"A\"><label name=\"A.1\"/><label name=\"A.2\">"
                + "<label name=\"A.2.x\"/></label></label>\n <label name=\"B\"/>\n</labels>\n");
    assertEquals(List.of("A", "A.1", "A.2", "A.2.x", "B"), MulanLabels.read(x).names());
    Path bad = write("bad.xml", "<labels>\n<label name=\"a\">\n</labels>\n");
    DataException e = assertThrows(DataException.class, () -> MulanLabels.read(bad));
    assertTrue(e.getMessage().contains("bad.xml:"), e.getMessage());
  }

  @Test
  void labelSpecParse() {
    assertEquals(LabelSpec.Kind.FIRST, LabelSpec.parse("first:3").kind());
    assertEquals(3, LabelSpec.parse("last:3").count());
    assertEquals(LabelSpec.Kind.MEKA, LabelSpec.parse("meka").kind());
    assertThrows(IllegalArgumentException.class, () -> LabelSpec.parse("middle:3"));
    assertThrows(IllegalArgumentException.class, () -> LabelSpec.first(0));
  }

  /** Two numeric features and one label, the data starting on line 6. */
  private static final String TWO_NUMERIC =
      "@relation r\n@attribute f numeric\n@attribute g numeric\n@attribute L {0,1}\n@data\n";

  @Test
  void nonFiniteNumericValuesAreErrorsNamingTheLine() throws IOException {
    Path p = write("nan.arff", TWO_NUMERIC + "1,2,1\n1,NaN,0\n");
    assertError(p, 7, "NaN", () -> ArffReader.read(p, LabelSpec.last(1)));
    Path q = write("inf.arff", TWO_NUMERIC + "{0 Infinity}\n");
    assertError(q, 6, "Infinity", () -> ArffReader.read(q, LabelSpec.last(1)));
    Path r = write("big.arff", TWO_NUMERIC + "1e39,0,1\n");
    assertError(r, 6, "1e39", () -> ArffReader.read(r, LabelSpec.last(1)));
  }

  @Test
  void javaOnlyNumberSpellingsAreErrorsNamingTheLine() throws IOException {
    Path p = write("hex.arff", TWO_NUMERIC + "1,2,1\n0x1p3,2,0\n");
    assertError(p, 7, "0x1p3", () -> ArffReader.read(p, LabelSpec.last(1)));
    Path q = write("suffix.arff", TWO_NUMERIC + "{1 4d}\n");
    assertError(q, 6, "4d", () -> ArffReader.read(q, LabelSpec.last(1)));
  }

  @Test
  void hugeMekaCIsADataErrorNotACrash() throws IOException {
    Path p =
        write(
            "c.arff",
            "@relation 'r: -C 99999999999'\n@attribute f numeric\n@attribute L {0,1}\n@data\n1,1\n");
    assertError(p, 1, "-C", () -> ArffReader.read(p));
  }

  @Test
  void byteOrderMarkBeforeTheHeader() throws IOException {
    Path p = write("bom.arff", "\uFEFF" + DENSE);
    MultiLabelDataset d = ArffReader.read(p);
    assertEquals(3, d.size());
    assertEquals(2, d.numLabels());
  }

  @Test
  void repeatedSparseIndexIsAnErrorForLabelsAndZeroValues() throws IOException {
    String head = "@relation r\n@attribute f numeric\n@attribute L {0,1}\n@data\n";
    // Contradictory values for one label: the row took the label, silently.
    Path p = write("duplab.arff", head + "{0 1}\n{1 1,1 0}\n");
    assertError(p, 6, "given twice", () -> ArffReader.read(p, LabelSpec.last(1)));
    // A repeated feature with one zero value was not noticed (zeros are not stored).
    Path q = write("dupzero.arff", head + "{0 0,0 2}\n");
    assertError(q, 5, "given twice", () -> ArffReader.read(q, LabelSpec.last(1)));
  }
}
