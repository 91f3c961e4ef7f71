package org.sdlgm.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.InputScaling;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.util.AtomicFiles;

/**
 * The on-disk form of a trained model: a directory with {@code config.json} ({@link ModelInfo}),
 * {@code model.params} (DJL's parameter format), {@code scaling.json} (the {@link InputScaling}
 * fitted on the training rows; absent in directories written before it existed, which means none),
 * {@code history.csv} (one row per epoch) and, after evaluation, {@code metrics.json}. Every file
 * is written atomically; loading checks the format version and names any missing or unreadable
 * file.
 */
public final class ModelDirectory {
  /** Value of {@link ModelInfo#format()}. */
  public static final String FORMAT = "sdlgm-model";

  /** The format version this library writes and reads. */
  public static final int FORMAT_VERSION = 1;

  public static final String CONFIG = "config.json";
  public static final String PARAMS = "model.params";
  public static final String HISTORY = "history.csv";
  public static final String METRICS = "metrics.json";
  public static final String SCALING = "scaling.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelDirectory() {}

  /** The shared JSON mapper (indenting; records and enums as the library defines them). */
  public static ObjectMapper json() {
    return JSON;
  }

  /** Serialises a value as indented JSON. */
  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Writes a model trained from a program into {@code dir}: its configuration, parameters, input
   * scaling and history, with the metadata the CLI records built here — the data schema of {@code
   * train} (its name stands for the data spec, which a later {@code sdlgm eval} cannot reload) and
   * the current library and engine versions.
   */
  public static void save(
      Path dir, SparseCoder coder, TrainConfig training, Dataset train, List<EpochRecord> history) {
    DataSchema schema =
        DataSchema.of(new DataPlan(train.name(), null, 0, training.seed()), train, null, null);
    ModelInfo info =
        new ModelInfo(
            FORMAT,
            FORMAT_VERSION,
            coder.config(),
            training,
            schema,
            Provenance.current(List.of()));
    save(dir, info, coder, coder.inputScaling(), history);
  }

  /**
   * Writes config, parameters and history of a trained model into {@code dir}, without a scaling
   * file (the model takes its rows as they are).
   */
  public static void save(Path dir, ModelInfo info, SparseCoder coder, List<EpochRecord> history) {
    save(dir, info, coder, null, history);
  }

  /**
   * Writes config, parameters, input scaling (unless null) and history of a trained model into
   * {@code dir}.
   */
  public static void save(
      Path dir,
      ModelInfo info,
      SparseCoder coder,
      InputScaling scaling,
      List<EpochRecord> history) {
    retirePrevious(dir);
    coder.saveParameters(dir.resolve(PARAMS));
    if (scaling != null) {
      writeScaling(dir, scaling);
    }
    writeHistory(dir.resolve(HISTORY), history);
    // config.json last: its presence marks a complete model directory.
    AtomicFiles.writeString(dir.resolve(CONFIG), toJson(info));
  }

  /**
   * Before new parameters are written over a model (a resumed run finishing): removes what
   * describes the previous ones — {@code config.json} first, so that a crash during the save leaves
   * a folder that loading refuses rather than new parameters under the old description, then {@code
   * metrics.json} and {@code report/}, which the new run writes again if asked to.
   */
  static void retirePrevious(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve(CONFIG));
      AtomicFiles.syncFolder(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot replace " + dir.resolve(CONFIG) + ": " + e.getMessage(), e);
    }
    AtomicFiles.deleteTree(dir.resolve(METRICS));
    AtomicFiles.deleteTree(dir.resolve("report"));
  }

  /** Writes {@code history.csv}. */
  public static void writeHistory(Path file, List<EpochRecord> history) {
    EpochRecord.writeCsv(file, history);
  }

  /** Writes any JSON-serialisable metrics object to {@code dir/metrics.json}. */
  public static void writeMetrics(Path dir, Object metrics) {
    AtomicFiles.writeString(dir.resolve(METRICS), toJson(metrics));
  }

  /**
   * Reads {@code config.json} of a model directory as a JSON tree, with clear errors when the
   * directory or file is missing or unreadable. Its {@code format} field says which kind of model
   * the directory holds ({@link #FORMAT} or {@link TaggerDirectory#FORMAT}).
   */
  public static com.fasterxml.jackson.databind.JsonNode readConfigTree(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new SdlgmException(dir + ": model directory does not exist");
    }
    Path config = dir.resolve(CONFIG);
    if (!Files.isRegularFile(config)) {
      throw new SdlgmException(
          config + ": missing — is " + dir + " a model directory written by 'sdlgm train'?");
    }
    try {
      return JSON.readTree(Files.readString(config, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SdlgmException(config + ": cannot read (" + getOriginalMessage(e) + ")", e);
    }
  }

  /** The {@code format} field of a model directory's {@code config.json}. */
  public static String formatOf(Path dir) {
    return readConfigTree(dir).path("format").asText("");
  }

  /** Reads and checks {@code config.json} of a model directory. */
  public static ModelInfo readInfo(Path dir) {
    var node = readConfigTree(dir);
    Path config = dir.resolve(CONFIG);
    String format = node.path("format").asText("");
    int version = node.path("formatVersion").asInt(-1);
    if (TaggerDirectory.FORMAT.equals(format)) {
      throw new SdlgmException(
          config
              + ": this is a multi-label model (format '"
              + format
              + "'); use 'sdlgm predict' or 'sdlgm eval' with it");
    }
    if (!FORMAT.equals(format)) {
      throw new SdlgmException(
          config + ": field 'format' is '" + format + "', expected '" + FORMAT + "'");
    }
    if (version != FORMAT_VERSION) {
      throw new SdlgmException(
          config
              + ": model format version "
              + version
              + ", but this sdlgm ("
              + Provenance.libraryVersion()
              + ") reads version "
              + FORMAT_VERSION
              + "; retrain the model or use the matching sdlgm release");
    }
    try {
      return JSON.treeToValue(node, ModelInfo.class);
    } catch (IOException e) {
      throw new SdlgmException(config + ": cannot read (" + getOriginalMessage(e) + ")", e);
    }
  }

  /** Writes {@code dir/scaling.json} atomically. */
  public static void writeScaling(Path dir, InputScaling scaling) {
    AtomicFiles.writeString(dir.resolve(SCALING), toJson(scaling));
  }

  /**
   * The input scaling of a model directory: {@code scaling.json}, or none when the file is absent
   * (directories written before scaling existed). Fails, naming the file, when it cannot be read or
   * was fitted on another number of columns than the model takes.
   */
  public static InputScaling readScaling(Path dir, ModelInfo info) {
    return readScaling(dir, info.model().inputDim());
  }

  /** As {@link #readScaling(Path, ModelInfo)}, for a model that takes {@code d} columns. */
  public static InputScaling readScaling(Path dir, int d) {
    Path f = dir.resolve(SCALING);
    if (!Files.exists(f)) {
      return InputScaling.none(d);
    }
    InputScaling s;
    try {
      s = JSON.readValue(Files.readString(f, StandardCharsets.UTF_8), InputScaling.class);
    } catch (IOException | IllegalArgumentException e) {
      String why = e instanceof IOException io ? getOriginalMessage(io) : e.getMessage();
      throw new SdlgmException(f + ": cannot read (" + why + ")", e);
    }
    if (s == null || s.dim() != d) {
      throw new SdlgmException(
          f + ": scaling for " + (s == null ? 0 : s.dim()) + " columns, but the model takes " + d);
    }
    return s;
  }

  /**
   * Loads the model of a directory; its {@link SparseCoder#encode} scales raw rows of the training
   * source with the directory's input scaling. Close the returned coder when done.
   */
  public static SparseCoder load(Path dir) {
    return load(dir, readInfo(dir));
  }

  /**
   * Loads the model of a directory whose {@code config.json} was already read; as {@link
   * #load(Path)}, encoding applies the directory's input scaling.
   */
  public static SparseCoder load(Path dir, ModelInfo info) {
    checkParams(dir, info);
    return SparseCoder.load(info.model(), params(dir), readScaling(dir, info));
  }

  /**
   * Fails, naming both files, when {@code model.params} is not the parameter file of the model
   * {@code config.json} describes: its size must be exactly that of the parameters of a model built
   * from the configuration (DJL stores names, shapes and values, so any other shape or a truncated
   * file has another size). Builds such a model, which draws from the engine's random generator:
   * callers that seed it for reproducible numbers check before seeding.
   */
  public static void checkParams(Path dir, ModelInfo info) {
    Path params = params(dir);
    long expected;
    try (SparseCoder reference = SparseCoder.create(info.model())) {
      expected =
          serializedSize(out -> reference.block().saveParameters((java.io.DataOutputStream) out));
    }
    checkSize(
        params,
        expected,
        dir.resolve(CONFIG),
        "K "
            + info.model().latentDim()
            + ", L0 "
            + info.model().maxLevel()
            + ", "
            + info.model().inputDim()
            + " features, encoder "
            + info.model().encoderHidden());
  }

  /** Bytes a parameter writer produces. */
  static long serializedSize(AtomicFiles.Writer writer) {
    long[] n = new long[1];
    java.io.OutputStream counter =
        new java.io.OutputStream() {
          @Override
          public void write(int b) {
            n[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            n[0] += len;
          }
        };
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(counter)) {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n[0];
  }

  static void checkSize(Path params, long expected, Path config, String model) {
    long actual;
    try {
      actual = Files.size(params);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + params + ": " + e.getMessage(), e);
    }
    if (actual != expected) {
      throw new SdlgmException(
          params
              + ": "
              + actual
              + " bytes, but the model "
              + config
              + " describes ("
              + model
              + ") has "
              + expected
              + " bytes of parameters; the file is "
              + (actual < expected ? "truncated or " : "")
              + "from another configuration");
    }
  }

  /**
   * Loads the model without its input scaling: for code that scales the rows itself, with {@link
   * #readScaling}, because it also compares them with reconstructions or feeds them to the network
   * directly (evaluation, reports). Encoding then expects scaled rows. Does not {@link
   * #checkParams} (which would draw random numbers after a caller seeded): call it first.
   */
  public static SparseCoder loadForScaledRows(Path dir, ModelInfo info) {
    return SparseCoder.load(info.model(), params(dir));
  }

  private static Path params(Path dir) {
    Path params = dir.resolve(PARAMS);
    if (!Files.isRegularFile(params)) {
      throw new SdlgmException(params + ": parameter file is missing");
    }
    return params;
  }

  /**
   * Checks, before any work starts, that {@code dir} could receive a new model: it must not be a
   * file, and unless {@code overwrite} is set it must not hold a model or checkpoint. A cheap first
   * check without the lock; {@link #checkRun} decides under the {@link RunLock}.
   */
  public static void checkWritable(Path dir, boolean overwrite) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new SdlgmException(
          dir + ": exists and is a file, not a directory; choose another --out");
    }
    if (Files.exists(dir)
        && !overwrite
        && (Files.exists(dir.resolve(CONFIG)) || Checkpoint.exists(dir))) {
      throw notEmpty(dir);
    }
  }

  /**
   * The names sdlgm writes into a model folder: everything else there is the user's, and never
   * deleted. Temporary files of interrupted writes ({@link AtomicFiles#isTemporary}) are sdlgm's
   * too.
   */
  public static final java.util.Set<String> OWNED =
      java.util.Set.of(
          CONFIG,
          PARAMS,
          HISTORY,
          METRICS,
          SCALING,
          TaggerDirectory.FEATURES,
          RunLock.FILE,
          Checkpoint.DIR,
          Checkpoint.NEW,
          Checkpoint.OLD,
          "report");

  /**
   * Decides, with the folder's {@link RunLock} held and before anything is deleted or loaded,
   * whether a run may write {@code dir}: recovers a checkpoint a crash left between renames and
   * deletes stale temporary files, then refuses (one message) a folder holding files sdlgm did not
   * write, and a folder holding a model or checkpoint unless {@code overwrite} or {@code resume}. A
   * folder left by a run stopped before its first checkpoint holds nothing worth keeping and is
   * reused. Returns whether {@link #clearForRun} has anything to delete.
   */
  public static boolean checkRun(Path dir, boolean overwrite, boolean resume) {
    if (overwrite && resume) {
      throw new SdlgmException(
          "--resume continues the model in "
              + dir
              + ", --overwrite "
              + "replaces it; give one of them");
    }
    Checkpoint.recover(dir);
    AtomicFiles.deleteStale(dir);
    java.util.List<String> names = entries(dir);
    names.remove(RunLock.FILE);
    java.util.Optional<String> foreign = names.stream().filter(n -> !OWNED.contains(n)).findFirst();
    if (foreign.isPresent()) {
      if (resume) {
        return false; // the user's files beside a model being continued stay untouched
      }
      throw new SdlgmException(
          dir
              + ": holds '"
              + foreign.get()
              + "', which sdlgm did not "
              + "write; "
              + (overwrite ? "--overwrite only replaces a model folder's own files, " : "")
              + "move your files away or choose another --out");
    }
    if (resume || names.isEmpty()) {
      return false;
    }
    boolean valuable = names.contains(CONFIG) || names.contains(Checkpoint.DIR);
    if (valuable && !overwrite) {
      throw notEmpty(dir);
    }
    return true;
  }

  /**
   * Deletes every file and folder sdlgm owns in {@code dir} (see {@link #OWNED}) but the lock, so
   * that a new model is not mixed with what the previous one left ({@code metrics.json}, {@code
   * report/}, …). Only after {@link #checkRun} and with the {@link RunLock} held.
   */
  public static void clearForRun(Path dir) {
    for (String n : entries(dir)) {
      if (!n.equals(RunLock.FILE) && (OWNED.contains(n) || AtomicFiles.isTemporary(n))) {
        AtomicFiles.deleteTree(dir.resolve(n));
      }
    }
  }

  private static SdlgmException notEmpty(Path dir) {
    return new SdlgmException(
        dir
            + ": output directory exists and is not empty; use "
            + "--overwrite to replace the model in it (or --resume to continue its training)");
  }

  /** The names in a folder (empty if it does not exist). */
  private static java.util.List<String> entries(Path dir) {
    if (!Files.isDirectory(dir)) {
      return new java.util.ArrayList<>();
    }
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .sorted()
          .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Jackson's message without its location suffix. */
  private static String getOriginalMessage(IOException e) {
    return e instanceof com.fasterxml.jackson.core.JsonProcessingException j
        ? j.getOriginalMessage()
        : e.getMessage();
  }
}
