package org.sdlgm;

/**
 * Process-wide settings that must be in place before the first DJL class loads: offline mode (DJL
 * otherwise downloads engines and calls a cloud metadata address at start-up) and the number of
 * threads. Every entry point calls {@link #configure} first.
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
   * The threads the library uses ({@link org.sdlgm.Workers}): as configured, else the number of
   * available processors.
   */
  public static int threads() {
    return threads > 0 ? threads : defaultThreads();
  }

  /** The default thread count: the number of available processors. */
  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }
}
