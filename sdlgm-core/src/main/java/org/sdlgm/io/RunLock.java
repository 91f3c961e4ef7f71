package org.sdlgm.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.sdlgm.SdlgmException;

/**
 * The exclusive right to write a model folder for the lifetime of one run: an operating-system lock
 * ({@link FileChannel#tryLock}) on the file {@value #FILE} in the folder. The operating system
 * releases it when the process ends, however it ends, so a crashed run never leaves the folder
 * locked; a second writer fails at once with a message naming the holder (process id, host, start
 * time and command, which the holder writes into the file). The lock file itself stays in the
 * folder; it is one of the files sdlgm owns there.
 */
public final class RunLock implements AutoCloseable {
  /** The lock file's name in a model folder. */
  public static final String FILE = ".sdlgm.lock";

  /**
   * Folders locked by this process, with their holders. Checked before the file is opened: POSIX
   * locks belong to the process, so a second channel in the same JVM would not be refused, and
   * closing it would silently release the first one's lock.
   */
  private static final java.util.Map<Path, String> HELD =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Path key;

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;
  private final boolean createdFolder;
  private final boolean createdFile;

  private RunLock(
      Path dir,
      Path key,
      FileChannel channel,
      FileLock lock,
      boolean createdFolder,
      boolean createdFile) {
    this.createdFile = createdFile;
    this.dir = dir;
    this.key = key;
    this.channel = channel;
    this.lock = lock;
    this.createdFolder = createdFolder;
  }

  /**
   * Locks {@code dir} (created if absent) for a run of {@code command}. Fails with one clear
   * message when the folder cannot be created or written, or when another run holds it.
   */
  public static RunLock acquire(Path dir, String command) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new SdlgmException(dir + ": exists and is a file, not a folder; choose another --out");
    }
    boolean created = !Files.exists(dir);
    Path file = dir.resolve(FILE);
    FileChannel ch = null;
    Path key = null;
    String me =
        "pid "
            + ProcessHandle.current().pid()
            + " on "
            + host()
            + ", started "
            + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            + ", "
            + command;
    try {
      Files.createDirectories(dir);
      key = dir.toRealPath();
      String inThisProcess = HELD.putIfAbsent(key, me);
      if (inThisProcess != null) {
        key = null;
        throw inUse(dir, inThisProcess);
      }
      boolean createdFile = !Files.exists(file);
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = holder(file);
        throw inUse(dir, holder);
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      ch.force(true);
      return new RunLock(dir, key, ch, lock, created, createdFile);
    } catch (SdlgmException e) {
      closeQuietly(ch);
      release(key);
      throw e;
    } catch (AccessDeniedException e) {
      closeQuietly(ch);
      release(key);
      throw new SdlgmException(
          dir + ": cannot write there (permission denied); choose another --out", e);
    } catch (FileSystemException e) {
      closeQuietly(ch);
      release(key);
      throw new SdlgmException(
          dir + ": cannot write there (" + reason(e) + "); choose another --out", e);
    } catch (IOException e) {
      closeQuietly(ch);
      release(key);
      throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
    }
  }

  private static SdlgmException inUse(Path dir, String holder) {
    return new SdlgmException(
        dir
            + ": in use by another sdlgm run ("
            + holder
            + "); wait for it "
            + "to finish or choose another --out");
  }

  private static void release(Path key) {
    if (key != null) {
      HELD.remove(key);
    }
  }

  /** The folder this lock holds. */
  public Path dir() {
    return dir;
  }

  /** Whether acquiring the lock created the folder (it did not exist before this run). */
  public boolean createdFolder() {
    return createdFolder;
  }

  /**
   * Releases the lock after a run that wrote nothing: the lock file, if this run created it, and
   * the folder, if this run created it and it is empty, are removed too, so that bad input leaves
   * no trace. The file is unlinked while still locked, which keeps the window in which a third run
   * could lock a fresh file beside a second one on the unlinked file to a few microseconds.
   */
  public void abandon() {
    try {
      if (createdFile && channel.isOpen()) {
        Files.deleteIfExists(dir.resolve(FILE));
      }
    } catch (IOException e) {
      // A lock file left behind is harmless; the error that ended the run matters more.
    }
    close();
    if (createdFolder) {
      try (var s = Files.list(dir)) {
        if (s.findAny().isEmpty()) {
          Files.delete(dir);
        }
      } catch (IOException e) {
        // As above: an empty folder left behind is harmless.
      }
    }
  }

  /** Releases the lock (the file stays). */
  @Override
  public void close() {
    if (!channel.isOpen()) {
      return;
    }
    try {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock in any case.
    } finally {
      HELD.remove(key);
    }
  }

  private static String holder(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).strip();
      return s.isEmpty() ? "a process that has not yet written its name into " + file : s;
    } catch (IOException e) {
      return "unknown holder: " + file + " unreadable";
    }
  }

  /** The host's name without a name-service lookup (which could leave the machine). */
  private static String host() {
    for (String v : new String[] {System.getenv("HOSTNAME"), System.getenv("COMPUTERNAME")}) {
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    try {
      Path etc = Path.of("/etc/hostname");
      if (Files.isRegularFile(etc)) {
        return Files.readString(etc, StandardCharsets.UTF_8).strip();
      }
    } catch (IOException e) {
      // fall through
    }
    return "this host";
  }

  private static String reason(FileSystemException e) {
    if (e.getReason() != null) {
      return e.getReason();
    }
    return e instanceof java.nio.file.NoSuchFileException
        ? "no such file or folder: " + e.getFile()
        : e instanceof java.nio.file.FileAlreadyExistsException
            ? "a file is in the way: " + e.getFile()
            : "cannot create or open " + e.getFile();
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // already failing with a clearer error
      }
    }
  }
}
