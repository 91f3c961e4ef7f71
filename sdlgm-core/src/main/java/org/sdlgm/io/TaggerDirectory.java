package org.sdlgm.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.util.AtomicFiles;

/**
 * The on-disk form of a trained multi-label model: {@code config.json} ({@link TaggerInfo}, format
 * {@value #FORMAT}), {@code model.params}, {@code features.json} (the fitted feature preprocessing,
 * applied again at prediction), {@code history.csv} and, after evaluation, {@code metrics.json}.
 * Files are written atomically, {@code config.json} last.
 */
public final class TaggerDirectory {
  public static final String FORMAT = "sdlgm-tagger";
  public static final int FORMAT_VERSION = 1;
  public static final String FEATURES = "features.json";

  private TaggerDirectory() {}

  /** Writes parameters, preprocessing, history and (last) config of a trained model. */
  public static void save(
      Path dir,
      TaggerInfo info,
      Tagger tagger,
      FeatureTransform transform,
      List<EpochRecord> history) {
    ModelDirectory.retirePrevious(dir);
    tagger.saveParameters(dir.resolve(ModelDirectory.PARAMS));
    AtomicFiles.writeString(dir.resolve(FEATURES), ModelDirectory.toJson(transform));
    EpochRecord.writeCsv(dir.resolve(ModelDirectory.HISTORY), history);
    AtomicFiles.writeString(dir.resolve(ModelDirectory.CONFIG), ModelDirectory.toJson(info));
  }

  /** Reads and checks {@code config.json} of a multi-label model directory. */
  public static TaggerInfo readInfo(Path dir) {
    var node = ModelDirectory.readConfigTree(dir);
    Path config = dir.resolve(ModelDirectory.CONFIG);
    String format = node.path("format").asText("");
    if (ModelDirectory.FORMAT.equals(format)) {
      throw new SdlgmException(
          config
              + ": this is an unsupervised model (format '"
              + format
              + "'); use 'sdlgm encode' or 'sdlgm eval' without multi-label options");
    }
    if (!FORMAT.equals(format)) {
      throw new SdlgmException(
          config + ": field 'format' is '" + format + "', expected '" + FORMAT + "'");
    }
    int version = node.path("formatVersion").asInt(-1);
    if (version != FORMAT_VERSION) {
      throw new SdlgmException(
          config
              + ": multi-label model format version "
              + version
              + ", but this sdlgm ("
              + Provenance.libraryVersion()
              + ") reads version "
              + FORMAT_VERSION
              + "; retrain the model or use the matching sdlgm release");
    }
    try {
      return ModelDirectory.json().treeToValue(node, TaggerInfo.class);
    } catch (IOException e) {
      throw new SdlgmException(config + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /** The fitted feature preprocessing of a model directory. */
  public static FeatureTransform readTransform(Path dir, TaggerInfo info) {
    Path f = dir.resolve(FEATURES);
    if (!Files.isRegularFile(f)) {
      throw new SdlgmException(
          f + ": missing — the model's feature preprocessing is needed to predict");
    }
    try {
      FeatureTransform t =
          ModelDirectory.json()
              .readValue(Files.readString(f, StandardCharsets.UTF_8), FeatureTransform.class);
      if (t.numFeatures() != info.model().numFeatures()) {
        throw new SdlgmException(
            f
                + ": preprocessing for "
                + t.numFeatures()
                + " features, but the model has "
                + info.model().numFeatures());
      }
      return t;
    } catch (IOException | IllegalArgumentException e) {
      // Jackson reports unreadable JSON as IOException, a record's own checks as the other.
      throw new SdlgmException(f + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Loads the network of a directory whose config was read, after checking that {@code
   * model.params} has the size of the configured model's parameters; close it when done.
   */
  public static Tagger load(Path dir, TaggerInfo info) {
    Path params = dir.resolve(ModelDirectory.PARAMS);
    if (!Files.isRegularFile(params)) {
      throw new SdlgmException(params + ": parameter file is missing");
    }
    long expected;
    try (Tagger reference = Tagger.create(info.model())) {
      expected = reference.parameters().length;
    }
    // As ModelDirectory.checkParams: the file must be the parameters of the configured model.
    ModelDirectory.checkSize(
        params,
        expected,
        dir.resolve(ModelDirectory.CONFIG),
        info.model().method()
            + ", "
            + info.model().numFeatures()
            + " features, "
            + info.model().numLabels()
            + " labels, hidden "
            + info.model().hidden());
    return Tagger.load(info.model(), params);
  }
}
