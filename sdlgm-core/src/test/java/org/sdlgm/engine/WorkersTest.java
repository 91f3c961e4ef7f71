package org.sdlgm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdlgm.SdlgmRuntime;

/** Parts cover a batch exactly, results come back in part order, failures surface. */
class WorkersTest {
  /** A pool as a model makes one. */
  private static final Workers WORKERS = new Workers(SdlgmRuntime.threads());

  @AfterAll
  static void endWorkers() {
    WORKERS.close();
  }

  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void boundsCoverEveryRowOnceInNearEqualParts() {
    assertArrayEquals(new long[] {0, 3, 7}, Workers.bounds(7, 2));
    assertArrayEquals(new long[] {0, 100}, Workers.bounds(100, 1));
    long[] b = Workers.bounds(1000, 3);
    assertEquals(0, b[0]);
    assertEquals(1000, b[3]);
    for (int i = 0; i < 3; i++) {
      assertEquals(333, b[i + 1] - b[i], 1);
    }
  }

  @Test
  void aClosedPoolTakesNoMoreWorkButASinglePartStillRuns() {
    assertThrows(IllegalArgumentException.class, () -> new Workers(0));
    Workers w = new Workers(2);
    assertEquals(List.of(0, 10), w.run(2, i -> i * 10));
    w.close();
    w.close();
    assertEquals(List.of(7), w.run(1, i -> 7));
    assertThrows(RejectedExecutionException.class, () -> w.run(2, i -> i));
  }

  @Test
  void smallBatchesAreNotSplitBelowTheMinimumPart() {
    Workers w = WORKERS;
    assertEquals(1, w.partsFor(Workers.MIN_ROWS - 1));
    assertEquals(Math.min(w.size(), 4), w.partsFor(4L * Workers.MIN_ROWS));
  }

  @Test
  void workSubmittedFromAWorkerRunsInlineInsteadOfDeadlocking() {
    Workers w = WORKERS;
    int parts = w.size();
    List<List<Integer>> r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20), () -> w.run(parts, i -> w.run(parts, j -> i * 10 + j)));
    for (int i = 0; i < parts; i++) {
      for (int j = 0; j < parts; j++) {
        assertEquals(i * 10 + j, r.get(i).get(j));
      }
    }
  }

  @Test
  void resultsComeBackInPartOrderAndFailuresAreRethrown() {
    Workers w = WORKERS;
    int parts = w.size();
    List<Integer> r = w.run(parts, i -> i * 10);
    for (int i = 0; i < parts; i++) {
      assertEquals(i * 10, r.get(i));
    }
    AtomicInteger finished = new AtomicInteger();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                w.run(
                    parts,
                    i -> {
                      finished.incrementAndGet();
                      if (i == parts - 1) {
                        throw new IllegalStateException("part " + i);
                      }
                      return i;
                    }));
    assertEquals("part " + (parts - 1), e.getMessage());
    assertEquals(parts, finished.get());
  }

  @Test
  @SuppressWarnings("try") // the join is a scope; its body need not name it
  void aJoinedCallerRunsPartZeroAsAWorkerWouldAndGetsItsSettingsBack() {
    Workers w = WORKERS;
    assumeTrue(
        w.size() >= 2, "needs at least 2 threads to split a call (this JVM: " + w.size() + ")");
    Engine.getInstance();
    Thread caller = Thread.currentThread();
    int threads = JniUtils.getNumThreads();
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setNumThreads(2);
    JniUtils.setGradMode(true);
    // [on the caller?, libtorch threads, grad mode] per part
    java.util.function.IntFunction<Object[]> probe =
        i ->
            new Object[] {
              Thread.currentThread() == caller, JniUtils.getNumThreads(), JniUtils.isGradMode()
            };
    try {
      for (Object[] part : w.run(w.size(), probe)) {
        assertEquals(false, part[0], "without join, every part runs on a worker");
      }
      List<Object[]> seen;
      try (Workers.Joined joined = w.join()) {
        seen = w.run(w.size(), probe);
        assertTrue(JniUtils.isGradMode(), "the caller's grad mode is restored after each run");
      }
      for (int i = 0; i < seen.size(); i++) {
        assertEquals(i == 0, seen.get(i)[0], "part " + i + " on the caller?");
        assertEquals(1, seen.get(i)[1], "part " + i + " runs libtorch single-threaded");
        assertEquals(false, seen.get(i)[2], "part " + i + " starts without autograd");
      }
      assertEquals(2, JniUtils.getNumThreads(), "the caller's thread count is restored");
      // A worker's count stays its own after the caller's changed the process-wide default.
      assertEquals(1, w.run(w.size(), probe).get(1)[1]);
      assertThrows(IllegalArgumentException.class, () -> w.run(0, i -> i));
    } finally {
      JniUtils.setNumThreads(threads);
      JniUtils.setGradMode(gradMode);
    }
  }
}
