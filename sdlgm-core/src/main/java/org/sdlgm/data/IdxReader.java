package org.sdlgm.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the IDX files of the MNIST family (MNIST, Fashion-MNIST, KMNIST, EMNIST): unsigned-byte
 * images ({@code idx3}, magic {@code 0x00000803}) and labels ({@code idx1}, magic {@code
 * 0x00000801}), raw or gzip-compressed. It exists so that the standard benchmark downloads can be
 * used as they come, with errors that say which file is broken and how (wrong format, truncated
 * download, images and labels from different sets). Pixels become floats in [0, 1] (byte / 255).
 */
public final class IdxReader {
  /** Magic number of an unsigned-byte, three-dimensional IDX file (images). */
  public static final int IMAGE_MAGIC = 0x00000803;

  /** Magic number of an unsigned-byte, one-dimensional IDX file (labels). */
  public static final int LABEL_MAGIC = 0x00000801;

  private static final float[] BYTE_TO_UNIT = new float[256];

  static {
    for (int i = 0; i < 256; i++) {
      BYTE_TO_UNIT[i] = i / 255f;
    }
  }

  private IdxReader() {}

  /**
   * Reads an image file and, when {@code labels} is not null, its label file into one dataset.
   * {@code limit} keeps only the first rows (a negative value keeps all); the rest of the file is
   * then not read, which makes quick experiments on the 60k-image files cheap.
   */
  public static Dataset read(Path images, Path labels, String name, int limit) {
    try (InputStream imgIn = Inputs.open(images)) {
      int[] header = readHeader(imgIn, images, IMAGE_MAGIC, "image", 3);
      int count = header[0];
      int rows = header[1];
      int cols = header[2];
      if (count == 0) {
        throw new DataException(images + ": no images (the IDX header declares 0)");
      }
      int[] labelValues = null;
      if (labels != null) {
        labelValues = readLabels(labels, count, images, limit);
      }
      int n = limit < 0 ? count : Math.min(limit, count);
      int dim = rows * cols;
      byte[] raw = readPayload(imgIn, images, 16, n, dim, count);
      float[] features = new float[raw.length];
      for (int i = 0; i < raw.length; i++) {
        features[i] = BYTE_TO_UNIT[raw[i] & 0xff];
      }
      return Dataset.builder(name, dim, features)
          .labels(labelValues)
          .imageShape(rows, cols)
          .build();
    } catch (IOException e) {
      throw new DataException(images + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Reads the first {@code limit} labels (negative: all) of a label file on its own. */
  public static int[] readLabels(Path labels, int limit) {
    return readLabels(labels, -1, null, limit);
  }

  /**
   * When {@code expectedCount >= 0} the file must hold exactly that many labels: a mismatch almost
   * always means the label file belongs to another split than the images.
   */
  private static int[] readLabels(Path labels, int expectedCount, Path images, int limit) {
    try (InputStream in = Inputs.open(labels)) {
      int count = readHeader(in, labels, LABEL_MAGIC, "label", 1)[0];
      if (expectedCount >= 0 && count != expectedCount) {
        throw new DataException(
            labels
                + ": holds "
                + count
                + " labels but "
                + images
                + " holds "
                + expectedCount
                + " images; the two files must come from the same split");
      }
      int n = limit < 0 ? count : Math.min(limit, count);
      byte[] raw = readPayload(in, labels, 8, n, 1, count);
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = raw[i] & 0xff;
      }
      return out;
    } catch (IOException e) {
      throw new DataException(labels + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Returns the dimension sizes after checking the magic number. */
  private static int[] readHeader(InputStream in, Path file, int magic, String kind, int dims)
      throws IOException {
    int headerBytes = 4 * (1 + dims);
    byte[] h = new byte[headerBytes];
    int got = readAll(in, h, 0, headerBytes);
    if (got < 4) {
      throw new DataException(
          file
              + ": not an IDX "
              + kind
              + " file: only "
              + got
              + " bytes, too short for an IDX header");
    }
    int found = readInt(h, 0);
    if (found != magic) {
      throw new DataException(
          String.format(
              "%s: not an IDX %s file: magic 0x%08x, expected 0x%08x", file, kind, found, magic));
    }
    if (got < headerBytes) {
      throw new DataException(
          file + ": truncated IDX header: expected " + headerBytes + " bytes, found " + got);
    }
    int[] sizes = new int[dims];
    long total = 1;
    for (int d = 0; d < dims; d++) {
      sizes[d] = readInt(h, 4 * (d + 1));
      if (sizes[d] < 0 || (d > 0 && sizes[d] == 0)) {
        throw new DataException(file + ": invalid IDX dimension " + d + ": " + sizes[d]);
      }
      // Checked at every step: the product of three ints can overflow a long and wrap round to a
      // small number; one record (d > 0) must fit in an int even when the file holds none.
      total *= Math.max(1, sizes[d]);
      if (total > Integer.MAX_VALUE - 64) {
        throw new DataException(
            file
                + ": IDX sizes "
                + Arrays.toString(Arrays.copyOf(sizes, d + 1))
                + " make a payload too large to load");
      }
    }
    return sizes;
  }

  /**
   * Reads {@code n} records of {@code recordBytes} each. A short read is reported with the record
   * where data ran out, the usual symptom of an interrupted download.
   */
  private static byte[] readPayload(
      InputStream in, Path file, int headerBytes, int n, int recordBytes, int declared)
      throws IOException {
    byte[] buf = new byte[n * recordBytes];
    int got = readAll(in, buf, 0, buf.length);
    if (got < buf.length) {
      long expected = headerBytes + (long) declared * recordBytes;
      throw new DataException(
          file
              + ": truncated: data ends in record "
              + (got / recordBytes)
              + " of "
              + declared
              + " (0-based); expected "
              + expected
              + " bytes, found "
              + (headerBytes + got));
    }
    return buf;
  }

  /** Like readNBytes, but a truncated gzip stream counts as end of data, not as an I/O error. */
  private static int readAll(InputStream in, byte[] buf, int off, int len) throws IOException {
    int total = 0;
    try {
      while (total < len) {
        int r = in.read(buf, off + total, len - total);
        if (r < 0) {
          break;
        }
        total += r;
      }
    } catch (EOFException e) {
      // GZIPInputStream signals a cut-off archive this way; the caller reports the shortfall.
    }
    return total;
  }

  private static int readInt(byte[] b, int off) {
    return ((b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }
}
