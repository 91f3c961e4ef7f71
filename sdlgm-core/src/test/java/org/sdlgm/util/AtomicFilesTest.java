package org.sdlgm.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes: the content, no temporary file left, and the permissions of a plain file. */
class AtomicFilesTest {
  @Test
  void writtenFilesGetThePermissionsOfAnyNewFile(@TempDir Path dir) throws IOException {
    assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "no POSIX permissions on this file system");
    Path plain = Files.createFile(dir.resolve("plain.txt"));
    Path written = dir.resolve("model.params");
    AtomicFiles.writeString(written, "content");
    assertEquals(
        Files.getPosixFilePermissions(plain),
        Files.getPosixFilePermissions(written),
        "the umask decides, not the private mode of a temporary file");
    assertEquals("content", Files.readString(written, StandardCharsets.UTF_8));
    try (var s = Files.list(dir)) {
      assertEquals(
          List.of("model.params", "plain.txt"),
          s.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary file left");
    }
  }
}
