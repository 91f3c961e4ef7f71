package org.sdlgm.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.broadcast.Broadcast;
import org.sdlgm.SdlgmRuntime;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.MultiLabelSchema;
import org.sdlgm.model.LevelInference;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;

/**
 * The models loaded in this JVM, by bundle fingerprint (and, for an unsupervised model, the level
 * inference it encodes with): every task of an executor (and every later job or transform with the
 * same model and mode) shares one loaded model, so a model is read and its native parameters
 * allocated once per executor JVM and mode, not per partition or row. The models live until {@link
 * #clear} (or the JVM's end); they are only read, by concurrent tasks.
 *
 * <p>The first load also configures the runtime of the executor JVM before libtorch starts: DJL
 * offline, and libtorch's threads per task from the task's CPUs ({@code spark.task.cpus}, 1 by
 * default), so that an executor with C cores runs C single-threaded tasks instead of C tasks each
 * spawning C libtorch threads. A JVM whose thread count was set already (a test JVM, a caller that
 * configured {@link SdlgmRuntime} itself) keeps its setting.
 */
public final class ExecutorModels {
  private static final Map<String, Object> MODELS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();
  private static volatile boolean configured;

  private ExecutorModels() {}

  /** A loaded multi-label model (with the feature preprocessing it was trained with inside). */
  public record LoadedTagger(ModelInfo<TaggerConfig, MultiLabelSchema> info, Tagger tagger) {}

  /**
   * The unsupervised model of {@code bundle}, encoding with {@code inference} whatever mode its
   * {@code config.json} gives, loading it on first use in this JVM.
   */
  static SparseCoder coder(
      String fingerprint, LevelInference inference, Broadcast<ModelBundle> bundle, int taskCpus) {
    // The mode is part of the key: the coder reads it from its config when it encodes, so a coder
    // loaded for one mode must not serve a job that asked for another.
    return (SparseCoder)
        get(
            fingerprint + "/" + inference.id(),
            bundle,
            dir -> {
              ModelInfo<SdlgmConfig, DataSchema> info = ModelDirectory.readCoderInfo(dir);
              return ModelDirectory.loadCoder(
                  dir, info.withModel(info.model().withLevelInference(inference)));
            },
            taskCpus);
  }

  /** The multi-label model of {@code bundle}, loading it on first use in this JVM. */
  static LoadedTagger tagger(String fingerprint, Broadcast<ModelBundle> bundle, int taskCpus) {
    return (LoadedTagger)
        get(
            fingerprint,
            bundle,
            dir -> {
              ModelInfo<TaggerConfig, MultiLabelSchema> info = ModelDirectory.readTaggerInfo(dir);
              return new LoadedTagger(info, ModelDirectory.loadTagger(dir, info));
            },
            taskCpus);
  }

  /**
   * The model cached under {@code key}; on first use in this JVM, {@code load} reads it from a
   * temporary copy of {@code bundle}'s files, deleted after loading.
   */
  private static Object get(
      String key, Broadcast<ModelBundle> bundle, Function<Path, Object> load, int taskCpus) {
    return get(
        key,
        () -> {
          Path dir = bundle.value().materialize();
          try {
            return load.apply(dir);
          } finally {
            delete(dir);
          }
        },
        taskCpus);
  }

  private static Object get(String key, Supplier<Object> load, int taskCpus) {
    Object m = MODELS.get(key);
    if (m != null) {
      return m;
    }
    // One load per key: tasks that arrive meanwhile wait for it rather than load twice.
    synchronized (ExecutorModels.class) {
      m = MODELS.get(key);
      if (m == null) {
        configure(taskCpus);
        m = load.get();
        LOADS.incrementAndGet();
        MODELS.put(key, m);
      }
      return m;
    }
  }

  /** Sets offline mode and per-task threads once, before this JVM's first model load. */
  private static void configure(int taskCpus) {
    if (configured) {
      return;
    }
    // DJL reads these as environment variables or system properties; an executor's environment
    // is the cluster's, so the properties make sure it stays offline.
    System.setProperty("ai.djl.offline", "true");
    if (System.getProperty("DJL_OFFLINE") == null) {
      System.setProperty("DJL_OFFLINE", "true");
    }
    if (System.getProperty("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      SdlgmRuntime.configure(Math.max(1, taskCpus));
    }
    configured = true;
  }

  /** How many models this JVM has loaded since it started (or since {@link #clear}). */
  public static int loads() {
    return LOADS.get();
  }

  /** Closes and forgets every loaded model (tests; a driver that is done with its models). */
  public static synchronized void clear() {
    for (Object m : List.copyOf(MODELS.values())) {
      if (m instanceof SparseCoder c) {
        c.close();
      } else if (m instanceof LoadedTagger t) {
        t.tagger().close();
      }
    }
    MODELS.clear();
    LOADS.set(0);
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover temporary copy is harmless; the model is already in memory.
    }
  }
}
