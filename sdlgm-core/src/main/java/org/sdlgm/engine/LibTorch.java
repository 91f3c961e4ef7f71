package org.sdlgm.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The per-thread libtorch settings the library changes around its own work, each as a scope that
 * restores the previous value on close: whether autograd records (a training pass turns it on; the
 * threads that share a batch start with it off), and the calling thread's intra-op thread count (a
 * linear probe uses its own). A thread's count is its own once it has used libtorch, but setting it
 * also sets the process-wide default that a thread copies on its first use of libtorch: restoring
 * it on close keeps a scope from leaking into threads that start later.
 */
public final class LibTorch {
  private LibTorch() {}

  /** A setting in force until closed. */
  public interface Setting extends AutoCloseable {
    @Override
    void close();
  }

  /** Autograd records on the calling thread until the setting is closed. */
  public static Setting recording() {
    boolean before = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
    return () -> JniUtils.setGradMode(before);
  }

  /**
   * The calling thread runs libtorch's operations on {@code threads} threads until the setting is
   * closed; {@code threads} ≤ 0, or an engine other than PyTorch, leaves it as it is.
   */
  public static Setting threads(int threads) {
    if (threads <= 0 || !"PyTorch".equals(Engine.getInstance().getEngineName())) {
      return () -> {};
    }
    int before = JniUtils.getNumThreads();
    JniUtils.setNumThreads(threads);
    return () -> JniUtils.setNumThreads(before);
  }

  /** The calling thread's libtorch intra-op thread count. */
  public static int threads() {
    return JniUtils.getNumThreads();
  }
}
