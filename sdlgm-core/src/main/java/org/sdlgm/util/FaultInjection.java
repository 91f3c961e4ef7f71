package org.sdlgm.util;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named points in the code where a test can make the process die as {@code kill -9} would ({@link
 * Runtime#halt}: no shutdown hooks, no finally blocks, no flushing), so that crash recovery is
 * tested at exact moments — inside a checkpoint write, between two renames — rather than at
 * whatever moment a timer happens to hit. Inactive unless the system property {@value #PROPERTY} is
 * set, as {@code POINT@N}: die the N-th time (1-based) the process passes {@code POINT}. For a
 * point named {@code write:FILE}, the process dies once half of the N-th write of a file named
 * {@code FILE} has reached the disk: a half-written file.
 */
public final class FaultInjection {
  /** The system property that names the point to die at. */
  public static final String PROPERTY = "sdlgm.test.haltAt";

  /** The exit status of an injected death, as a shell reports a SIGKILL. */
  public static final int STATUS = 137;

  private static final ConcurrentHashMap<String, AtomicInteger> PASSES = new ConcurrentHashMap<>();

  private FaultInjection() {}

  /** Dies here if the property names this point and this is the chosen pass. */
  public static void point(String name) {
    if (chosen(name)) {
      Runtime.getRuntime().halt(STATUS);
    }
  }

  /**
   * {@code out} itself, or — when the property names {@code write:FILE} for this file and this is
   * the chosen pass — a stream that collects the content and, when it is closed, writes the first
   * half of it to {@code out}, flushes and dies: a half-written file.
   */
  public static OutputStream wrap(String fileName, OutputStream out) {
    if (!chosen("write:" + fileName)) {
      return out;
    }
    return new java.io.ByteArrayOutputStream() {
      @Override
      public void close() throws IOException {
        out.write(buf, 0, count / 2);
        out.flush();
        Runtime.getRuntime().halt(STATUS);
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
