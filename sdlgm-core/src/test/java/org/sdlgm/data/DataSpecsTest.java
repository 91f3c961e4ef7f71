package org.sdlgm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.SdlgmException;

class DataSpecsTest {
  @TempDir Path dir;

  static String error(String spec) {
    return assertThrows(SdlgmException.class, () -> DataSpecs.parse(spec)).getMessage();
  }

  /** A fake MNIST-layout directory: train as .gz, test raw, to exercise both lookups. */
  Path mnistDir() throws IOException {
    Path d = Files.createDirectories(dir.resolve("mnist"));
    Files.write(
        d.resolve("train-images-idx3-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.images(5, 2, 3)));
    Files.write(
        d.resolve("train-labels-idx1-ubyte.gz"),
        IdxReaderTest.gzip(IdxReaderTest.labels(0, 1, 2, 3, 4)));
    Files.write(d.resolve("t10k-images-idx3-ubyte"), IdxReaderTest.images(3, 2, 3));
    Files.write(d.resolve("t10k-labels-idx1-ubyte"), IdxReaderTest.labels(9, 8, 7));
    return d;
  }

  @Test
  void mnistFamily() throws IOException {
    Path d = mnistDir();
    for (String scheme : new String[] {"mnist", "fashion-mnist"}) {
      String spec = scheme + ":" + d + ",limit=4,test-limit=2,binarize=0.5";
      DataSource src = DataSpecs.parse(spec);
      assertEquals(spec, src.spec());
      TrainTest t = src.load();
      assertEquals(4, t.train().size());
      assertEquals(2, t.test().size());
      assertEquals(6, t.train().dim());
      assertArrayEquals(new int[] {9, 8}, t.test().labels());
      for (float v : t.train().features()) {
        assertTrue(v == 0f || v == 1f);
      }
    }
    TrainTest grey = DataSpecs.parse("mnist:" + d).load();
    assertEquals(5, grey.train().size());
    assertEquals(3, grey.test().size());
  }

  @Test
  void mnistMissingFileNamesTheExpectedPath() throws IOException {
    Path d = mnistDir();
    Files.delete(d.resolve("t10k-labels-idx1-ubyte"));
    DataSource src = DataSpecs.parse("mnist:" + d);
    String m = assertThrows(DataException.class, src::load).getMessage();
    assertTrue(m.contains(d.resolve("t10k-labels-idx1-ubyte.gz").toString()), m);
    String none =
        assertThrows(DataException.class, DataSpecs.parse("mnist:" + dir.resolve("nowhere"))::load)
            .getMessage();
    assertTrue(none.contains("nowhere") && none.contains("directory not found"), none);
  }

  @Test
  void idxWithAndWithoutLabels() throws IOException {
    Path d = mnistDir();
    Path img = d.resolve("train-images-idx3-ubyte.gz");
    Path lab = d.resolve("train-labels-idx1-ubyte.gz");
    TrainTest t = DataSpecs.parse("idx:" + img + "," + lab + ",limit=2").load();
    assertFalse(t.hasTest());
    assertEquals(2, t.train().size());
    assertArrayEquals(new int[] {0, 1}, t.train().labels());
    Dataset unlabeled = DataSpecs.parse("idx:" + img).load().train();
    assertNull(unlabeled.labels());
    assertEquals(2, unlabeled.imageHeight());
    assertTrue(error("idx:" + img + ",test-limit=3").contains("valid options are binarize, limit"));
  }

  @Test
  void csv() throws IOException {
    Path f = Files.writeString(dir.resolve("d.csv"), "f1;f2;cls\n0.5;1;3\n0.25;0;1\n");
    DataSource src = DataSpecs.parse("csv:" + f + ",delimiter=;,label=cls,header=auto");
    CsvReader r = assertInstanceOf(CsvReader.class, src);
    Dataset d = src.load().train();
    assertEquals(2, d.dim());
    assertArrayEquals(new int[] {1, 0}, d.labels());
    assertArrayEquals(new long[] {1, 3}, r.classValues());
    Path t = Files.writeString(dir.resolve("d.tsv"), "1\t2\n3\t4\n");
    assertEquals(
        2,
        DataSpecs.parse("csv:" + t + ",delimiter=tab,header=false,label=last")
            .load()
            .train()
            .size());
    assertTrue(
        error("csv:" + t + ",header=maybe").contains("header=maybe: expected true, false or auto"));
  }

  @Test
  void synthetic() {
    DataSource src =
        DataSpecs.parse(
            "synthetic:n=50,test=10,seed=3,atoms=8,dim=784,lmax=3,noise=0.1,"
                + "wmin=0.5,wmax=0.9,kind=strokes");
    TrainTest t = src.load();
    assertEquals(50, t.train().size());
    assertEquals(10, t.test().size());
    assertEquals(8, t.train().dictionary().length);
    assertEquals(28, t.train().imageWidth());
    assertEquals(1, DataSpecs.parse("synthetic:n=1,test=0,dim=20").load().train().size());
    assertEquals(100, DataSpecs.parse("SYNTHETIC:n=100,test=0,dim=10").load().train().size());
    assertTrue(error("synthetic:n=ten").contains("n=ten: expected an integer"));
    assertTrue(error("synthetic:kind=blobs").contains("expected sparse or strokes"));
    assertTrue(error("synthetic:kind=strokes,dim=100").contains("needs dim=784"));
  }

  @Test
  void unknownSchemeListsTheValidOnes() {
    String m = error("parquet:foo.parquet");
    assertTrue(m.contains("'parquet'"), m);
    for (String s : DataSpecs.SCHEMES) {
      assertTrue(m.contains(s), m);
    }
    assertTrue(error("data.csv").contains("unknown data scheme"));
    assertTrue(error(" ").contains("empty data spec"));
  }

  @Test
  void unknownKeyNamesItAndTheValidKeys() {
    String m = error("synthetic:n=10,atom=5");
    assertTrue(m.contains("unknown option 'atom'"), m);
    assertTrue(m.contains("n, test, seed, atoms, dim, lmax, noise, wmin, wmax, kind"), m);
    assertTrue(
        error("csv:x.csv,labels=last")
            .contains("valid options are header, label, delimiter, limit"));
    assertTrue(error("mnist:/d,binarise=0.5").contains("'binarise'"));
  }

  @Test
  void malformedArguments() {
    assertTrue(error("mnist:").contains("needs DIR"));
    assertTrue(error("csv:a.csv,b.csv").contains("takes one FILE"));
    assertTrue(error("synthetic:10000").contains("only key=value options"));
    assertTrue(error("synthetic:n=1,n=2").contains("given twice"));
    assertTrue(error("mnist:/d,limit=0").contains("positive integer"));
    assertTrue(error("mnist:/d,binarize=2").contains("threshold in [0, 1]"));
    assertTrue(error("idx:a,limit=3,b").contains("paths must come before the options"));
  }

  @Test
  void realMnistThroughIdxSpec() {
    Path mnist = SharedData.dir().resolve("mnist");
    Path img = mnist.resolve("t10k-images-idx3-ubyte.gz");
    Path lab = mnist.resolve("t10k-labels-idx1-ubyte.gz");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isRegularFile(img), "skipping: MNIST test files not found in " + mnist);
    Dataset d = DataSpecs.parse("idx:" + img + "," + lab + ",limit=100").load().train();
    assertEquals(100, d.size());
    assertEquals(7, d.labels()[0]);
    // The shared folder lacks the training images: the mnist scheme says so and points to idx.
    String m =
        assertThrows(DataException.class, DataSpecs.parse("mnist:" + mnist)::load).getMessage();
    assertTrue(m.contains("train-images-idx3-ubyte") && m.contains("use idx:"), m);
  }
}
