package org.sdlgm.spark;

import java.nio.file.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sdlgm.SdlgmException;

/**
 * What {@link SparseEncoder} and {@link SparseTagger} share: the model directory read and checked
 * on the driver, its broadcast (made once per Spark context and reused by later transforms, so that
 * repeated calls do not send the files again), and the checks of their builders' options.
 */
final class ShippedModel {
  private final ModelBundle bundle;
  private Broadcast<ModelBundle> shipped;
  private SparkContext shippedTo;

  /**
   * Reads {@code model}, which must hold a model of {@code kind}.
   *
   * @throws SdlgmException as {@link ModelBundle#read}, or when the model is of the other kind
   */
  ShippedModel(Path model, ModelBundle.Kind kind) {
    this.bundle = ModelBundle.read(model);
    if (bundle.kind() != kind) {
      throw new SdlgmException(
          model
              + (kind == ModelBundle.Kind.ENCODER
                  ? ": is a multi-label model; use SparseTagger with it"
                  : ": is an unsupervised model; use SparseEncoder with it"));
    }
  }

  /** The bundle's fingerprint: with a coder's level inference, the key of the executors' cache. */
  String fingerprint() {
    return bundle.fingerprint();
  }

  /** The model's broadcast on {@code sc}. */
  synchronized Broadcast<ModelBundle> on(SparkContext sc) {
    if (shipped == null || shippedTo != sc || sc.isStopped()) {
      shipped = JavaSparkContext.fromSparkContext(sc).broadcast(bundle);
      shippedTo = sc;
    }
    return shipped;
  }

  /** The CPUs of the running task ({@code spark.task.cpus}), 1 outside a task. */
  static int taskCpus() {
    TaskContext task = TaskContext.get();
    return task == null ? 1 : task.cpus();
  }

  /** {@code c}, checked as the name of the {@code what} column. */
  static String columnName(String c, String what) {
    if (c == null || c.isBlank()) {
      throw new SdlgmException("the " + what + " column name must not be empty");
    }
    return c;
  }

  /** {@code b}, checked as rows per forward pass. */
  static int batchSize(int b) {
    if (b < 1) {
      throw new SdlgmException("batch size must be ≥ 1, got " + b);
    }
    return b;
  }

  /** {@code a} as the values of a Spark {@code array<float>}. */
  static Float[] boxed(float[] a) {
    Float[] b = new Float[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i];
    }
    return b;
  }
}
