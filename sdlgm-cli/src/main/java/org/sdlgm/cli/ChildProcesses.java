package org.sdlgm.cli;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The child JVMs an experiment runs, so that a Ctrl-C or SIGTERM to the experiment reaches them
 * instead of orphaning them: {@link #stopAll} sends each one SIGTERM ({@link Process#destroy}) — a
 * training then prints where its last checkpoint is and ends — and waits for it, killing only those
 * still alive after {@value #GRACE_SECONDS} s.
 */
final class ChildProcesses {
  static final ChildProcesses INSTANCE = new ChildProcesses();
  static final int GRACE_SECONDS = 30;

  private final Set<Process> live = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  private ChildProcesses() {}

  /** Starts a child and tracks it; refuses new children once stopping. */
  Process start(ProcessBuilder pb) throws IOException {
    synchronized (this) {
      if (stopping) {
        throw new IOException("not started: the experiment is being stopped");
      }
      Process p = pb.start();
      live.add(p);
      return p;
    }
  }

  void forget(Process p) {
    live.remove(p);
  }

  /** Signals every live child and waits for them (the shutdown hook's work). */
  void stopAll() {
    synchronized (this) {
      stopping = true;
    }
    if (live.isEmpty()) {
      return;
    }
    System.err.println("stopping " + live.size() + " running cell(s) and waiting for them…");
    for (Process p : live) {
      p.destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
    for (Process p : live) {
      try {
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
