package org.sdlgm.eval;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import java.util.Random;
import org.sdlgm.engine.LibTorch;

/**
 * Linear probe of learned codes: a multinomial logistic (softmax) regression trained with DJL
 * (PyTorch engine, Adam, L2 weight decay) on train codes and scored on test codes, the standard
 * measure of how linearly decodable class information is from a representation. Features are
 * standardised with the train mean and standard deviation, because raw code magnitudes vary per
 * dimension and would otherwise make a fixed learning rate ill-suited; a dimension whose train
 * standard deviation is at most 1e-6 (constant, e.g. never active in the train codes) is only
 * centred, as scikit-learn's StandardScaler does — dividing by a floor of 1e-6 would blow any test
 * value of it up by a million, and its weight, which training never moved but for weight decay,
 * would decide the test predictions. Inputs are flat row-major {@code n × dim} arrays. Training
 * runs on the calling thread only (DJL allows one open gradient collector per JVM, and its executor
 * path is unreliable), and it temporarily sets libtorch's process-wide intra-op thread count (see
 * {@link Options}), so do not run other libtorch work concurrently. Runs with the same seed give
 * identical results.
 */
public final class LinearProbe {
  /** Rows per evaluation forward pass: bounds native memory without many tiny calls. */
  private static final int EVAL_CHUNK = 8192;

  private static final double STD_FLOOR = 1e-6;

  private LinearProbe() {}

  /**
   * Training settings. {@link #defaults()} gives 30 epochs, batch 256, Adam learning rate 0.01,
   * weight decay 1e-4, seed 42 and 1 libtorch intra-op thread; the {@code withX} methods return
   * modified copies. {@code threads} is the libtorch intra-op thread count used while the probe
   * runs (0 keeps the engine's setting). It defaults to 1 because the probe's matrices are tiny:
   * measured on 2 shared, busy cores (60000×200, 10 classes, 10 epochs), 1 thread took a steady 2.2
   * s while 2 threads took 3.2 s in one run and 91 s in the next, as spinning OpenMP workers fought
   * other processes; results were identical.
   */
  public record Options(
      int epochs, int batchSize, double learningRate, double weightDecay, long seed, int threads) {
    public Options {
      if (epochs < 0) {
        throw new IllegalArgumentException("epochs must be >= 0: " + epochs);
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize);
      }
      if (!(learningRate > 0)) {
        throw new IllegalArgumentException("learningRate must be > 0: " + learningRate);
      }
      if (!(weightDecay >= 0)) {
        throw new IllegalArgumentException("weightDecay must be >= 0: " + weightDecay);
      }
      if (threads < 0) {
        throw new IllegalArgumentException("threads must be >= 0: " + threads);
      }
    }

    public static Options defaults() {
      return new Options(30, 256, 0.01, 1e-4, 42L, 1);
    }

    public Options withEpochs(int v) {
      return new Options(v, batchSize, learningRate, weightDecay, seed, threads);
    }

    public Options withBatchSize(int v) {
      return new Options(epochs, v, learningRate, weightDecay, seed, threads);
    }

    public Options withLearningRate(double v) {
      return new Options(epochs, batchSize, v, weightDecay, seed, threads);
    }

    public Options withWeightDecay(double v) {
      return new Options(epochs, batchSize, learningRate, v, seed, threads);
    }

    public Options withSeed(long v) {
      return new Options(epochs, batchSize, learningRate, weightDecay, v, threads);
    }

    public Options withThreads(int v) {
      return new Options(epochs, batchSize, learningRate, weightDecay, seed, v);
    }
  }

  /**
   * Train on ({@code trainX}, {@code trainY}) and report train and test accuracy. Labels must be
   * non-negative; {@code trainX.length == trainY.length * dim} and likewise for test.
   */
  @SuppressWarnings("try") // the thread setting is a scope; its body need not name it
  public static LinearProbeResult fit(
      float[] trainX, int[] trainY, float[] testX, int[] testY, int dim, Options opts) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1: " + dim);
    }
    checkShape("train", trainX, trainY, dim);
    checkShape("test", testX, testY, dim);
    if (trainY.length == 0) {
      throw new IllegalArgumentException("empty training set");
    }
    int numClasses = Math.max(maxLabel(trainY), maxLabel(testY)) + 1;
    if (numClasses == 1) {
      // Only class 0 exists: every prediction is right, and there is nothing to learn (every
      // gradient of a one-class softmax is exactly zero).
      return new LinearProbeResult(1.0, testY.length == 0 ? Double.NaN : 1.0, 1);
    }

    float[][] standardised = standardise(trainX, testX, trainY.length, dim);
    float[] xTrain = standardised[0];
    float[] xTest = standardised[1];

    Engine engine = Engine.getInstance();
    // libtorch's thread count set by a thread becomes the process-wide default too: set it for
    // this probe only, restore after.
    try (LibTorch.Setting threads = LibTorch.threads(opts.threads())) {
      return train(engine, xTrain, trainY, xTest, testY, dim, numClasses, opts);
    }
  }

  private static LinearProbeResult train(
      Engine engine,
      float[] xTrain,
      int[] trainY,
      float[] xTest,
      int[] testY,
      int dim,
      int numClasses,
      Options opts) {
    // Seeds libtorch (Xavier initialisation of the weights) and DJL's Java-side RNG; the
    // engine takes an int, so only the low 32 bits of the seed reach it.
    engine.setRandomSeed((int) opts.seed());
    Optimizer adam =
        Optimizer.adam()
            .optLearningRateTracker(Tracker.fixed((float) opts.learningRate()))
            .optWeightDecays((float) opts.weightDecay())
            .build();
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optOptimizer(adam)
            .optDevices(new Device[] {Device.cpu()});

    try (Model model = Model.newInstance("linear-probe", Device.cpu())) {
      model.setBlock(Linear.builder().setUnits(numClasses).build());
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(opts.batchSize(), dim));
        runEpochs(trainer, adam, xTrain, trainY, dim, opts);
        double trainAcc = accuracy(trainer, xTrain, trainY, dim);
        double testAcc = testY.length == 0 ? Double.NaN : accuracy(trainer, xTest, testY, dim);
        return new LinearProbeResult(trainAcc, testAcc, numClasses);
      }
    }
  }

  private static void runEpochs(
      Trainer trainer, Optimizer adam, float[] x, int[] y, int dim, Options opts) {
    List<Parameter> params =
        trainer.getModel().getBlock().getParameters().values().stream()
            .filter(Parameter::requiresGradient)
            .toList();
    int n = y.length;
    int bs = Math.min(opts.batchSize(), n);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random rng = new Random(opts.seed());
    // Batch buffers are reused across steps; only the NDArrays are per step.
    float[] bx = new float[bs * dim];
    float[] by = new float[bs];
    NDManager root = trainer.getManager();
    for (int epoch = 0; epoch < opts.epochs(); epoch++) {
      shuffle(order, rng);
      for (int start = 0; start < n; start += bs) {
        int m = Math.min(bs, n - start);
        for (int r = 0; r < m; r++) {
          int src = order[start + r];
          System.arraycopy(x, src * dim, bx, r * dim, dim);
          by[r] = y[src];
        }
        // Every per-step array (inputs, activations, loss) lives in this sub-manager, so
        // nothing accumulates in the trainer's manager across thousands of steps.
        try (NDManager step = root.newSubManager()) {
          NDArray xb = step.create(java.nio.FloatBuffer.wrap(bx, 0, m * dim), new Shape(m, dim));
          NDArray yb = step.create(java.nio.FloatBuffer.wrap(by, 0, m), new Shape(m));
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDArray logits = trainer.forward(new NDList(xb)).singletonOrThrow();
            NDArray loss = trainer.getLoss().evaluate(new NDList(yb), new NDList(logits));
            gc.backward(loss);
          }
          update(params, adam);
        }
      }
    }
  }

  /**
   * One Adam step on every parameter; the optimizer zeroes each gradient it has applied. This is
   * what {@link Trainer#step()} does (its parameter server passes a copy of each gradient, as here)
   * without the check it makes on the first step: it takes a sum of all gradients equal to 0 for a
   * missing {@code backward()} and throws, but a softmax cross-entropy gradient sums to 0 over the
   * classes (Σ_c (p_c − y_c) = 0 for the bias and for every weight column), so that sum is 0 up to
   * rounding on every step and exactly 0 whenever the rounding cancels (two symmetric classes).
   */
  private static void update(List<Parameter> params, Optimizer adam) {
    for (Parameter p : params) {
      NDArray w = p.getArray();
      try (NDArray grad = w.getGradient();
          NDArray g = grad.duplicate()) {
        adam.update(p.getId(), w, g);
      }
    }
  }

  private static double accuracy(Trainer trainer, float[] x, int[] y, int dim) {
    int n = y.length;
    long correct = 0;
    NDManager root = trainer.getManager();
    for (int start = 0; start < n; start += EVAL_CHUNK) {
      int m = Math.min(EVAL_CHUNK, n - start);
      try (NDManager chunk = root.newSubManager()) {
        NDArray xb =
            chunk.create(java.nio.FloatBuffer.wrap(x, start * dim, m * dim), new Shape(m, dim));
        NDArray logits = trainer.evaluate(new NDList(xb)).singletonOrThrow();
        // One bulk conversion per chunk (scalar getters in loops leak on PyTorch).
        int[] pred = logits.argMax(1).toType(DataType.INT32, false).toIntArray();
        for (int r = 0; r < m; r++) {
          if (pred[r] == y[start + r]) {
            correct++;
          }
        }
      }
    }
    return correct / (double) n;
  }

  /** Returns {train, test} standardised with the train per-feature mean and std. */
  private static float[][] standardise(float[] train, float[] test, int n, int dim) {
    double[] mean = new double[dim];
    double[] var = new double[dim];
    for (int i = 0; i < n; i++) {
      int off = i * dim;
      for (int d = 0; d < dim; d++) {
        mean[d] += train[off + d];
      }
    }
    for (int d = 0; d < dim; d++) {
      mean[d] /= n;
    }
    for (int i = 0; i < n; i++) {
      int off = i * dim;
      for (int d = 0; d < dim; d++) {
        double dv = train[off + d] - mean[d];
        var[d] += dv * dv;
      }
    }
    double[] inv = new double[dim];
    for (int d = 0; d < dim; d++) {
      double std = Math.sqrt(var[d] / n);
      inv[d] = std > STD_FLOOR ? 1.0 / std : 1.0;
    }
    return new float[][] {apply(train, mean, inv, dim), apply(test, mean, inv, dim)};
  }

  private static float[] apply(float[] x, double[] mean, double[] inv, int dim) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      int d = i % dim;
      out[i] = (float) ((x[i] - mean[d]) * inv[d]);
    }
    return out;
  }

  private static void shuffle(int[] a, Random rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static void checkShape(String what, float[] x, int[] y, int dim) {
    if ((long) y.length * dim != x.length) {
      throw new IllegalArgumentException(
          what + " features have " + x.length + " values, expected " + y.length + " × " + dim);
    }
  }

  private static int maxLabel(int[] y) {
    int max = -1;
    for (int v : y) {
      if (v < 0) {
        throw new IllegalArgumentException("negative label: " + v);
      }
      max = Math.max(max, v);
    }
    return max;
  }
}
