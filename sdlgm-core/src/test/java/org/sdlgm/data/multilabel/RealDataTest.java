package org.sdlgm.data.multilabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sdlgm.data.SharedData;

/** The Mulan benchmark files in the shared data folder, when present, with their known shapes. */
class RealDataTest {
  private static MultiLabelDataset load(String set, String arff, String xml) {
    Path dir = SharedData.dir().resolve(set);
    Path a = dir.resolve(arff);
    Path x = dir.resolve(xml);
    Assumptions.assumeTrue(
        Files.isRegularFile(a) && Files.isRegularFile(x),
        "skipping: " + a + " or " + x + " not found");
    return ArffReader.read(a, LabelSpec.xml(x));
  }

  private static void assertShape(MultiLabelDataset d, int rows, int features, int labels) {
    assertEquals(rows, d.size());
    assertEquals(features, d.numFeatures());
    assertEquals(labels, d.numLabels());
    assertEquals(features, d.featureNames().size());
    assertTrue(d.labelCardinality() > 0);
  }

  @Test
  void bibtex() {
    MultiLabelDataset d = load("bibtex", "bibtex-train.arff.gz", "bibtex.xml");
    assertShape(d, 4880, 1836, 159);
    assertTrue(d.featureNames().stream().noneMatch(n -> n.startsWith("TAG_")));
    // Published label cardinality of bibtex is 2.402 (whole set); the train split is close.
    assertEquals(2.4, d.labelCardinality(), 0.1);
  }

  @Test
  void yeast() {
    MultiLabelDataset d = load("yeast", "yeast-train.arff.gz", "yeast.xml");
    assertShape(d, 1500, 103, 14);
    assertEquals(4.24, d.labelCardinality(), 0.1);
    assertEquals(0, d.emptyLabelRows());
  }

  @Test
  void genbase() {
    MultiLabelDataset d = load("genbase", "genbase-train.arff.gz", "genbase.xml");
    assertShape(d, 463, 1186, 27);
    assertEquals(1.25, d.labelCardinality(), 0.1);
    assertEquals("PDOC00154", d.labelNames().get(0)); // XML order, not attribute order
    assertEquals("protein", d.featureNames().get(0)); // nominal ID: value = index in its list
    // {YES,NO} features: index in the list, so NO = 1 and YES = 0.
    float[] v = d.featureValues(0);
    for (float x : v) {
      assertTrue(x >= 0 && x == Math.rint(x));
    }
  }

  /**
   * The other Mulan sets: dense, sparse, and nominal mixes must all load to the published shape.
   */
  @ParameterizedTest
  @CsvSource({
    "birds, birds-train.arff.gz, birds.xml, 322, 260, 19",
    "corel5k, Corel5k-train-sparse.arff.gz, Corel5k.xml, 4500, 499, 374",
    "emotions, emotions-train.arff.gz, emotions.xml, 391, 72, 6",
    "enron, enron-train.arff.gz, enron.xml, 1123, 1001, 53",
    "medical, medical-train.arff.gz, medical.xml, 333, 1449, 45",
    "scene, scene-train.arff.gz, scene.xml, 1211, 294, 6",
    "cal500, cal500.arff.gz, cal500.xml, 502, 68, 174"
  })
  void otherMulanSets(String set, String arff, String xml, int rows, int features, int labels) {
    assertShape(load(set, arff, xml), rows, features, labels);
  }
}
