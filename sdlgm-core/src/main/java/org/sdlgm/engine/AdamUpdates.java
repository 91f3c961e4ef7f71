package org.sdlgm.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.sdlgm.SdlgmException;
import org.sdlgm.util.AtomicFiles;

/**
 * Adam applied directly to every trainable parameter of a block, as both trainers use it. {@link
 * #apply} updates the parameters and zeroes their gradients; {@link #discard} only zeroes them, for
 * a step whose gradient was not finite. Gradient clipping, when on, bounds every entry to [−c, c]
 * before Adam sees it.
 *
 * <p>Two implementations of the same update (Kingma and Ba, with DJL's bias correction
 * lr·√(1−β₂ᵗ)/(1−β₁ᵗ) and ε outside the root), chosen by the training configuration ({@code
 * TrainConfig.adam()}):
 *
 * <ul>
 *   <li>fused (the default): one pass over each parameter's memory in Java, through libtorch's own
 *       buffers for the weight, its gradient and the two moments (a chunk at a time, so that the
 *       Java heap holds none of them). DJL's native update makes about eleven passes over every
 *       parameter (gradient copy, weight decay at zero decay, moments, root, quotient, step); this
 *       is 3–8× faster (docs/model.md, choice 24) and its results agree with DJL's to float
 *       rounding (tested).
 *   <li>DJL's own {@link Adam}. Its native clamp only bounds from above, so the symmetric clip is
 *       applied first.
 * </ul>
 *
 * The fused update shares the parameters out among a model's {@link Workers} (each parameter is
 * updated by exactly one thread, with the same arithmetic, so the result does not depend on the
 * number of threads); DJL's runs on the calling thread.
 */
public final class AdamUpdates implements AutoCloseable {
  /** Floats per chunk of the fused update: the chunk buffers stay in the core's L1/L2. */
  private static final int CHUNK = 4096;

  /** Adam's defaults, as DJL's builder has them. */
  private static final float B1 = 0.9f;

  private static final float B2 = 0.999f;
  private static final float EPS = 1e-8f;

  /**
   * Denormal floats make x86 arithmetic take a microcode path about 20× slower, for a whole vector
   * when one lane is denormal (measured on this loop: 1.2 ms per 1.27M parameters, 21 ms with every
   * tenth gradient at 10⁻²¹). Adam produces them: the square of any gradient below 10⁻¹⁹, and
   * moments that decay geometrically where the gradient stays 0 (a first-layer weight of an
   * always-black pixel: m after ≈ 800 steps). Gradients and first moments are therefore rounded to
   * multiples of 2⁻⁵⁴ ≈ 5.6·10⁻¹⁷ (|x| < 2.8·10⁻¹⁷ becomes 0, so every square is normal) and second
   * moments to multiples of 2⁻⁸⁵ ≈ 2.6·10⁻²⁶: a flush-to-zero at magnitudes whose effect on a step,
   * m/(√v + 10⁻⁸), is below 3·10⁻⁹ of the learning rate.
   */
  private static final float FLUSH_G = 0x1p-31f;

  private static final float FLUSH_V = 0x1p-62f;

  /** The file name of a saved state in a checkpoint directory (see {@link #save}). */
  public static final String STATE_FILE = "adam.state";

  private final List<Parameter> trainable = new ArrayList<>();
  private final float learningRate;
  private final float clip;
  private final Optimizer djl;

  /** Adam's moments, one pair per trainable parameter, in libtorch memory beside it. */
  private final NDArray[] mean;

  private final NDArray[] variance;
  private final FloatBuffer[] meanView;
  private final FloatBuffer[] varianceView;
  private final Workers workers;

  /** The trainable parameters' indices, one group per worker, of near-equal total size. */
  private final List<int[]> groups = new ArrayList<>();

  /** Per group: chunk buffers for weight, gradient, mean, variance and a further gradient. */
  private final float[][][] scratch;

  /** The arrays whose memory {@link #weightView} was checked to be live (not a copy). */
  private final NDArray[] checked;

  private int steps;
  private boolean closed;

  /**
   * Adam on the trainable parameters of {@code block} with learning rate {@code learningRate},
   * every gradient entry clipped to ±{@code gradClip} first when that is positive; {@code fused}
   * chooses the fused update (else DJL's), which {@code workers} share. The fused update's moments
   * live in libtorch memory until {@link #close}.
   */
  public AdamUpdates(
      Block block, double learningRate, double gradClip, boolean fused, Workers workers) {
    this.learningRate = (float) learningRate;
    this.clip = (float) gradClip;
    this.workers = workers;
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        trainable.add(p.getValue());
      }
    }
    int n = trainable.size();
    if (!fused) {
      djl = Adam.builder().optLearningRateTracker(Tracker.fixed(this.learningRate)).build();
      mean = null;
      variance = null;
      meanView = null;
      varianceView = null;
      checked = null;
      scratch = null;
      return;
    }
    djl = null;
    mean = new NDArray[n];
    variance = new NDArray[n];
    meanView = new FloatBuffer[n];
    varianceView = new FloatBuffer[n];
    checked = new NDArray[n];
    long[] sizes = new long[n];
    for (int i = 0; i < n; i++) {
      NDArray w = trainable.get(i).getArray();
      sizes[i] = w.size();
      // Zeros made by libtorch are contiguous, so their buffers are the memory itself.
      mean[i] = w.getManager().zeros(new Shape(sizes[i]));
      variance[i] = w.getManager().zeros(new Shape(sizes[i]));
      // Owned by this object until close, whatever scope it is created in.
      NDScope.unregister(mean[i], variance[i]);
      meanView[i] = Tensors.view(mean[i]);
      varianceView[i] = Tensors.view(variance[i]);
    }
    groups.addAll(balance(sizes, Math.max(1, Math.min(workers.size(), n))));
    scratch = new float[groups.size()][5][CHUNK];
  }

  /** One Adam step on every trainable parameter; the gradients are zero afterwards. */
  public void apply() {
    step(p -> List.of(p.getArray().getGradient()), true, null);
  }

  /**
   * One Adam step in which {@code columns.parameter} takes its gradient from {@code columns} — only
   * at the listed columns, lazily (its other columns and their moments are left as they are, as in
   * lazy or sparse Adam) — and every other trainable parameter from its own gradient, as {@link
   * #apply()}. The parameter's own gradient is neither read nor changed. Where every column is
   * listed, this is exactly {@link #apply()}'s update.
   */
  public void apply(ColumnGradient columns) {
    if (djl != null) {
      throw new IllegalStateException("column updates need the fused Adam (--adam-impl fused)");
    }
    step(p -> List.of(p.getArray().getGradient()), true, columns);
  }

  /**
   * The gradient of a 2-D (rows × D) weight at some of its columns: {@code values} is rows ×
   * columns.length, row-major, for the columns {@code columns} (ascending, distinct).
   */
  public record ColumnGradient(Parameter parameter, int[] columns, float[] values) {}

  /**
   * One Adam step from the gradients of the parts of a split batch, added in part order; the
   * parameters' own gradients are neither read nor changed. A parameter no part used is left as it
   * is.
   */
  public void apply(List<PartGradients> parts) {
    step(
        p -> {
          List<NDArray> grads = new ArrayList<>(parts.size());
          for (PartGradients part : parts) {
            NDArray grad = part.gradient(p);
            if (grad != null) {
              grads.add(grad);
            }
          }
          return grads;
        },
        false,
        null);
  }

  /**
   * One step with each parameter's gradients from {@code gradientsOf} (several are added in list
   * order). With {@code ofParameters} they are handles on the parameters' own gradients: closed
   * after use, and the gradients zeroed (DJL's native update zeroes them itself).
   */
  private void step(
      Function<Parameter, List<NDArray>> gradientsOf,
      boolean ofParameters,
      ColumnGradient columns) {
    checkOpen();
    if (djl != null) {
      for (Parameter p : trainable) {
        List<NDArray> grads = gradientsOf.apply(p);
        try {
          if (!grads.isEmpty()) {
            djlUpdate(p, grads);
          }
        } finally {
          if (ofParameters) {
            grads.forEach(NDArray::close);
          }
        }
      }
      return;
    }
    steps++;
    float step =
        (float) (learningRate * Math.sqrt(1 - Math.pow(B2, steps)) / (1 - Math.pow(B1, steps)));
    workers.run(
        groups.size(),
        g -> {
          for (int i : groups.get(g)) {
            Parameter p = trainable.get(i);
            if (columns != null && p == columns.parameter()) {
              updateColumns(i, columns, step);
              continue;
            }
            List<NDArray> grads = gradientsOf.apply(p);
            try {
              if (!grads.isEmpty()) {
                // libtorch keeps a gradient in its parameter's (contiguous) layout, so these are
                // views of the gradients' memory, not copies.
                FloatBuffer[] views = new FloatBuffer[grads.size()];
                for (int q = 0; q < views.length; q++) {
                  views[q] = Tensors.view(grads.get(q));
                }
                update(
                    weightView(i, p.getArray()),
                    views,
                    meanView[i],
                    varianceView[i],
                    scratch[g],
                    step);
              }
            } finally {
              if (ofParameters) {
                grads.forEach(NDArray::close);
                JniUtils.zeroGrad((PtNDArray) p.getArray());
              }
            }
          }
          return null;
        });
  }

  /** DJL's Adam on the sum of {@code grads} (in list order), clipped first when asked. */
  private void djlUpdate(Parameter p, List<NDArray> grads) {
    NDArray sum = grads.get(0);
    List<NDArray> sums = new ArrayList<>();
    for (int q = 1; q < grads.size(); q++) {
      sum = sum.add(grads.get(q));
      sums.add(sum);
    }
    try (NDArray c = clip > 0 ? clipped(sum, clip) : null) {
      djl.update(p.getId(), p.getArray(), c == null ? sum : c);
    } finally {
      sums.forEach(NDArray::close);
    }
  }

  /**
   * Parameter indices in {@code parts} groups of near-equal total size: largest first, each to the
   * group with the least so far.
   */
  static List<int[]> balance(long[] sizes, int parts) {
    Integer[] bySize = new Integer[sizes.length];
    for (int i = 0; i < bySize.length; i++) {
      bySize[i] = i;
    }
    java.util.Arrays.sort(
        bySize,
        (a, b) -> sizes[b] != sizes[a] ? Long.compare(sizes[b], sizes[a]) : Integer.compare(a, b));
    long[] load = new long[parts];
    List<List<Integer>> members = new ArrayList<>();
    for (int g = 0; g < parts; g++) {
      members.add(new ArrayList<>());
    }
    for (int i : bySize) {
      int least = 0;
      for (int g = 1; g < parts; g++) {
        least = load[g] < load[least] ? g : least;
      }
      members.get(least).add(i);
      load[least] += sizes[i];
    }
    List<int[]> groups = new ArrayList<>();
    for (List<Integer> m : members) {
      if (!m.isEmpty()) {
        groups.add(m.stream().mapToInt(Integer::intValue).toArray());
      }
    }
    return groups;
  }

  /** {@link #update}'s arithmetic at the listed columns of parameter {@code i} only. */
  private void updateColumns(int i, ColumnGradient columns, float step) {
    Shape shape = trainable.get(i).getArray().getShape();
    int rows = (int) shape.get(0);
    int d = (int) shape.get(1);
    int[] cols = columns.columns();
    int u = cols.length;
    if (columns.values().length != rows * u) {
      throw new IllegalArgumentException(
          "column gradient has " + columns.values().length + " values, not " + rows + " × " + u);
    }
    FloatBuffer weight = weightView(i, trainable.get(i).getArray());
    FloatBuffer mean = meanView[i];
    FloatBuffer var = varianceView[i];
    float c1 = 1 - B1;
    float c2 = 1 - B2;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < u; c++) {
        int at = r * d + cols[c];
        float g = columns.values()[r * u + c];
        if (clip > 0) {
          g = Math.max(-clip, Math.min(clip, g));
        }
        float gj = (g + FLUSH_G) - FLUSH_G;
        float mj = (B1 * mean.get(at) + c1 * gj + FLUSH_G) - FLUSH_G;
        float vj = (B2 * var.get(at) + c2 * gj * gj + FLUSH_V) - FLUSH_V;
        mean.put(at, mj);
        var.put(at, vj);
        weight.put(at, weight.get(at) - step * mj / ((float) Math.sqrt(vj) + EPS));
      }
    }
  }

  private void update(
      FloatBuffer weight,
      FloatBuffer[] grads,
      FloatBuffer mean,
      FloatBuffer var,
      float[][] chunk,
      float step) {
    float c1 = 1 - B1;
    float c2 = 1 - B2;
    float lo = clip > 0 ? -clip : Float.NEGATIVE_INFINITY;
    float hi = clip > 0 ? clip : Float.POSITIVE_INFINITY;
    float[] w = chunk[0];
    float[] g = chunk[1];
    float[] m = chunk[2];
    float[] v = chunk[3];
    float[] more = chunk[4];
    int size = weight.capacity();
    for (int from = 0; from < size; from += CHUNK) {
      int n = Math.min(CHUNK, size - from);
      weight.get(from, w, 0, n);
      grads[0].get(from, g, 0, n);
      // The parts' gradients in part order, so the sum never depends on thread timing.
      for (int q = 1; q < grads.length; q++) {
        grads[q].get(from, more, 0, n);
        for (int j = 0; j < n; j++) {
          g[j] += more[j];
        }
      }
      mean.get(from, m, 0, n);
      var.get(from, v, 0, n);
      if (clip > 0) {
        for (int j = 0; j < n; j++) {
          g[j] = Math.max(lo, Math.min(hi, g[j]));
        }
      }
      // Every array indexed alike, so that C2 vectorises the loop (measured 5x faster than
      // indexing the moments at an offset); the clamp has a loop of its own, taken only with
      // clipping (Math.min/max on floats made this loop 1.5x slower, measured).
      for (int j = 0; j < n; j++) {
        // (x + C) − C rounds x to a multiple of C·2⁻²³ and so sends |x| below C·2⁻²⁴ to 0,
        // keeping every value here a normal float (see FLUSH_G).
        float gj = (g[j] + FLUSH_G) - FLUSH_G;
        float mj = (B1 * m[j] + c1 * gj + FLUSH_G) - FLUSH_G;
        float vj = (B2 * v[j] + c2 * gj * gj + FLUSH_V) - FLUSH_V;
        m[j] = mj;
        v[j] = vj;
        w[j] -= step * mj / ((float) Math.sqrt(vj) + EPS);
      }
      weight.put(from, w, 0, n);
      mean.put(from, m, 0, n);
      var.put(from, v, 0, n);
    }
  }

  /**
   * A view of parameter {@code i}'s memory. DJL hands out libtorch's own buffer for a contiguous
   * tensor and a copy otherwise; a copy would silently drop the update, so the first view of each
   * array is checked to be live (a write through one view must be visible through another).
   */
  private FloatBuffer weightView(int i, NDArray w) {
    FloatBuffer view = Tensors.view(w);
    if (checked[i] != w) {
      FloatBuffer other = Tensors.view(w);
      float original = view.get(0);
      float probe = original == 1f ? 2f : 1f;
      view.put(0, probe);
      boolean live = other.get(0) == probe;
      view.put(0, original);
      if (!live) {
        throw new IllegalStateException(
            "parameter "
                + trainable.get(i).getName()
                + " is not contiguous in memory; train with --adam-impl djl");
      }
      checked[i] = w;
    }
    return view;
  }

  /** {@code g} clipped to [−c, c] element-wise (a new array). */
  static NDArray clipped(NDArray g, float c) {
    NDManager m = g.getManager();
    // 0-dimensional bounds made by libtorch: DJL's clip(Number, Number) copies each scalar
    // through a fresh direct buffer.
    try (NDArray lo = m.full(new Shape(), -c);
        NDArray hi = m.full(new Shape(), c);
        NDArray low = g.maximum(lo)) {
      return low.minimum(hi);
    }
  }

  /** Magic first bytes of a saved Adam state (see {@link #save}). */
  private static final String STATE_MAGIC = "SDLGM-ADAM-1";

  /**
   * Writes the fused update's state — its step count and both moments of every parameter —
   * atomically to {@code file}, so that a resumed run continues exactly where this one was. Does
   * nothing for DJL's Adam, whose state DJL keeps to itself.
   */
  public void save(Path file) {
    checkOpen();
    if (mean == null) {
      // A state left by an earlier fused run must not be restored into this one's resume.
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot delete stale " + file, e);
      }
      return;
    }
    AtomicFiles.write(
        file,
        os -> {
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
          out.writeUTF(STATE_MAGIC);
          out.writeInt(steps);
          out.writeInt(mean.length);
          for (int i = 0; i < mean.length; i++) {
            writeFloats(out, meanView[i]);
            writeFloats(out, varianceView[i]);
          }
          out.flush();
        });
  }

  /**
   * Restores a state written by {@link #save} for the same parameters. A missing file (a checkpoint
   * from DJL's Adam, or from before states were saved) leaves the moments at zero.
   */
  public void load(Path file) {
    checkOpen();
    if (mean == null || !Files.isRegularFile(file)) {
      return;
    }
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      if (!STATE_MAGIC.equals(in.readUTF())) {
        throw new SdlgmException(file + ": not an Adam state written by sdlgm");
      }
      int savedSteps = in.readInt();
      int count = in.readInt();
      if (count != mean.length) {
        throw new SdlgmException(
            file + ": Adam state for " + count + " parameters, the model has " + mean.length);
      }
      // Read everything before changing anything: a bad file leaves the moments as they were.
      float[][] m = new float[count][];
      float[][] v = new float[count][];
      for (int i = 0; i < count; i++) {
        m[i] = readFloats(in, meanView[i].capacity(), file);
        v[i] = readFloats(in, varianceView[i].capacity(), file);
      }
      for (int i = 0; i < count; i++) {
        meanView[i].put(0, m[i]);
        varianceView[i].put(0, v[i]);
      }
      steps = savedSteps;
    } catch (IOException e) {
      throw new SdlgmException(file + ": unreadable Adam state (" + e.getMessage() + ")", e);
    }
  }

  private static void writeFloats(DataOutputStream out, FloatBuffer values) throws IOException {
    int n = values.capacity();
    out.writeInt(n);
    float[] chunk = new float[Math.min(n, CHUNK)];
    for (int from = 0; from < n; from += chunk.length) {
      int len = Math.min(chunk.length, n - from);
      values.get(from, chunk, 0, len);
      for (int j = 0; j < len; j++) {
        out.writeFloat(chunk[j]);
      }
    }
  }

  private static float[] readFloats(DataInputStream in, int size, Path file) throws IOException {
    int n = in.readInt();
    if (n != size) {
      throw new SdlgmException(
          file + ": Adam state of " + n + " values for a parameter of " + size);
    }
    float[] values = new float[n];
    for (int j = 0; j < n; j++) {
      values[j] = in.readFloat();
    }
    return values;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this AdamUpdates is closed");
    }
  }

  /** Frees the moments of the fused update. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (mean != null) {
      for (int i = 0; i < mean.length; i++) {
        mean[i].close();
        variance[i].close();
      }
    }
  }

  /** Zeroes every gradient without updating (a step whose gradient was not finite). */
  public void discard() {
    for (Parameter p : trainable) {
      JniUtils.zeroGrad((PtNDArray) p.getArray());
    }
  }
}
