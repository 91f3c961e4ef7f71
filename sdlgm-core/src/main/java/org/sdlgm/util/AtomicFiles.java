package org.sdlgm.util;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that a reader never sees half of one: the content goes to a temporary file
 * in the same directory, which is renamed over the target only once it is complete. A crash or
 * an error mid-way leaves the previous version (or nothing) in place.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** What writes the content; may throw I/O errors. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Writes {@code file} atomically with the given writer. */
  public static void write(Path file, Writer writer) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        writer.write(out);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The rename already consumed it, or the directory is gone: nothing to clean.
        }
      }
    }
  }

  /** Writes a UTF-8 string atomically. */
  public static void writeString(Path file, String content) {
    write(file, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
  }
}
