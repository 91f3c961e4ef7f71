package org.sdlgm.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * Gathers concurrent requests into one forward pass. A request is a job of some rows; jobs wait in
 * a bounded queue, and each of the inference threads takes the first waiting job, then more until
 * the pass holds {@code maxBatch} rows or {@code maxWait} has passed since it took the first, and
 * runs them together. It waits only while more requests are in flight than the pass holds (requests
 * still being read or parsed may join): a lone client's request runs at once instead of sitting out
 * the wait. A job larger than {@code maxBatch} runs alone (the run densifies a pass in chunks
 * bounded by memory: {@link Rows#chunkRows}). When the queue is full, {@link #submit} refuses at
 * once (the server answers 503) instead of letting latency grow without bound.
 *
 * @param <J> a job (the rows of one request)
 * @param <R> the result of one job
 */
final class MicroBatcher<J, R> implements AutoCloseable {
  /** Told about every pass (for metrics). */
  interface PassListener {
    void pass(int jobs, int rows, long nanos);
  }

  /** How often a waiting pass checks whether anyone else can still join it. */
  private static final long SLICE_NANOS = 200_000;

  private record Pending<J, R>(J job, int rows, CompletableFuture<R> result) {}

  private final BlockingQueue<Pending<J, R>> queue;
  private final Function<List<J>, List<R>> run;
  private final int maxBatch;
  private final long maxWaitNanos;
  private final PassListener listener;
  private final IntSupplier inFlight;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong passes = new AtomicLong();
  private volatile boolean closing;

  /**
   * @param run runs the jobs of one pass and returns one result per job, in order
   * @param inFlight how many requests are being served now, those of this pass included
   */
  MicroBatcher(
      String name,
      int threads,
      int maxBatch,
      Duration maxWait,
      int capacity,
      Function<List<J>, List<R>> run,
      PassListener listener,
      IntSupplier inFlight) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.run = run;
    this.maxBatch = maxBatch;
    this.maxWaitNanos = maxWait.toNanos();
    this.listener = listener;
    this.inFlight = inFlight;
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::loop, name + "-" + (i + 1));
      t.setDaemon(true);
      this.threads.add(t);
      t.start();
    }
  }

  /** Queues a job of {@code rows} rows; 503 when the queue is full or the batcher is closing. */
  CompletableFuture<R> submit(J job, int rows) {
    if (closing) {
      throw new ApiException(503, "the server is shutting down", null);
    }
    CompletableFuture<R> f = new CompletableFuture<>();
    if (!queue.offer(new Pending<>(job, rows, f))) {
      throw new ApiException(
          503,
          "too many requests waiting (queue of "
              + (queue.size() + queue.remainingCapacity())
              + "); retry later",
          null);
    }
    return f;
  }

  /** Forward passes run so far. */
  long passes() {
    return passes.get();
  }

  /** Requests waiting for a pass. */
  int waiting() {
    return queue.size();
  }

  private void loop() {
    List<Pending<J, R>> pass = new ArrayList<>();
    Pending<J, R> carried = null;
    while (true) {
      Pending<J, R> first;
      try {
        first = carried != null ? carried : queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      carried = null;
      if (first == null) {
        if (closing && queue.isEmpty()) {
          return;
        }
        continue;
      }
      pass.clear();
      pass.add(first);
      int rows = first.rows();
      long deadline = System.nanoTime() + maxWaitNanos;
      while (rows < maxBatch) {
        Pending<J, R> next = queue.poll();
        if (next == null) {
          long left = deadline - System.nanoTime();
          if (left <= 0 || closing || inFlight.getAsInt() <= pass.size()) {
            break;
          }
          try {
            // In slices, so that the pass starts as soon as no one else can join it.
            next = queue.poll(Math.min(left, SLICE_NANOS), TimeUnit.NANOSECONDS);
          } catch (InterruptedException e) {
            break;
          }
          if (next == null) {
            continue;
          }
        }
        if (rows + next.rows() > maxBatch) {
          // It would overflow this pass: it opens the next one instead.
          carried = next;
          break;
        }
        pass.add(next);
        rows += next.rows();
      }
      runPass(pass, rows);
    }
  }

  private void runPass(List<Pending<J, R>> pass, int rows) {
    List<J> jobs = new ArrayList<>(pass.size());
    for (Pending<J, R> p : pass) {
      jobs.add(p.job());
    }
    long t0 = System.nanoTime();
    try {
      List<R> results = run.apply(jobs);
      passes.incrementAndGet();
      listener.pass(pass.size(), rows, System.nanoTime() - t0);
      for (int i = 0; i < pass.size(); i++) {
        pass.get(i).result().complete(results.get(i));
      }
    } catch (RuntimeException | Error e) {
      for (Pending<J, R> p : pass) {
        p.result().completeExceptionally(e);
      }
    }
  }

  /** Runs what is queued, then stops the threads (waiting at most 30 s for each). */
  @Override
  public void close() {
    closing = true;
    for (Thread t : threads) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
