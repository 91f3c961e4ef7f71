package org.sdlgm.engine;

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
 * The threads that share the work of one batch: a training step and the hard-sample ELBO split a
 * batch into contiguous row ranges, encoding gives each thread whole batches, and the Adam update
 * shares out the parameters. Each worker runs libtorch single-threaded, so the cores are busy with
 * the many small element-wise operations of a step too, which libtorch would run on one core (below
 * its parallel grain of 32,768 elements), and no OpenMP barrier sits between operations (measured
 * on 2 cores: docs/model.md, choice 21).
 *
 * <p>A pool belongs to the object whose computations it shares (a model, which creates it on first
 * use and closes it with itself); nothing here is process-wide but the thread-local marks of which
 * thread is a worker or has joined. A caller that does many calls in a row (the trainer) can {@link
 * #join} them: it then runs part 0 of each call itself. libtorch's thread count is per thread once
 * a thread has used it, but a thread's first use takes the process-wide value, which the workers
 * set: threads that start using libtorch after a pool exists run it with the workers' count. The
 * thread that creates a pool fixes its own count first.
 */
public final class Workers implements AutoCloseable {
  /** How long a caller that has finished its part polls for the others before sleeping. */
  private static final long SPIN_NANOS = 2_000_000;

  /** Fewer rows than this per part cost more in per-operation overhead than they save. */
  public static final int MIN_ROWS = 16;

  /** True on this pool's threads: work they submit runs inline (waiting would deadlock). */
  private static final ThreadLocal<Boolean> ON_WORKER = ThreadLocal.withInitial(() -> false);

  /** True on a thread inside {@link #join}. */
  private static final ThreadLocal<Boolean> JOINED = ThreadLocal.withInitial(() -> false);

  private final int size;
  private final ExecutorService pool;

  /** The scope of {@link #join}; closing it ends the caller's part in the calls. */
  public interface Joined extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * A pool of {@code size} threads ({@code size} ≥ 1; one thread means the caller does all the work
   * and no pool is made). Its threads live until {@link #close}.
   */
  public Workers(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("workers need at least one thread, got " + size);
    }
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
    pool =
        Executors.newFixedThreadPool(
            size,
            r -> {
              Thread t =
                  new Thread(
                      () -> {
                        // A thread's first use of libtorch copies the process-wide count
                        // (lazily, whenever that comes): take it now, then set this thread's
                        // own, so no later change of the process-wide value reaches the workers.
                        JniUtils.getNumThreads();
                        JniUtils.setNumThreads(1);
                        // libtorch records autograd graphs in a new thread; DJL turns that off
                        // only on the thread that loads the engine. Training turns it on around
                        // its own passes.
                        JniUtils.setGradMode(false);
                        ON_WORKER.set(true);
                        r.run();
                      },
                      "sdlgm-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Number of threads that share a call of {@link #run}. */
  public int size() {
    return size;
  }

  /**
   * Until the returned scope is closed, the calling thread runs part 0 of each {@link #run} it
   * makes, with libtorch single-threaded like the workers (its own count is restored on close;
   * libtorch's process-wide default follows it, as it does for the linear probe). Handing every
   * part to a sleeping worker made the second part start up to 2 ms late in a training step (the
   * scheduler put both woken threads on one core for a while) and woke the caller again at the end,
   * twice per step. Scopes on one thread nest; a pool of one thread has nothing to join.
   */
  public Joined join() {
    if (pool == null || JOINED.get() || ON_WORKER.get()) {
      return () -> {};
    }
    int threads = JniUtils.getNumThreads();
    if (threads != 1) {
      JniUtils.setNumThreads(1);
    }
    JOINED.set(true);
    return () -> {
      JOINED.set(false);
      if (threads != 1) {
        JniUtils.setNumThreads(threads);
      }
    };
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
   * Runs {@code task} for parts 0..parts−1 ({@code parts} ≥ 1) and returns the results in part
   * order. A single part runs on the calling thread. Several run on the workers (callers may share
   * them) while the caller waits — or, inside {@link #join}, the caller runs part 0 itself; the
   * call returns when all have ended, even if the caller is interrupted meanwhile. The first
   * failure is rethrown after every part has ended. Called from a worker, or from within part 0,
   * the parts run one after another on that thread.
   */
  public <T> List<T> run(int parts, IntFunction<T> task) {
    if (parts < 1) {
      throw new IllegalArgumentException("parts must be at least 1, got " + parts);
    }
    if (parts == 1 || pool == null || ON_WORKER.get()) {
      List<T> one = new ArrayList<>(parts);
      for (int i = 0; i < parts; i++) {
        one.add(task.apply(i));
      }
      return one;
    }
    if (parts > size) {
      throw new IllegalArgumentException(parts + " parts for " + size + " workers");
    }
    boolean callerRuns = JOINED.get();
    int first = callerRuns ? 1 : 0;
    List<Future<T>> futures = new ArrayList<>(parts - first);
    for (int i = first; i < parts; i++) {
      int part = i;
      futures.add(pool.submit(() -> task.apply(part)));
    }
    List<T> results = new ArrayList<>(parts);
    Throwable failure = null;
    if (callerRuns) {
      // As on a worker: no autograd unless the task asks (libtorch is single-threaded here
      // for the whole join).
      boolean gradMode = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      ON_WORKER.set(true);
      try {
        results.add(task.apply(0));
      } catch (RuntimeException | Error e) {
        failure = e;
        results.add(null);
      } finally {
        ON_WORKER.set(false);
        JniUtils.setGradMode(gradMode);
      }
    }
    boolean interrupted = false;
    for (Future<T> f : futures) {
      if (callerRuns) {
        // The other parts usually end within a millisecond or two of part 0: waiting for
        // them on the core part 0 has freed costs nothing and spares a wake-up through the
        // scheduler (bounded, so that a long wait still sleeps).
        long spinStart = System.nanoTime();
        while (!f.isDone() && System.nanoTime() - spinStart < SPIN_NANOS) {
          Thread.onSpinWait();
        }
      }
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
      failure =
          failure == null ? new InterruptedException("interrupted while workers ran") : failure;
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

  /**
   * Lets the pool's threads end once their current work is done; a later {@link #run} of several
   * parts fails. Idempotent.
   */
  @Override
  public void close() {
    if (pool != null) {
      pool.shutdown();
    }
  }
}
