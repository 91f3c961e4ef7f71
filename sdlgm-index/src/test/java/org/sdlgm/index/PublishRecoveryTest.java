package org.sdlgm.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.lucene.index.IndexWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.SdlgmException;
import org.sdlgm.model.SparseCode;

/**
 * What a build killed between the two moves of its publish leaves ({@code .NAME.replaced-…} beside
 * {@code .NAME.building-…}), made by hand, and the next build's handling of it; and a finished
 * build waiting to be moved, which a concurrent build must not take for a dead one.
 */
class PublishRecoveryTest {
  @TempDir Path tmp;

  private static final List<SparseCode> DOCS =
      CodeIndexTest.randomCodes(new Random(11), 5).subList(0, 5);

  private static IndexInfo info() {
    return CodeIndexTest.info(CodeIndexTest.D);
  }

  private static void build(Path dir, int n) {
    try (CodeIndexWriter w = CodeIndexWriter.create(dir, info(), true)) {
      for (int i = 0; i < n; i++) {
        w.add("d" + i, null, DOCS.get(i), null);
      }
      w.commit();
    }
    assertFalse(Files.exists(dir.resolve(CodeIndexWriter.BUILD_LOCK)), "the build lock was left");
  }

  private static int size(Path dir) {
    try (CodeIndex index = CodeIndex.open(dir)) {
      return index.size();
    }
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private Path onlyBuild() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".idx.building-"))
          .findFirst()
          .orElseThrow();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path f : s.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  @Test
  void aBuildKilledBetweenTheMovesGivesTheOldIndexBack() throws IOException {
    Path dir = tmp.resolve("idx");
    build(dir, 3);
    // Killed after moving the old index aside, before moving its finished build into place.
    copyTree(dir, tmp.resolve(".idx.building-dead"));
    Files.move(dir, tmp.resolve(".idx.replaced-dead"));

    SdlgmException e =
        assertThrows(SdlgmException.class, () -> CodeIndexWriter.create(dir, info()).close());
    assertTrue(e.getMessage().contains("exists and is not empty"), e.getMessage());
    assertEquals(3, size(dir));
    assertEquals(List.of("idx"), names());
  }

  @Test
  void aReplacedIndexBesideAPublishedOneIsRemoved() throws IOException {
    Path dir = tmp.resolve("idx");
    build(dir, 2);
    copyTree(dir, tmp.resolve(".idx.replaced-dead"));
    build(dir, 3);

    CodeIndexWriter.create(dir, info(), true).close();
    assertEquals(List.of("idx"), names());
    assertEquals(3, size(dir));
  }

  @Test
  void theOldIndexOfAPublishInProgressIsLeftAlone() throws IOException {
    Path dir = tmp.resolve("idx");
    build(tmp.resolve("old"), 2);
    try (CodeIndexWriter live = CodeIndexWriter.create(dir, info(), true)) {
      // As if `live` were between its two moves: its old index aside, nothing at dir.
      String id = onlyBuild().getFileName().toString().substring(".idx.building-".length());
      Path aside = tmp.resolve(".idx.replaced-" + id);
      Files.move(tmp.resolve("old"), aside);
      try (CodeIndexWriter other = CodeIndexWriter.create(dir, info())) {
        assertEquals(0, live.size() + other.size());
        assertFalse(Files.exists(dir), "the old index of a live publish was moved back");
        assertTrue(Files.isDirectory(aside), "the old index of a live publish was removed");
      }
    }
  }

  @Test
  void aFinishedBuildWaitingToBeMovedIsNotTakenForADeadOne() throws Exception {
    Path dir = tmp.resolve("idx");
    try (CodeIndexWriter first = CodeIndexWriter.create(dir, info())) {
      first.add("a", null, DOCS.get(1), null);
      Path building = onlyBuild();
      // commit() closes the Lucene writer (freeing its write lock) before the move: stop there.
      Field f = CodeIndexWriter.class.getDeclaredField("writer");
      f.setAccessible(true);
      ((IndexWriter) f.get(first)).close();

      CodeIndexWriter.create(dir, info()).close();
      assertTrue(Files.isDirectory(building), "a concurrent build deleted a finished one");
    }
  }
}
