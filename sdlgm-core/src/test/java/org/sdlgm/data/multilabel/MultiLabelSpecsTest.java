package org.sdlgm.data.multilabel;

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
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataException;

class MultiLabelSpecsTest {
  @TempDir Path dir;

  /** Three features a, b, c then labels l1, l2 (relation name {@code relation}). */
  static String arff(String relation, String... rows) {
    StringBuilder b =
        new StringBuilder(
            "@relation "
                + relation
                + "\n"
                + "@attribute a numeric\n@attribute b numeric\n@attribute c numeric\n"
                + "@attribute l1 {0,1}\n@attribute l2 {0,1}\n@data\n");
    for (String r : rows) {
      b.append(r).append('\n');
    }
    return b.toString();
  }

  static final String TRAIN = arff("toy", "1,0,2,1,0", "0,3,0,0,1", "{0 5,3 1,4 1}");
  static final String TEST = arff("toy", "0,0,1,0,1", "2,0,0,1,1");

  Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    if (name.endsWith(".gz")) {
      try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
        o.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } else {
      Files.writeString(p, text, StandardCharsets.UTF_8);
    }
    return p;
  }

  Path xml(String name, String... labels) throws IOException {
    StringBuilder b =
        new StringBuilder(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<labels xmlns=\"http://mulan.sourceforge.net/labels\">\n");
    for (String l : labels) {
      b.append("<label name=\"").append(l).append("\"></label>\n");
    }
    return write(name, b.append("</labels>\n").toString());
  }

  static String error(String spec) {
    return assertThrows(SdlgmException.class, () -> MultiLabelSpecs.parse(spec)).getMessage();
  }

  static void assertContains(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "no '" + p + "' in: " + message);
    }
  }

  @Test
  void syntaxDocumentsEveryScheme() {
    String[] lines = MultiLabelSpecs.SYNTAX.split("\n");
    assertEquals(MultiLabelSpecs.SCHEMES.size(), lines.length);
    for (int i = 0; i < lines.length; i++) {
      assertTrue(lines[i].startsWith(MultiLabelSpecs.SCHEMES.get(i) + ":"), lines[i]);
    }
  }

  @Test
  void badSpecsNameTheProblemAndWhatIsValid() {
    assertContains(
        error("mulam:/x"),
        "unknown multi-label data scheme 'mulam'",
        "valid schemes are mulan, arff, xc, libsvm, synthetic-ml");
    assertContains(error(" "), "empty multi-label data spec");
    assertContains(
        error("arff:x.arff,foo=1"),
        "data spec 'arff:x.arff,foo=1'",
        "unknown option 'foo' for arff",
        "valid options are labels");
    assertContains(error("xc:x.txt,base=0"), "xc takes no options");
    assertContains(error("mulan:"), "mulan needs DIR");
    assertContains(error("mulan:a,b"), "takes one DIR");
    assertContains(
        error("arff:x.arff,labels=middle:3"), "option labels=middle:3", "first:C, last:C or meka");
    assertContains(error("arff:x.arff,labels=first:0"), "must be positive");
    assertContains(error("libsvm:x.svm,base=2"), "option base=2", "expected 0 or 1");
    assertContains(error("libsvm:x.svm,features=0"), "option features=0", "positive integer");
    assertContains(error("libsvm:x.svm,labels=many"), "option labels=many", "integer");
    assertContains(error("synthetic-ml:lmax=x"), "option lmax=x", "expected an integer");
    assertContains(error("synthetic-ml:values=float"), "expected binary or count");
    assertContains(error("synthetic-ml:keep=Infinity"), "expected a finite number");
    assertContains(
        error("synthetic-ml:labels=3,lmax=5"),
        "data spec 'synthetic-ml:labels=3,lmax=5'",
        "lmax must be in 1..labels (3)");
    assertContains(error("synthetic-ml:foo"), "synthetic-ml takes only key=value options");
    assertContains(error("synthetic-ml:n=1,n=2"), "option 'n' given twice");
    assertContains(error("arff:seed=1,x.arff"), "paths must come before the options");
  }

  @Test
  void parsingDoesNotOpenFiles() {
    MultiLabelSource s = MultiLabelSpecs.parse("arff:" + dir.resolve("absent.arff"));
    assertEquals("arff", s.scheme());
    assertEquals("arff:" + dir.resolve("absent.arff"), s.spec());
    assertContains(
        assertThrows(DataException.class, s::load).getMessage(),
        dir.resolve("absent.arff") + ": file not found");
    assertContains(
        assertThrows(
                DataException.class, MultiLabelSpecs.parse("mulan:" + dir.resolve("nowhere"))::load)
            .getMessage(),
        "nowhere: directory not found");
  }

  /** Mixed case, a gzipped -sparse test file and an upper-case XML: all found. */
  @Test
  void mulanFolderCaseInsensitiveWithSparseVariant() throws IOException {
    write("toy/Toy-train.arff", TRAIN);
    write("toy/toy-test-sparse.arff.gz", TEST);
    xml("toy/TOY.xml", "l2", "l1");
    MultiLabelTrainTest tt = MultiLabelSpecs.parse("mulan:" + dir.resolve("toy")).load();
    assertEquals("toy/train", tt.train().name());
    assertEquals("toy/test", tt.test().name());
    assertEquals(3, tt.train().size());
    assertEquals(2, tt.test().size());
    assertEquals(List.of("l2", "l1"), tt.train().labelNames()); // XML order
    assertEquals(List.of("a", "b", "c"), tt.test().featureNames());

    String m =
        assertThrows(
                DataException.class,
                MultiLabelSpecs.parse("mulan:" + dir.resolve("toy") + ",name=other")::load)
            .getMessage();
    assertContains(m, "other-train.arff: not found", "Toy-train.arff", "name=NAME");
  }

  @Test
  void mulanFolderProblems() throws IOException {
    write("one/one.arff", TRAIN);
    xml("one/one.xml", "l1", "l2");
    String m =
        assertThrows(
                DataException.class, MultiLabelSpecs.parse("mulan:" + dir.resolve("one"))::load)
            .getMessage();
    assertContains(
        m, "one-train.arff: not found", "arff:" + dir.resolve("one/one.arff"), "--split");
    write("noxml/noxml-train.arff", TRAIN);
    write("noxml/noxml-test.arff", TEST);
    m =
        assertThrows(
                DataException.class, MultiLabelSpecs.parse("mulan:" + dir.resolve("noxml"))::load)
            .getMessage();
    assertContains(m, "noxml.xml: Mulan label file not found", "--labels");
    // --labels supplies what the folder lacks.
    MultiLabelTrainTest tt =
        new MultiLabelPlan("mulan:" + dir.resolve("noxml"), null, "last:2", 0, 1).load();
    assertEquals(List.of("l1", "l2"), tt.train().labelNames());
    assertEquals(2, tt.test().size());
  }

  @Test
  void arffDefaultLabelsXmlNextToItThenMekaC() throws IOException {
    Path f = write("d/foo-train.arff", TRAIN);
    xml("d/foo.xml", "l2", "l1");
    MultiLabelDataset d = MultiLabelSpecs.parse("arff:" + f).load().train();
    assertEquals(List.of("l2", "l1"), d.labelNames());
    assertEquals("foo-train.arff", d.name());
    // Named like the relation.
    Path g = write("e/data.arff", arff("bar", "1,0,2,1,0"));
    xml("e/bar.xml", "l1");
    assertEquals(List.of("l1"), MultiLabelSpecs.parse("arff:" + g).load().train().labelNames());
    // MEKA -C when no XML matches.
    Path h = write("f/data.arff", arff("'x: -C -2'", "1,0,2,1,0"));
    assertEquals(
        List.of("l1", "l2"), MultiLabelSpecs.parse("arff:" + h).load().train().labelNames());
    // Neither: the error says what was looked for and how to fix it.
    Path k = write("g/plain-test.arff", arff("plain", "1,0,2,1,0"));
    String m =
        assertThrows(DataException.class, MultiLabelSpecs.parse("arff:" + k)::load).getMessage();
    assertContains(
        m,
        "plain-test.arff: cannot tell which attributes are labels",
        "plain-test.xml, plain.xml",
        "labels=XML_PATH|first:C|last:C");
    // Explicit labels= wins over the XML next to the file, and --labels over both.
    assertEquals(
        List.of("l1", "l2"),
        MultiLabelSpecs.parse("arff:" + f + ",labels=last:2").load().train().labelNames());
    Path other = xml("other.xml", "l1");
    MultiLabelDataset o =
        new MultiLabelPlan("arff:" + f + ",labels=last:2", null, other.toString(), 0, 1)
            .load()
            .train();
    assertEquals(List.of("l1"), o.labelNames());
    assertEquals(4, o.numFeatures());
  }

  @Test
  void xcAndLibsvm() throws IOException {
    Path xc = write("t.xc", "2 6 3\n0,2 1:0.5 5:1\n1 0:2\n");
    MultiLabelDataset d = MultiLabelSpecs.parse("xc:" + xc).load().train();
    assertEquals(6, d.numFeatures());
    assertEquals(3, d.numLabels());
    Path svm = write("t.svm", "0,2 1:0.5 5:1\n1 2:2\n");
    MultiLabelDataset s = MultiLabelSpecs.parse("libsvm:" + svm).load().train();
    assertEquals(5, s.numFeatures()); // 1-based: max index 5 -> D = 5
    assertEquals(3, s.numLabels());
    MultiLabelDataset z =
        MultiLabelSpecs.parse("libsvm:" + svm + ",base=0,features=10,labels=4").load().train();
    assertEquals(10, z.numFeatures());
    assertEquals(4, z.numLabels());
  }
}
