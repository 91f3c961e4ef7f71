package org.sdlgm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  static byte[] images(int n, int rows, int cols) {
    ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
    b.putInt(0x00000803).putInt(n).putInt(rows).putInt(cols);
    for (int i = 0; i < n * rows * cols; i++) {
      b.put((byte) ((i * 37) % 256));
    }
    return b.array();
  }

  static byte[] labels(int... values) {
    ByteBuffer b = ByteBuffer.allocate(8 + values.length);
    b.putInt(0x00000801).putInt(values.length);
    for (int v : values) {
      b.put((byte) v);
    }
    return b.array();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bos)) {
      out.write(data);
    }
    return bos.toByteArray();
  }

  Path write(String name, byte[] data) throws IOException {
    return Files.write(dir.resolve(name), data);
  }

  @Test
  void readsRawAndGzipIdentically() throws IOException {
    byte[] img = images(3, 2, 4);
    byte[] lab = labels(2, 0, 9);
    Dataset raw = IdxReader.read(write("img", img), write("lab", lab), "raw", -1);
    // Deliberately misleading names: compression is detected by content, not extension.
    Dataset gz = IdxReader.read(write("img.raw", gzip(img)), write("lab.gz", gzip(lab)), "gz", -1);
    assertEquals(3, raw.size());
    assertEquals(8, raw.dim());
    assertEquals(2, raw.imageHeight());
    assertEquals(4, raw.imageWidth());
    assertArrayEquals(new int[] {2, 0, 9}, raw.labels());
    assertArrayEquals(raw.features(), gz.features());
    assertArrayEquals(raw.labels(), gz.labels());
    for (int i = 0; i < img.length - 16; i++) {
      assertEquals((img[16 + i] & 0xff) / 255f, raw.features()[i]);
    }
  }

  @Test
  void limitReadsOnlyTheFirstRows() throws IOException {
    Dataset d =
        IdxReader.read(write("img", images(5, 2, 2)), write("lab", labels(1, 2, 3, 4, 5)), "x", 2);
    assertEquals(2, d.size());
    assertArrayEquals(new int[] {1, 2}, d.labels());
  }

  @Test
  void wrongMagicNamesFileAndMagic() throws IOException {
    Path lab = write("labels-as-images", labels(1, 2));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(lab, null, "x", -1));
    assertTrue(e.getMessage().contains("labels-as-images"), e.getMessage());
    assertTrue(
        e.getMessage().contains("not an IDX image file: magic 0x00000801, expected 0x00000803"),
        e.getMessage());
  }

  @Test
  void truncatedFileNamesRecordAndByteCounts() throws IOException {
    byte[] img = images(4, 2, 2);
    Path cut = write("cut-images", Arrays.copyOf(img, 16 + 4 * 2 + 1));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(cut, null, "x", -1));
    String m = e.getMessage();
    assertTrue(m.contains("cut-images"), m);
    assertTrue(m.contains("record 2"), m);
    assertTrue(m.contains("expected 32 bytes, found 25"), m);
  }

  @Test
  void truncatedGzipIsReportedAsTruncation() throws IOException {
    byte[] gz = gzip(images(200, 28, 28));
    Path cut = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(cut, null, "x", -1));
    assertTrue(
        e.getMessage().contains("cut.gz") && e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void countMismatchNamesBothFiles() throws IOException {
    Path img = write("imgs", images(3, 2, 2));
    Path lab = write("labs", labels(1, 2));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(img, lab, "x", -1));
    String m = e.getMessage();
    assertTrue(m.contains("imgs") && m.contains("labs"), m);
    assertTrue(m.contains("2 labels") && m.contains("3 images"), m);
  }

  @Test
  void missingFileIsNamed() {
    Path none = dir.resolve("nope.gz");
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(none, null, "x", -1));
    assertTrue(e.getMessage().contains("nope.gz"), e.getMessage());
  }

  /** The real MNIST test set from shared/data, when present. */
  @Test
  void realMnistTestImages() {
    Path mnist = SharedData.dir().resolve("mnist");
    Path img = mnist.resolve("t10k-images-idx3-ubyte.gz");
    Path lab = mnist.resolve("t10k-labels-idx1-ubyte.gz");
    Assumptions.assumeTrue(
        Files.isRegularFile(img) && Files.isRegularFile(lab),
        "skipping: MNIST test files not found in " + mnist);
    long t0 = System.nanoTime();
    Dataset d = IdxReader.read(img, lab, "mnist/t10k", -1);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(10000, d.size());
    assertEquals(784, d.dim());
    assertEquals(28, d.imageHeight());
    float[] r = d.range();
    assertTrue(r[0] >= 0f && r[1] <= 1f && r[1] == 1f, Arrays.toString(r));
    assertEquals(7, d.labels()[0]);
    assertEquals(10, d.numClasses());
    assertTrue(ms < 5000, "loading 10k MNIST images took " + ms + " ms");
    Path train = mnist.resolve("train-labels-idx1-ubyte.gz");
    if (Files.isRegularFile(train)) {
      int[] trainLabels = IdxReader.readLabels(train, -1);
      assertEquals(60000, trainLabels.length);
      assertEquals(5, trainLabels[0]);
    }
  }

  @Test
  void headerDimensionsWhoseProductOverflowsAreRejected() throws IOException {
    // 2^22 images of 2^21 x 2^21 pixels: the product is 2^64, which wraps round to 0 in a long
    // and must not pass the size check (it then failed with a raw IllegalArgumentException).
    ByteBuffer b = ByteBuffer.allocate(16);
    b.putInt(0x00000803).putInt(1 << 22).putInt(1 << 21).putInt(1 << 21);
    Path big = write("huge", b.array());
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(big, null, "x", -1));
    assertTrue(
        e.getMessage().contains("huge") && e.getMessage().contains("too large"), e.getMessage());
    // No images, but rows x cols beyond an int: must not wrap round to a bogus row width.
    ByteBuffer c = ByteBuffer.allocate(16);
    c.putInt(0x00000803).putInt(1).putInt(65536).putInt(65536);
    Path wide = write("wide", c.array());
    DataException w = assertThrows(DataException.class, () -> IdxReader.read(wide, null, "x", -1));
    assertTrue(
        w.getMessage().contains("wide") && w.getMessage().contains("too large"), w.getMessage());
  }

  @Test
  void fileWithoutImagesIsAnError() throws IOException {
    Path none = write("empty-images", images(0, 28, 28));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(none, null, "x", -1));
    assertTrue(
        e.getMessage().contains("empty-images") && e.getMessage().contains("no images"),
        e.getMessage());
  }
}
