package org.sdlgm.util;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes files so that a reader never sees half of one: the content goes to a temporary file in the
 * same directory, which is renamed over the target only once it is complete. A crash or an error
 * mid-way leaves the previous version (or nothing) in place. The content is forced to the disk
 * before the rename. Temporary files are named {@code .NAME.DIGITS.tmp}; {@link #deleteStale}
 * removes those a killed process left.
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
      tmp = newTemporary(dir, file.getFileName().toString());
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        // Writers may close the stream they are given; the channel must stay open to force it.
        OutputStream raw = Channels.newOutputStream(ch);
        OutputStream out =
            new FilterOutputStream(raw) {
              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                raw.write(b, off, len);
              }

              @Override
              public void close() throws IOException {
                flush();
              }
            };
        OutputStream content = FaultInjection.wrap(file.getFileName().toString(), out);
        writer.write(content);
        content.close();
        // On disk before the rename: after a power cut the name must not point at a file
        // whose blocks never arrived.
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      // The new name on disk too, before the caller writes the next file: the model folder's
      // config.json, written last, must not survive a power cut whose model.params rename
      // did not.
      syncFolder(dir);
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

  /**
   * A new empty {@code .NAME.DIGITS.tmp} in {@code dir}. Made with {@link Files#createFile}, not
   * {@link Files#createTempFile}: a temporary file is private to its owner (mode 0600), and the
   * rename would have carried that mode to the model files, which the umask should decide like any
   * other file's (a model written by one account and served by another).
   */
  private static Path newTemporary(Path dir, String name) throws IOException {
    while (true) {
      Path p =
          dir.resolve(
              "."
                  + name
                  + "."
                  + Long.toUnsignedString(
                      java.util.concurrent.ThreadLocalRandom.current().nextLong())
                  + ".tmp");
      try {
        return Files.createFile(p);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // Another writer drew the same number: draw again.
      }
    }
  }

  /** The names of the temporary files this class writes ({@code .NAME.DIGITS.tmp}). */
  private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.[0-9]+\\.tmp");

  /** Whether {@code name} is the name of one of this class's temporary files. */
  public static boolean isTemporary(String name) {
    return TEMPORARY.matcher(name).matches();
  }

  /**
   * Deletes the temporary files that writes interrupted by a crash left directly in {@code dir};
   * returns how many. Only call it on a folder no other process writes (hold its {@code
   * org.sdlgm.io.RunLock}).
   */
  public static int deleteStale(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int n = 0;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p) && isTemporary(p.getFileName().toString())) {
          Files.delete(p);
          n++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot clean temporary files in " + dir + ": " + e.getMessage(), e);
    }
    return n;
  }

  /** Deletes {@code path} and, if it is a folder, everything in it; nothing if it is absent. */
  public static void deleteTree(Path path) {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(path)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Forces a folder's entries (names created or renamed in it) to the disk, where the platform
   * allows opening a folder; elsewhere a no-op.
   */
  public static void syncFolder(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a folder as a channel; its renames are durable on their own.
    }
  }

  /** Writes a UTF-8 string atomically. */
  public static void writeString(Path file, String content) {
    write(file, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
  }
}
