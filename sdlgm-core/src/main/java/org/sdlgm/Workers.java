package org.sdlgm;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The threads that share the work of one batch: a training step and the hard-sample ELBO
 * split a batch into contiguous row ranges, encoding gives each thread whole batches, and the
 * Adam update shares out the parameters. Each worker runs libtorch single-threaded, so the
 * cores are busy with the many small element-wise operations of a step too, which libtorch
 * would run on one core (below its parallel grain of 32,768 elements), and no OpenMP barrier
 * sits between operations (measured on 2 cores: docs/model.md, choice 21).
 *
 * <p>One pool per process, sized by {@link SdlgmRuntime#threads()}. libtorch's thread count
 * is per thread once a thread has used it, but a thread's first use takes the process-wide
 * value, which the workers set: threads that start using libtorch after the pool exists run
 * it with the workers' count. The thread that creates the pool fixes its own count first.
 */
public final class Workers {
  /** Fewer rows than this per part cost more in per-operation overhead than they save. */
  public static final int MIN_ROWS = 16;

  private static Workers shared;
  /** True on this pool's threads: work they submit runs inline (waiting would deadlock). */
  private static final ThreadLocal<Boolean> ON_WORKER = ThreadLocal.withInitial(() -> false);

  private final int size;
  private final ExecutorService pool;

  private Workers(int size) {
    this.size = size;
    if (size == 1) {
      pool = null;
      return;
    }
    // Loads libtorch if nothing has yet, then fixes the creating thread's own libtorch thread
    // count before the workers change the process-wide default.
    Engine.getInstance();
    JniUtils.getNumThreads();
    AtomicInteger n = new AtomicInteger();
    pool = Executors.newFixedThreadPool(size, r -> {
      Thread t = new Thread(() -> {
        JniUtils.setNumThreads(1);
        // libtorch records autograd graphs in a new thread; DJL turns that off only on the
        // thread that loads the engine. Training turns it on around its own passes.
        JniUtils.setGradMode(false);
        ON_WORKER.set(true);
        r.run();
      }, "sdlgm-worker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The process's workers: {@link SdlgmRuntime#threads()} of them. */
  public static synchronized Workers shared() {
    if (shared == null) {
      shared = new Workers(SdlgmRuntime.threads());
    }
    return shared;
  }

  /** Number of worker threads. */
  public int size() {
    return size;
  }

  /** How many parts a batch of {@code rows} rows is split into: at most one per worker. */
  public int partsFor(long rows) {
    return (int) Math.max(1, Math.min(size, rows / MIN_ROWS));
  }

  /** Row boundaries of {@code parts} near-equal contiguous parts: part i is [b[i], b[i+1]). */
  public static long[] bounds(long rows, int parts) {
    long[] b = new long[parts + 1];
    for (int i = 0; i <= parts; i++) {
      b[i] = rows * i / parts;
    }
    return b;
  }

  /**
   * Runs {@code task} for parts 0..parts−1 and returns the results in part order. A single
   * part runs on the calling thread; several run on the workers (callers may share them) while
   * the caller waits, and the call returns when all have ended, even if the caller is
   * interrupted meanwhile. The first failure is rethrown after every part has ended. Called
   * from a worker itself, the parts run one after another on that worker.
   */
  public <T> List<T> run(int parts, IntFunction<T> task) {
    if (parts <= 1 || pool == null || ON_WORKER.get()) {
      List<T> one = new ArrayList<>(1);
      for (int i = 0; i < Math.max(parts, 1); i++) {
        one.add(task.apply(i));
      }
      return one;
    }
    if (parts > size) {
      throw new IllegalArgumentException(parts + " parts for " + size + " workers");
    }
    List<Future<T>> futures = new ArrayList<>(parts);
    for (int i = 0; i < parts; i++) {
      int part = i;
      futures.add(pool.submit(() -> task.apply(part)));
    }
    List<T> results = new ArrayList<>(parts);
    Throwable failure = null;
    boolean interrupted = false;
    for (Future<T> f : futures) {
      // Every part must have ended before this returns (the caller then frees what the parts
      // use), so an interrupt is remembered, not obeyed, until they have.
      while (true) {
        try {
          results.add(f.get());
          break;
        } catch (ExecutionException e) {
          failure = failure == null ? e.getCause() : failure;
          results.add(null);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      failure = failure == null ? new InterruptedException("interrupted while workers ran") : failure;
    }
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
    return results;
  }
}
