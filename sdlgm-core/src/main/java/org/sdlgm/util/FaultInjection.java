package org.sdlgm.util;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named points in the code where a test can make the process die as {@code kill -9} would
 * ({@link Runtime#halt}: no shutdown hooks, no finally blocks, no flushing), so that crash
 * recovery is tested at exact moments — inside a checkpoint write, between two renames —
 * rather than at whatever moment a timer happens to hit. Inactive unless the system property
 * {@value #PROPERTY} is set, as {@code POINT@N}: die the N-th time (1-based) the process passes
 * {@code POINT}. For a point named {@code write:FILE}, the process dies once 4 KiB of the
 * N-th write of a file named {@code FILE} have reached the disk: a half-written file.
 */
public final class FaultInjection {
  /** The system property that names the point to die at. */
  public static final String PROPERTY = "sdlgm.test.haltAt";
  /** The exit status of an injected death, as a shell reports a SIGKILL. */
  public static final int STATUS = 137;
  private static final int PARTIAL_BYTES = 4096;
  private static final ConcurrentHashMap<String, AtomicInteger> PASSES = new ConcurrentHashMap<>();

  private FaultInjection() {}

  /** Dies here if the property names this point and this is the chosen pass. */
  public static void point(String name) {
    if (chosen(name)) {
      Runtime.getRuntime().halt(STATUS);
    }
  }

  /**
   * {@code out} itself, or — when the property names {@code write:FILE} for this file and this
   * is the chosen pass — a stream that dies after {@value #PARTIAL_BYTES} bytes.
   */
  public static OutputStream wrap(String fileName, OutputStream out) {
    if (!chosen("write:" + fileName)) {
      return out;
    }
    return new FilterOutputStream(out) {
      private long written;

      @Override
      public void write(int b) throws IOException {
        out.write(b);
        if (++written >= PARTIAL_BYTES) {
          out.flush();
          Runtime.getRuntime().halt(STATUS);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        for (int i = 0; i < len; i++) {
          write(b[off + i]);
        }
      }
    };
  }

  private static boolean chosen(String name) {
    String spec = System.getProperty(PROPERTY);
    if (spec == null) {
      return false;
    }
    int at = spec.lastIndexOf('@');
    String point = at < 0 ? spec : spec.substring(0, at);
    if (!point.equals(name)) {
      return false;
    }
    int n = at < 0 ? 1 : Integer.parseInt(spec.substring(at + 1));
    return PASSES.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet() == n;
  }
}
