package org.sdlgm;

/**
 * The library's only process-wide settings, made by one explicit call that must come before the
 * first DJL class loads: offline mode (DJL otherwise downloads engines and calls a cloud metadata
 * address at start-up) and the number of threads. They are process-wide because libtorch's are: the
 * engine reads its intra-op and inter-op thread counts from system properties once, when it loads,
 * for the whole process. Every entry point calls {@link #configure} first. Nothing else in the
 * library sets a system property, and worker threads belong to the model whose batches they share;
 * the one other process-wide state touched is libtorch's random generator, which the trainers seed
 * (libtorch has only the one).
 */
public final class SdlgmRuntime {
  private static volatile int threads;

  private SdlgmRuntime() {}

  /**
   * Sets DJL offline mode and, when {@code threads > 0}, libtorch's intra-op thread count. Has no
   * effect on an engine that is already loaded, so call it at the top of {@code main}.
   */
  public static void configure(int threads) {
    System.setProperty("ai.djl.offline", "true");
    if (threads > 0) {
      SdlgmRuntime.threads = threads;
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }

  /**
   * The threads a model shares its batches among (its workers, one pool per model), the same number
   * libtorch was configured with: as configured, else the number of available processors.
   */
  public static int threads() {
    return threads > 0 ? threads : defaultThreads();
  }

  /** The default thread count: the number of available processors. */
  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }
}
