package org.sdlgm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.SdlgmException;
import org.sdlgm.util.AtomicFiles;

/**
 * {@link Checkpoint}: a checkpoint is used whole or not at all — checksums verified, a crash
 * between the two renames of a publish recovered, options compared — and {@link RunLock}: one
 * writer per model folder.
 */
class CheckpointTest {
  @TempDir Path dir;

  private static final RunOptions OPTIONS =
      RunOptions.builder().put("--lr", 0.001).put("--seed", 1).build();

  private void publish(String content, int epoch) {
    Checkpoint.begin(dir, "kind")
        .put("a.bin", f -> AtomicFiles.writeString(f, content))
        .put("b.txt", f -> AtomicFiles.writeString(f, "b" + epoch))
        .publish(Map.of("epoch", epoch), OPTIONS);
  }

  @Test
  void aPublishedCheckpointReadsBackWithItsStateAndOptions() throws IOException {
    publish("one", 1);
    publish("two", 2);
    Checkpoint c = Checkpoint.read(dir, "kind");
    assertEquals(2, c.state().get("epoch").asInt());
    assertEquals("two", Files.readString(c.file("a.bin")));
    assertEquals(OPTIONS.asMap(), c.options());
    assertFalse(Files.exists(dir.resolve(Checkpoint.NEW)));
    assertFalse(Files.exists(dir.resolve(Checkpoint.OLD)));
  }

  @Test
  void aChangedFileIsRefusedNamingIt() throws IOException {
    publish("one", 1);
    Files.writeString(dir.resolve("checkpoint/a.bin"), "onf");
    SdlgmException e = assertThrows(SdlgmException.class, () -> Checkpoint.read(dir, "kind"));
    assertTrue(
        e.getMessage().contains("a.bin") && e.getMessage().contains("SHA-256"), e.getMessage());
    Files.writeString(dir.resolve("checkpoint/a.bin"), "on");
    e = assertThrows(SdlgmException.class, () -> Checkpoint.read(dir, "kind"));
    assertTrue(e.getMessage().contains("2 bytes"), e.getMessage());
  }

  @Test
  void anotherKindOrAMissingManifestIsRefused() throws IOException {
    publish("one", 1);
    SdlgmException e = assertThrows(SdlgmException.class, () -> Checkpoint.read(dir, "other"));
    assertTrue(e.getMessage().contains("'kind'"), e.getMessage());
    Files.delete(dir.resolve("checkpoint").resolve(Checkpoint.MANIFEST));
    e = assertThrows(SdlgmException.class, () -> Checkpoint.read(dir, "kind"));
    assertTrue(e.getMessage().contains(Checkpoint.MANIFEST), e.getMessage());
  }

  @Test
  void recoveryPutsTheNewerCompleteCheckpointInPlace() throws IOException {
    publish("one", 1);
    publish("two", 2);
    // As a crash between the renames leaves it: the old one aside, the new one complete.
    Files.move(dir.resolve(Checkpoint.DIR), dir.resolve(Checkpoint.OLD));
    Path fresh = dir.resolve(Checkpoint.NEW);
    Files.createDirectories(fresh);
    Checkpoint.begin(dir.resolve("elsewhere"), "kind")
        .put("a.bin", f -> AtomicFiles.writeString(f, "three"))
        .publish(Map.of("epoch", 3), OPTIONS);
    try (var s = Files.list(dir.resolve("elsewhere").resolve(Checkpoint.DIR))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Files.copy(p, fresh.resolve(p.getFileName()));
      }
    }
    Checkpoint.recover(dir);
    assertEquals(3, Checkpoint.read(dir, "kind").state().get("epoch").asInt());
    assertFalse(Files.exists(dir.resolve(Checkpoint.OLD)));
    assertFalse(Files.exists(fresh));
  }

  @Test
  void recoveryFallsBackToTheOldOneWhenTheNewIsIncomplete() throws IOException {
    publish("one", 1);
    Files.move(dir.resolve(Checkpoint.DIR), dir.resolve(Checkpoint.OLD));
    Files.createDirectories(dir.resolve(Checkpoint.NEW));
    Files.writeString(dir.resolve(Checkpoint.NEW).resolve("a.bin"), "half");
    Files.writeString(dir.resolve(Checkpoint.DIR + "-not-a-temp"), "user");
    Checkpoint.recover(dir);
    assertEquals(1, Checkpoint.read(dir, "kind").state().get("epoch").asInt());
    assertFalse(Files.exists(dir.resolve(Checkpoint.NEW)));
    assertTrue(Files.exists(dir.resolve(Checkpoint.DIR + "-not-a-temp")));
  }

  @Test
  void optionsMustBeTheSameNamingTheFirstDifference() {
    publish("one", 1);
    Checkpoint c = Checkpoint.read(dir, "kind");
    c.requireSameOptions(OPTIONS);
    SdlgmException e =
        assertThrows(
            SdlgmException.class,
            () ->
                c.requireSameOptions(
                    RunOptions.builder().put("--lr", 0.01).put("--seed", 1).build()));
    assertTrue(
        e.getMessage().contains("--lr '0.001'") && e.getMessage().contains("--lr '0.01'"),
        e.getMessage());
    e =
        assertThrows(
            SdlgmException.class,
            () -> c.requireSameOptions(RunOptions.builder().put("--lr", 0.001).build()));
    assertTrue(
        e.getMessage().contains("--seed") && e.getMessage().contains("(not set)"), e.getMessage());
  }

  @Test
  void aSecondWriterIsRefusedNamingTheHolderUntilTheLockIsReleased() throws IOException {
    Path folder = dir.resolve("model");
    try (RunLock lock = RunLock.acquire(folder, "first run")) {
      assertTrue(lock.createdFolder());
      SdlgmException e =
          assertThrows(SdlgmException.class, () -> RunLock.acquire(folder, "second"));
      assertTrue(
          e.getMessage().contains("in use")
              && e.getMessage().contains("first run")
              && e.getMessage().contains("pid " + ProcessHandle.current().pid()),
          e.getMessage());
      String holder = Files.readString(folder.resolve(RunLock.FILE), StandardCharsets.UTF_8);
      assertTrue(holder.contains("first run"), holder);
    }
    try (RunLock again = RunLock.acquire(folder, "second")) {
      assertFalse(again.createdFolder());
    }
  }

  @Test
  void anAbandonedLockLeavesNoTraceInAFolderItCreated() {
    Path folder = dir.resolve("fresh");
    RunLock.acquire(folder, "run").abandon();
    assertFalse(Files.exists(folder));
  }

  @Test
  void staleTemporaryFilesAreRecognisedAndDeleted() throws IOException {
    Files.writeString(dir.resolve(".model.params.123456789.tmp"), "x");
    Files.writeString(dir.resolve("keep.tmp"), "user's");
    assertEquals(1, AtomicFiles.deleteStale(dir));
    assertTrue(Files.exists(dir.resolve("keep.tmp")));
  }
}
