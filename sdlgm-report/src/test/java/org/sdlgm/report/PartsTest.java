package org.sdlgm.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.model.SparseCode;

/** The pieces of a report that need no model. */
class PartsTest {
  @Test
  void historyIsReadByColumnName(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("history.csv");
    Files.writeString(
        f,
        "epoch,tau,train_loss,val_elbo,new_column\n1,1.0,5.5,,7\n2,0.9,4.5,-4.0,8\n",
        StandardCharsets.UTF_8);
    History h = History.read(f);
    assertEquals(2, h.size());
    assertArrayEquals(new double[] {1, 2}, h.epochs());
    assertArrayEquals(new double[] {5.5, 4.5}, h.column("train_loss"));
    assertTrue(Double.isNaN(h.column("val_elbo")[0]));
    assertTrue(h.hasValues("val_elbo"));
    assertNull(h.column("val_kl_l"));
    assertEquals(List.of("epoch", "tau", "train_loss", "val_elbo", "new_column"), h.names());
    assertTrue(History.read(dir.resolve("absent.csv")).isEmpty());
  }

  @Test
  void examplesRunFromSparsestToDensest() {
    List<SparseCode> codes = List.of(code(3), code(1), code(2), code(1), code(4));
    assertArrayEquals(
        new int[] {1, 3, 2, 0, 4}, ReconstructionSection.pickSparsestToDensest(codes, 10));
    assertArrayEquals(new int[] {1, 2, 4}, ReconstructionSection.pickSparsestToDensest(codes, 3));
    assertArrayEquals(new int[] {1}, ReconstructionSection.pickSparsestToDensest(codes, 1));
  }

  @Test
  void typicalValueIsTheMedianMagnitudeWithTheMajoritySign() {
    List<SparseCode> codes =
        List.of(
            new SparseCode(2, new int[] {0, 1}, new float[] {-1f, 2f}, null),
            new SparseCode(2, new int[] {0, 1}, new float[] {-3f, -0.5f}, null),
            new SparseCode(1, new int[] {0}, new float[] {2f}, null));
    double[] t = AtomsSection.typicalValues(codes, 3);
    assertEquals(-2.0, t[0], 1e-9); // |v| = 1, 3, 2 → median 2; Σv = −2 → negative
    assertEquals(1.25, t[1], 1e-9); // |v| = 2, 0.5 → median 1.25; Σv = 1.5 → positive
    assertEquals(1.0, t[2], 1e-9); // unused
  }

  @Test
  void testJvmIsOfflineAndHeadless() {
    // The parent pom's surefire settings must reach this module too.
    assertEquals("true", System.getenv("DJL_OFFLINE"));
    assertEquals("true", System.getenv("OPT_OUT_TRACKING"));
    assertEquals("true", System.getProperty("ai.djl.offline"));
    assertEquals("true", System.getProperty("java.awt.headless"));
  }

  @Test
  void htmlIsEscaped() {
    assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;", Html.escape("a <b> & \"c\" 'd'"));
  }

  @Test
  void fashionMnistClassesHaveNames() {
    assertEquals("Ankle boot", ClassNames.of("fashion-mnist:/data", 10).get(9));
    assertEquals("9", ClassNames.of("mnist:/data", 10).get(9));
  }

  private static SparseCode code(int level) {
    int[] idx = new int[level];
    float[] val = new float[level];
    for (int i = 0; i < level; i++) {
      idx[i] = i;
      val[i] = 1f;
    }
    return new SparseCode(level, idx, val, null);
  }
}
