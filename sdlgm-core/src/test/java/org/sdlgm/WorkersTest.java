package org.sdlgm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Parts cover a batch exactly, results come back in part order, failures surface. */
class WorkersTest {
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
  void smallBatchesAreNotSplitBelowTheMinimumPart() {
    Workers w = Workers.shared();
    assertEquals(1, w.partsFor(Workers.MIN_ROWS - 1));
    assertEquals(Math.min(w.size(), 4), w.partsFor(4L * Workers.MIN_ROWS));
  }

  @Test
  void workSubmittedFromAWorkerRunsInlineInsteadOfDeadlocking() {
    Workers w = Workers.shared();
    int parts = w.size();
    List<List<Integer>> r = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> w.run(parts, i -> w.run(parts, j -> i * 10 + j)));
    for (int i = 0; i < parts; i++) {
      for (int j = 0; j < parts; j++) {
        assertEquals(i * 10 + j, r.get(i).get(j));
      }
    }
  }

  @Test
  void resultsComeBackInPartOrderAndFailuresAreRethrown() {
    Workers w = Workers.shared();
    int parts = w.size();
    List<Integer> r = w.run(parts, i -> i * 10);
    for (int i = 0; i < parts; i++) {
      assertEquals(i * 10, r.get(i));
    }
    AtomicInteger finished = new AtomicInteger();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.run(parts, i -> {
      finished.incrementAndGet();
      if (i == parts - 1) {
        throw new IllegalStateException("part " + i);
      }
      return i;
    }));
    assertEquals("part " + (parts - 1), e.getMessage());
    assertEquals(parts, finished.get());
  }
}
