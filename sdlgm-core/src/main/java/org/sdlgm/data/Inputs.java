package org.sdlgm.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Shared plumbing for the file readers: opening a file that may or may not be gzip-compressed, and
 * the finite-value check every reader applies. Package-private because it is an implementation
 * detail of the readers, not part of the data API.
 */
final class Inputs {
  private static final int BUFFER = 1 << 16;

  private Inputs() {}

  /**
   * Opens {@code file} buffered, transparently gunzipping it. Compression is recognised by the gzip
   * magic bytes rather than the extension, because downloaded MNIST files are often renamed or
   * decompressed in place by browsers while keeping their ".gz" name.
   */
  static InputStream open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file + ": file not found");
    }
    try {
      BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
      in.mark(2);
      int b0 = in.read();
      int b1 = in.read();
      in.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        return new BufferedInputStream(new GZIPInputStream(in, BUFFER), BUFFER);
      }
      return in;
    } catch (IOException e) {
      throw new DataException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * A UTF-8 reader over {@code in} that skips a leading byte order mark (U+FEFF), which Windows
   * tools write at the start of "UTF-8" text files: left in, it would become part of the first
   * field, turning a first data row into a header or misnaming the first column.
   */
  static Reader utf8(InputStream in) throws IOException {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), BUFFER);
    r.mark(1);
    if (r.read() != '\uFEFF') {
      r.reset();
    }
    return r;
  }

  /** Name of the non-finite value, for messages, or null when {@code v} is finite. */
  static String nonFinite(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Infinity" : "-Infinity";
    }
    return null;
  }
}
