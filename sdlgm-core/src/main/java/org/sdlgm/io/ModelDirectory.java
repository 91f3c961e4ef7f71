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
import org.sdlgm.data.Preprocessing;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.model.Parameters;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.TrainedModel;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.util.AtomicFiles;

/**
 * The on-disk form of a trained model of either task, one layout for both: a directory with {@code
 * config.json} ({@link ModelInfo}: kind, resolved configuration, training settings, data schema,
 * provenance), {@code model.params} (the {@link Parameters} format), the fitted preprocessing —
 * {@code scaling.json} for a coder's {@link InputScaling} (absent in directories written before it
 * existed, which means none), {@code features.json} for a tagger's {@link FeatureTransform} —
 * {@code history.csv} (one {@link EpochRecord} per epoch) and, after evaluation, {@code
 * metrics.json}. Every file is written atomically, {@code config.json} last; loading checks the
 * kind and format version and names any missing or unreadable file. {@link #load(Path)} loads
 * either kind, {@link #loadCoder} and {@link #loadTagger} one of them.
 */
public final class ModelDirectory {
  /** Value of {@link ModelInfo#format()} for an unsupervised model ({@link SparseCoder#FORMAT}). */
  public static final String FORMAT = SparseCoder.FORMAT;

  /** Value of {@link ModelInfo#format()} for a multi-label model ({@link Tagger#FORMAT}). */
  public static final String TAGGER_FORMAT = Tagger.FORMAT;

  /** The format version this library writes and reads (both kinds). */
  public static final int FORMAT_VERSION = 1;

  public static final String CONFIG = "config.json";
  public static final String PARAMS = "model.params";
  public static final String HISTORY = "history.csv";
  public static final String METRICS = "metrics.json";
  public static final String SCALING = "scaling.json";
  public static final String FEATURES = "features.json";

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
    save(
        dir,
        ModelInfo.of(coder.config(), training, schema, Provenance.current(List.of())),
        coder,
        history);
  }

  /**
   * Writes a trained model of either kind into {@code dir}, in the one layout: parameters, the
   * model's fitted preprocessing (into {@value #SCALING} or {@value #FEATURES} by its kind), the
   * history and, last, {@code config.json} from {@code info}, whose kind must be the model's.
   */
  public static void save(
      Path dir, ModelInfo<?, ?> info, TrainedModel<?> model, List<EpochRecord> history) {
    save(dir, info, model, model.preprocessing(), history);
  }

  /**
   * As {@link #save(Path, ModelInfo, TrainedModel, List)}, recording {@code preprocessing} as the
   * model's: for a model trained on rows its caller already preprocessed (the training workflow
   * scales every part once, up front), which holds none itself.
   */
  public static void save(
      Path dir,
      ModelInfo<?, ?> info,
      TrainedModel<?> model,
      Preprocessing preprocessing,
      List<EpochRecord> history) {
    if (!model.format().equals(info.format())) {
      throw new IllegalArgumentException(
          "a '" + model.format() + "' model described as '" + info.format() + "'");
    }
    retirePrevious(dir);
    model.saveParameters(dir.resolve(PARAMS));
    AtomicFiles.writeString(dir.resolve(preprocessingFile(model.format())), toJson(preprocessing));
    writeHistory(dir.resolve(HISTORY), history);
    // config.json last: its presence marks a complete model directory.
    AtomicFiles.writeString(dir.resolve(CONFIG), toJson(info));
  }

  /** The file that holds the fitted preprocessing of a model of kind {@code format}. */
  private static String preprocessingFile(String format) {
    return TAGGER_FORMAT.equals(format) ? FEATURES : SCALING;
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
   * the directory holds ({@link #FORMAT} or {@link #TAGGER_FORMAT}).
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

  /** Reads and checks {@code config.json} of a model directory of either kind. */
  public static ModelInfo<?, ?> readInfo(Path dir) {
    var node = readConfigTree(dir);
    return TAGGER_FORMAT.equals(node.path("format").asText(""))
        ? readInfo(dir, node, TAGGER_FORMAT, TaggerConfig.class, MultiLabelSchema.class)
        : readInfo(dir, node, FORMAT, SdlgmConfig.class, DataSchema.class);
  }

  /** Reads and checks {@code config.json} of an unsupervised model's directory. */
  public static ModelInfo<SdlgmConfig, DataSchema> readCoderInfo(Path dir) {
    return readInfo(dir, readConfigTree(dir), FORMAT, SdlgmConfig.class, DataSchema.class);
  }

  /** Reads and checks {@code config.json} of a multi-label model's directory. */
  public static ModelInfo<TaggerConfig, MultiLabelSchema> readTaggerInfo(Path dir) {
    return readInfo(
        dir, readConfigTree(dir), TAGGER_FORMAT, TaggerConfig.class, MultiLabelSchema.class);
  }

  /** {@code config.json} as a model of kind {@code format}, checked first for kind and version. */
  private static <C, D> ModelInfo<C, D> readInfo(
      Path dir,
      com.fasterxml.jackson.databind.JsonNode node,
      String format,
      Class<C> config,
      Class<D> schema) {
    Path file = dir.resolve(CONFIG);
    String found = node.path("format").asText("");
    int version = node.path("formatVersion").asInt(-1);
    boolean tagger = TAGGER_FORMAT.equals(format);
    if (!found.equals(format) && (found.equals(FORMAT) || found.equals(TAGGER_FORMAT))) {
      throw new SdlgmException(
          file
              + (tagger
                  ? ": this is an unsupervised model (format '"
                      + found
                      + "'); use 'sdlgm encode' or 'sdlgm eval' without multi-label options"
                  : ": this is a multi-label model (format '"
                      + found
                      + "'); use 'sdlgm predict' or 'sdlgm eval' with it"));
    }
    if (!found.equals(format)) {
      throw new SdlgmException(
          file + ": field 'format' is '" + found + "', expected '" + format + "'");
    }
    if (version != FORMAT_VERSION) {
      throw new SdlgmException(
          file
              + ": "
              + (tagger ? "multi-label " : "")
              + "model format version "
              + version
              + ", but this sdlgm ("
              + Provenance.libraryVersion()
              + ") reads version "
              + FORMAT_VERSION
              + "; retrain the model or use the matching sdlgm release");
    }
    try {
      return JSON.treeToValue(
          node, JSON.getTypeFactory().constructParametricType(ModelInfo.class, config, schema));
    } catch (IOException e) {
      throw new SdlgmException(file + ": cannot read (" + getOriginalMessage(e) + ")", e);
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
  public static InputScaling readScaling(Path dir, ModelInfo<SdlgmConfig, ?> info) {
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
   * The fitted feature preprocessing of a multi-label model directory ({@value #FEATURES}), which
   * must exist and match the model's feature count.
   */
  public static FeatureTransform readTransform(Path dir, ModelInfo<TaggerConfig, ?> info) {
    return readTransform(dir, info.model().numFeatures());
  }

  /** As {@link #readTransform(Path, ModelInfo)}, for a model of {@code numFeatures} features. */
  public static FeatureTransform readTransform(Path dir, int numFeatures) {
    Path f = dir.resolve(FEATURES);
    if (!Files.isRegularFile(f)) {
      throw new SdlgmException(
          f + ": missing — the model's feature preprocessing is needed to predict");
    }
    FeatureTransform t;
    try {
      t = JSON.readValue(Files.readString(f, StandardCharsets.UTF_8), FeatureTransform.class);
    } catch (IOException | IllegalArgumentException e) {
      // Jackson reports unreadable JSON as IOException, a record's own checks as the other.
      throw new SdlgmException(f + ": cannot read (" + e.getMessage() + ")", e);
    }
    if (t.numFeatures() != numFeatures) {
      throw new SdlgmException(
          f
              + ": preprocessing for "
              + t.numFeatures()
              + " features, but the model has "
              + numFeatures);
    }
    return t;
  }

  /**
   * The fitted preprocessing of a model directory of either kind, as {@link #readScaling} or {@link
   * #readTransform} reads it for the model {@code info} describes.
   */
  public static Preprocessing readPreprocessing(Path dir, ModelInfo<?, ?> info) {
    if (info.model() instanceof TaggerConfig c) {
      return readTransform(dir, c.numFeatures());
    }
    if (info.model() instanceof SdlgmConfig c) {
      return readScaling(dir, c.inputDim());
    }
    throw new IllegalArgumentException("no model of " + info.model());
  }

  /**
   * Loads the model of a directory of either kind, as its {@code config.json} says: a {@link
   * SparseCoder} or a {@link Tagger}, with its fitted preprocessing inside (it applies it to the
   * raw rows it is given). Close the returned model when done.
   */
  public static TrainedModel<?> load(Path dir) {
    return TAGGER_FORMAT.equals(formatOf(dir)) ? loadTagger(dir) : loadCoder(dir);
  }

  /**
   * Loads the unsupervised model of a directory; its {@link SparseCoder#encode} scales raw rows of
   * the training source with the directory's input scaling. Close the returned coder when done.
   */
  public static SparseCoder loadCoder(Path dir) {
    return loadCoder(dir, readCoderInfo(dir));
  }

  /**
   * Loads the unsupervised model of a directory whose {@code config.json} was already read; as
   * {@link #loadCoder(Path)}, encoding applies the directory's input scaling.
   */
  public static SparseCoder loadCoder(Path dir, ModelInfo<SdlgmConfig, ?> info) {
    checkParams(dir, info);
    return SparseCoder.load(info.model(), params(dir), readScaling(dir, info));
  }

  /**
   * Loads the multi-label model of a directory with its feature preprocessing inside ({@link
   * Tagger#transform()}). Close it when done.
   */
  public static Tagger loadTagger(Path dir) {
    return loadTagger(dir, readTaggerInfo(dir));
  }

  /**
   * As {@link #loadTagger(Path)}, for a directory whose config was read, after checking that {@code
   * model.params} has the size of the configured model's parameters.
   */
  public static Tagger loadTagger(Path dir, ModelInfo<TaggerConfig, ?> info) {
    FeatureTransform transform = readTransform(dir, info);
    checkParams(dir, info);
    return Tagger.load(info.model(), params(dir), transform);
  }

  /**
   * Fails, naming both files, when {@code model.params} is not the parameter file of the model
   * {@code config.json} describes: its size must be exactly that of the parameters of a model built
   * from the configuration (DJL stores names, shapes and values, so any other shape or a truncated
   * file has another size). Builds such a model, which draws from the engine's random generator:
   * callers that seed it for reproducible numbers check before seeding.
   */
  public static void checkParams(Path dir, ModelInfo<?, ?> info) {
    Path params = params(dir);
    long expected;
    String model;
    if (info.model() instanceof TaggerConfig c) {
      try (Tagger reference = Tagger.create(c)) {
        expected = reference.parameterBytes();
      }
      model =
          c.method()
              + ", "
              + c.numFeatures()
              + " features, "
              + c.numLabels()
              + " labels, hidden "
              + c.hidden();
    } else if (info.model() instanceof SdlgmConfig c) {
      try (SparseCoder reference = SparseCoder.create(c)) {
        expected = reference.parameterBytes();
      }
      model =
          "K "
              + c.latentDim()
              + ", L0 "
              + c.maxLevel()
              + ", "
              + c.inputDim()
              + " features, encoder "
              + c.encoderHidden();
    } else {
      throw new IllegalArgumentException("no model of " + info.model());
    }
    checkSize(params, expected, dir.resolve(CONFIG), model);
  }

  private static void checkSize(Path params, long expected, Path config, String model) {
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
  public static SparseCoder loadForScaledRows(Path dir, ModelInfo<SdlgmConfig, ?> info) {
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
          FEATURES,
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
