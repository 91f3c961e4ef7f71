package org.sdlgm.train;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sdlgm.SdlgmException;
import org.sdlgm.model.Decoder;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.multilabel.TaggerConfig;

/**
 * Sizes that cannot be allocated, refused before any work with one line instead of an engine error,
 * a {@code NegativeArraySizeException} or an {@code OutOfMemoryError} minutes later: a data set
 * whose rows alone exceed the Java heap (known from a synthetic spec or a file's size before
 * loading), a weight matrix of more than 2³¹ − 1 entries or a model whose parameters, gradients and
 * Adam moments exceed the machine's memory, and a mini-batch whose rows exceed the heap. The
 * estimates are lower bounds, so nothing that could run is refused.
 */
public final class Limits {
  /** The largest Java array, and the largest tensor DJL copies to one. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8L;

  /** Bytes per parameter while training: the value, its gradient and Adam's two moments. */
  private static final long TRAINING_BYTES_PER_PARAMETER = 16;

  private Limits() {}

  /**
   * Refuses a data spec whose rows cannot fit in the heap, when that is knowable without loading:
   * the synthetic generator's {@code n}, {@code test} and {@code dim}; an IDX or CSV file's size
   * (one float per byte of IDX pixels, at least one per two characters of CSV).
   */
  public static void checkData(String spec) {
    if (spec == null) {
      return;
    }
    double floats = floatsOf(spec);
    long heap = Runtime.getRuntime().maxMemory();
    if (floats > 0 && 4 * floats > (double) heap) {
      throw new SdlgmException(
          spec
              + ": the data set needs at least "
              + bytes(4 * floats)
              + " of heap for its rows, more than the "
              + bytes((double) heap)
              + " this Java has (-Xmx); "
              + "use fewer rows or give Java more memory (java -Xmx…, or SDLGM_JAVA_OPTS=-Xmx… for ./sdlgm)");
    }
    if (floats > MAX_ARRAY && spec.startsWith("synthetic:")) {
      throw new SdlgmException(
          spec
              + ": "
              + (long) floats
              + " values are more than one array holds ("
              + MAX_ARRAY
              + "); use fewer rows");
    }
  }

  /**
   * Refuses an unsupervised model or batch that cannot be allocated for {@code rows} training rows.
   */
  public static void checkModel(SdlgmConfig c, int batch) {
    int d = c.inputDim();
    List<long[]> layers = new ArrayList<>();
    long in = d;
    for (int h : c.encoderHidden()) {
      layers.add(new long[] {in, h});
      in = h;
    }
    layers.add(new long[] {in, c.latentDim()});
    in = c.latentDim();
    List<Integer> dec = c.decoder() == Decoder.LINEAR ? List.of() : c.decoderHidden();
    for (int h : dec) {
      layers.add(new long[] {in, h});
      in = h;
    }
    layers.add(new long[] {in, d});
    checkLayers(
        layers,
        "K "
            + c.latentDim()
            + ", encoder "
            + c.encoderHidden()
            + (dec.isEmpty() ? "" : ", decoder " + dec)
            + ", "
            + d
            + " features");
    checkBatch(batch, d);
  }

  /** Refuses a multi-label model or batch that cannot be allocated. */
  public static void checkModel(TaggerConfig c, int batch) {
    List<long[]> layers = new ArrayList<>();
    long in = c.numFeatures();
    for (int h : c.hidden()) {
      layers.add(new long[] {in, h});
      in = h;
    }
    layers.add(new long[] {in, c.numLabels()});
    checkLayers(
        layers,
        "hidden "
            + c.hidden()
            + ", "
            + c.numFeatures()
            + " features, "
            + c.numLabels()
            + " labels");
    checkBatch(batch, (long) c.numFeatures() + c.numLabels());
  }

  private static void checkLayers(List<long[]> layers, String what) {
    long total = 0;
    for (long[] l : layers) {
      long entries = l[0] * l[1];
      if (entries > MAX_ARRAY) {
        throw new SdlgmException(
            "model too large ("
                + what
                + "): a "
                + l[0]
                + " × "
                + l[1]
                + " weight matrix has "
                + entries
                + " entries, more than the "
                + MAX_ARRAY
                + " one tensor can hold here; use smaller -K, --encoder or --decoder-hidden");
      }
      total += entries;
    }
    long need = total * TRAINING_BYTES_PER_PARAMETER;
    long memory = physicalMemory();
    if (memory > 0 && need > memory) {
      throw new SdlgmException(
          "model too large ("
              + what
              + "): "
              + total
              + " weights need "
              + bytes((double) need)
              + " to train (values, gradients, Adam's moments), more than this "
              + "machine's "
              + bytes((double) memory)
              + "; use smaller -K, --encoder or --decoder-hidden");
    }
  }

  private static void checkBatch(long batch, long width) {
    double floats = (double) batch * width;
    long heap = Runtime.getRuntime().maxMemory();
    if (floats > MAX_ARRAY || 4 * floats > (double) heap) {
      throw new SdlgmException(
          "--batch "
              + batch
              + ": one batch of "
              + batch
              + " rows × "
              + width
              + " values needs "
              + bytes(4 * floats)
              + ", more than the "
              + bytes((double) heap)
              + " heap (-Xmx) or one array allows; use a smaller --batch");
    }
  }

  private static double floatsOf(String spec) {
    int colon = spec.indexOf(':');
    if (colon < 0) {
      return -1;
    }
    String scheme = spec.substring(0, colon).toLowerCase(Locale.ROOT);
    String rest = spec.substring(colon + 1);
    if (scheme.equals("synthetic")) {
      long n = 10000;
      long test = 2000;
      long dim = 784;
      for (String part : rest.split(",", -1)) {
        String[] kv = part.split("=", 2);
        if (kv.length == 2) {
          try {
            switch (kv[0].strip()) {
              case "n" -> n = Long.parseLong(kv[1].strip());
              case "test" -> test = Long.parseLong(kv[1].strip());
              case "dim" -> dim = Long.parseLong(kv[1].strip());
              default -> {}
            }
          } catch (NumberFormatException e) {
            return -1; // the spec's own parser names the bad value
          }
        }
      }
      return n > 0 && dim > 0 ? ((double) n + Math.max(0, test)) * dim : -1;
    }
    if (scheme.equals("csv") || scheme.equals("idx")) {
      String file = rest.split(",", 2)[0];
      try {
        Path p = Path.of(file);
        if (!Files.isRegularFile(p) || file.endsWith(".gz")) {
          return -1;
        }
        long size = Files.size(p);
        return scheme.equals("csv") ? size / 2 : size;
      } catch (IOException | RuntimeException e) {
        return -1; // the reader reports unreadable or invalid paths itself
      }
    }
    return -1;
  }

  private static long physicalMemory() {
    try {
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        return os.getTotalMemorySize();
      }
    } catch (LinkageError e) {
      // a Java without the jdk.management module: no machine-wide check
    }
    return -1;
  }

  private static String bytes(double b) {
    double gib = b / (1L << 30);
    return gib >= 1
        ? String.format(Locale.ROOT, "%.1f GiB", gib)
        : String.format(Locale.ROOT, "%.0f MiB", b / (1L << 20));
  }
}
