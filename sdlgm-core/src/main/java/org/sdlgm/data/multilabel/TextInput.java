package org.sdlgm.data.multilabel;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.sdlgm.data.DataException;

/**
 * Opens a text file as UTF-8, transparently gunzipping when the gzip magic bytes are present and
 * skipping a leading byte order mark.
 */
final class TextInput {
  private TextInput() {}

  static BufferedReader open(Path file) {
    try {
      InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      // Detect by content, not by extension: files get renamed, and the magic bytes never lie.
      in.mark(2);
      int b0 = in.read();
      int b1 = in.read();
      in.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        in = new GZIPInputStream(in, 1 << 16);
      }
      BufferedReader r =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
      // A leading byte order mark (Windows "UTF-8" files) is not part of the first line.
      r.mark(1);
      if (r.read() != '\uFEFF') {
        r.reset();
      }
      return r;
    } catch (IOException e) {
      throw new DataException(file + ": cannot open: " + e.getMessage(), e);
    }
  }
}
