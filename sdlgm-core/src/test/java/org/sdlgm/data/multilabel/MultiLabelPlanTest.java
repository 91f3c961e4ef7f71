package org.sdlgm.data.multilabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sdlgm.data.multilabel.MultiLabelSpecsTest.assertContains;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataException;
import org.sdlgm.data.SharedData;

class MultiLabelPlanTest {
  @TempDir Path dir;

  Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  static final String BASE = "synthetic-ml:n=200,features=500,labels=40,lmax=3";
  static final String SYN = BASE + ",test=50";

  private static String planError(MultiLabelPlan p) {
    return assertThrows(SdlgmException.class, p::load).getMessage();
  }

  @Test
  void testPartFromSpecSplitOrNone() {
    MultiLabelTrainTest own = new MultiLabelPlan(SYN, null, null, 0, 1).load();
    assertEquals(200, own.train().size());
    assertEquals(50, own.test().size());
    MultiLabelTrainTest none = new MultiLabelPlan(BASE + ",test=0", null, null, 0, 1).load();
    assertFalse(none.hasTest());
    MultiLabelTrainTest split = new MultiLabelPlan(BASE + ",test=0", null, null, 0.75, 3).load();
    assertEquals(150, split.train().size());
    assertEquals(50, split.test().size());
    assertEquals("synthetic-ml/train/test", split.test().name());
    // A --test spec with an official test part contributes that part.
    MultiLabelTrainTest t =
        new MultiLabelPlan(BASE + ",test=0", BASE + ",test=20,seed=9", null, 0, 1).load();
    assertEquals(20, t.test().size());
    assertEquals("synthetic-ml/test", t.test().name());
  }

  @Test
  void planErrors() {
    assertContains(
        planError(new MultiLabelPlan(null, null, null, 0, 1)),
        "no training data",
        "mulan, arff, xc, libsvm, synthetic-ml");
    assertContains(
        planError(new MultiLabelPlan(SYN, SYN, null, 0.5, 1)), "either --test or --split");
    assertContains(
        planError(new MultiLabelPlan(SYN, null, null, 1.5, 1)), "strictly between 0 and 1");
    assertContains(
        planError(new MultiLabelPlan(SYN, null, null, 0.8, 1)),
        "has its own test part",
        "drop --split",
        "set test=0");
    assertContains(
        planError(new MultiLabelPlan(SYN, null, "first:3", 0, 1)),
        "--labels first:3 applies to ARFF data");
    assertContains(
        planError(new MultiLabelPlan(SYN, null, "bogus", 0, 1)), "--labels 'bogus': expected");
    // --test is parsed before the data are loaded.
    assertContains(
        planError(new MultiLabelPlan("arff:/nonexistent.arff", "xc:t,x=1", null, 0, 1)),
        "unknown option 'x' for xc");
  }

  @Test
  void incompatibleTestDataNamesFileAndDifference() throws IOException {
    Path train = write("train.arff", MultiLabelSpecsTest.TRAIN);
    Path fewer =
        write(
            "fewer.arff",
            "@relation x\n@attribute a numeric\n@attribute b numeric\n"
                + "@attribute l1 {0,1}\n@attribute l2 {0,1}\n@data\n1,0,1,0\n");
    String m =
        assertThrows(
                DataException.class,
                new MultiLabelPlan(
                        "arff:" + train + ",labels=last:2",
                        "arff:" + fewer + ",labels=last:2",
                        null,
                        0,
                        1)
                    ::load)
            .getMessage();
    assertEquals(fewer + ": 2 features, but the training data has 3", m);
    Path renamed = write("renamed.arff", MultiLabelSpecsTest.TRAIN.replace("l2", "m2"));
    m =
        assertThrows(
                DataException.class,
                new MultiLabelPlan(
                        "arff:" + train + ",labels=last:2",
                        "arff:" + renamed + ",labels=last:2",
                        null,
                        0,
                        1)
                    ::load)
            .getMessage();
    assertContains(m, renamed + ": label 1 is 'm2', but in the training data it is 'l2'");
    // A test ARFF with no label rule of its own takes the training labels by name.
    Path plain = write("plain.arff", MultiLabelSpecsTest.TEST);
    MultiLabelTrainTest tt =
        new MultiLabelPlan("arff:" + train + ",labels=last:2", "arff:" + plain, null, 0, 1).load();
    assertEquals(2, tt.test().size());
    assertEquals(tt.train().labelNames(), tt.test().labelNames());
  }

  @Test
  void libsvmTestTakesTrainingDimensions() throws IOException {
    Path train = write("train.svm", "0,4 1:1 9:2\n2 3:1\n");
    Path test = write("test.svm", "1 2:1\n");
    MultiLabelTrainTest tt =
        new MultiLabelPlan("libsvm:" + train, "libsvm:" + test, null, 0, 1).load();
    assertEquals(9, tt.test().numFeatures());
    assertEquals(5, tt.test().numLabels());
    Path wide = write("wide.svm", "1 12:1\n");
    String m =
        assertThrows(
                DataException.class,
                new MultiLabelPlan("libsvm:" + train, "libsvm:" + wide, null, 0, 1)::load)
            .getMessage();
    assertContains(m, wide + ":1:", "feature index 12 out of range [1, 10)");
  }

  private static Path shared(String set) {
    Path d = SharedData.dir().resolve(set);
    Assumptions.assumeTrue(Files.isDirectory(d), "skipping: " + d + " not found");
    return d;
  }

  @Test
  void mulanBibtexOfficialSplit() {
    Path d = shared("bibtex");
    MultiLabelTrainTest tt = new MultiLabelPlan("mulan:" + d, null, null, 0, 1).load();
    assertEquals(4880, tt.train().size());
    assertEquals(2515, tt.test().size());
    assertEquals(1836, tt.test().numFeatures());
    assertEquals(159, tt.test().numLabels());
    assertEquals("bibtex/train", tt.train().name());
  }

  @Test
  void mulanCorel5kSparseVariantAndCaseInsensitiveNames() {
    Path d = shared("corel5k");
    MultiLabelTrainTest tt = new MultiLabelPlan("mulan:" + d, null, null, 0, 1).load();
    assertEquals(4500, tt.train().size());
    assertEquals(500, tt.test().size());
    assertEquals(499, tt.train().numFeatures());
    assertEquals(374, tt.train().numLabels());
  }

  @Test
  void cal500IsOneFileAndSplits() {
    Path d = shared("cal500");
    String m =
        assertThrows(DataException.class, new MultiLabelPlan("mulan:" + d, null, null, 0, 1)::load)
            .getMessage();
    assertContains(m, "cal500-train.arff: not found", "arff:", "--split");
    MultiLabelTrainTest tt =
        new MultiLabelPlan("arff:" + d.resolve("cal500.arff.gz"), null, null, 0.8, 1).load();
    assertEquals(402, tt.train().size());
    assertEquals(100, tt.test().size());
    assertEquals(174, tt.train().numLabels()); // cal500.xml found next to the file
  }

  @Test
  void realTestFromAnotherSetIsRejected() {
    Path enron = shared("enron");
    Path bibtex = shared("bibtex");
    Path test = bibtex.resolve("bibtex-test.arff.gz");
    String m =
        assertThrows(
                DataException.class,
                new MultiLabelPlan("mulan:" + enron, "arff:" + test, null, 0, 1)::load)
            .getMessage();
    assertEquals(test + ": 1836 features, but the training data has 1001", m);
    // The same set's official test file given explicitly is fine.
    MultiLabelTrainTest tt =
        new MultiLabelPlan(
                "arff:" + enron.resolve("enron-train.arff.gz"),
                "arff:" + enron.resolve("enron-test.arff.gz"),
                null,
                0,
                1)
            .load();
    assertEquals(579, tt.test().size());
    assertNull(
        new MultiLabelPlan("arff:" + enron.resolve("enron-train.arff.gz"), null, null, 0, 1)
            .load()
            .test());
    assertEquals(List.copyOf(tt.train().labelNames()), tt.test().labelNames());
  }

  @Test
  void filesWithoutRowsAreRefused() throws IOException {
    // An empty (or blank-only) LIBSVM file, or an ARFF file whose @data section is empty, read as
    // 0 rows: training then failed later with a misleading message, and a test part of 0 rows
    // gave metrics over nothing.
    Path train = write("train.svm", "0,1 1:1 2:0.5\n1 3:1\n");
    Path empty = write("empty.svm", "");
    Path blank = write("blank.svm", "\n\n");
    assertContains(
        assertThrows(
                DataException.class, new MultiLabelPlan("libsvm:" + empty, null, null, 0, 1)::load)
            .getMessage(),
        empty + ": no rows");
    assertContains(
        assertThrows(
                DataException.class,
                new MultiLabelPlan("libsvm:" + train, "libsvm:" + blank, null, 0, 1)::load)
            .getMessage(),
        blank + ": no rows");
    Path noRows =
        write("norows.arff", "@relation r\n@attribute f numeric\n@attribute L {0,1}\n@data\n");
    assertContains(
        assertThrows(
                DataException.class,
                new MultiLabelPlan("arff:" + noRows + ",labels=last:1", null, null, 0, 1)::load)
            .getMessage(),
        noRows + ": no rows");
  }
}
