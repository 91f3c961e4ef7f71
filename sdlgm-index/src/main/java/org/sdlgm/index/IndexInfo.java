package org.sdlgm.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.sdlgm.SdlgmException;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.io.Provenance;
import org.sdlgm.model.LevelInference;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.util.AtomicFiles;

/**
 * The metadata of a code index, written as {@value #FILE} inside the index directory: which model
 * the codes came from (its directory and the SHA-256 fingerprint of its {@code model.params}, so
 * that queries encoded by another model can be refused), the code's width K and cap L0, the model's
 * input width and image shape (so that stored inputs can be drawn), the data the documents came
 * from, the number of documents, how codes are laid out as terms ({@link #SCHEME}) and whether raw
 * inputs are stored. Build one with {@link #forModel} or {@link #builder()}; {@link
 * CodeIndexWriter} fills in the document count and the input flag.
 *
 * @param format always {@value #FORMAT}
 * @param formatVersion the layout version, {@value #FORMAT_VERSION}
 * @param libraryVersion the sdlgm version that wrote the index
 * @param luceneVersion the Lucene version that wrote the index
 * @param modelDirectory the model directory the codes were encoded with (as given, absolute)
 * @param modelFingerprint {@code sha256:HEX} of that directory's {@code model.params}
 * @param method the model's method (sdlgm, topk-ae, ...)
 * @param latentDim K, the width of the codes
 * @param maxLevel L0, the cap on non-zeros per code
 * @param levelInference how the codes chose their level ({@code head}, {@code exact} or {@code
 *     search}; empty for a method without a level and for indexes written before the field existed,
 *     which used the model's own): queries must be encoded the same way, {@link #queryConfig}
 * @param inputDim D, the width of the model's input rows
 * @param imageHeight height of the inputs as images (0 when they are not images)
 * @param imageWidth width of the inputs as images (0 when they are not images)
 * @param dataSpec the data spec the documents were read from (may be empty)
 * @param dataPart which part of it (train, test, all; may be empty)
 * @param documents the number of documents
 * @param scheme how codes are stored as terms, {@value #SCHEME}
 * @param inputStored whether documents carry their raw input rows
 */
public record IndexInfo(
    String format,
    int formatVersion,
    String libraryVersion,
    String luceneVersion,
    String modelDirectory,
    String modelFingerprint,
    String method,
    int latentDim,
    int maxLevel,
    String levelInference,
    int inputDim,
    int imageHeight,
    int imageWidth,
    String dataSpec,
    String dataPart,
    long documents,
    String scheme,
    boolean inputStored) {

  /** The value of {@link #format()}. */
  public static final String FORMAT = "sdlgm-code-index";

  /** The layout version this library writes and reads. */
  public static final int FORMAT_VERSION = 1;

  /** The metadata file inside an index directory. */
  public static final String FILE = "sdlgm-index.json";

  /**
   * The term layout: one term per active dimension carrying the signed value as a float payload; no
   * sign split (docs/search.md).
   */
  public static final String SCHEME = "dimension-terms-signed-payload";

  /** Inputs wider than this are not stored (a page draws neighbours only for small inputs). */
  public static final int MAX_STORED_INPUT_DIM = 4096;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public IndexInfo {
    Objects.requireNonNull(modelFingerprint, "modelFingerprint");
    levelInference = levelInference == null ? "" : levelInference;
    if (!levelInference.isEmpty()) {
      LevelInference.of(levelInference);
    }
    if (latentDim < 1 || maxLevel < 1 || maxLevel > latentDim) {
      throw new IllegalArgumentException(
          "need 1 ≤ L0 ≤ K, got K = " + latentDim + ", L0 = " + maxLevel);
    }
    if (inputDim < 0 || documents < 0) {
      throw new IllegalArgumentException("negative inputDim or documents");
    }
  }

  /** A builder with the format, versions and scheme of this library filled in. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The metadata of an index over codes of the model in {@code modelDir} (its {@code config.json}
   * already read as {@code model}): fingerprint, K, L0, input width and image shape. Data spec and
   * part are left empty; set them with {@link #toBuilder()}.
   */
  public static IndexInfo forModel(Path modelDir, ModelInfo<SdlgmConfig, DataSchema> model) {
    SdlgmConfig c = model.model();
    DataSchema data = model.data();
    return builder()
        .modelDirectory(modelDir.toAbsolutePath().normalize().toString())
        .modelFingerprint(modelFingerprint(modelDir))
        .method(c.method() == null ? "" : c.method().id())
        .latentDim(c.latentDim())
        .maxLevel(c.maxLevel())
        .levelInference(c.method() != null && c.method().isSdlgm() ? c.levelInference().id() : "")
        .inputDim(c.inputDim())
        .imageShape(data == null ? 0 : data.imageHeight(), data == null ? 0 : data.imageWidth())
        .build();
  }

  /**
   * {@code sha256:HEX} of a model directory's {@code model.params}: the same parameters give the
   * same fingerprint wherever the directory lives.
   */
  public static String modelFingerprint(Path modelDir) {
    Path params = modelDir.resolve(ModelDirectory.PARAMS);
    if (!Files.isRegularFile(params)) {
      throw new SdlgmException(
          params
              + ": parameter file is missing — is "
              + modelDir
              + " a model directory written by 'sdlgm train'?");
    }
    try (InputStream in = Files.newInputStream(params)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new SdlgmException(params + ": cannot read (" + e.getMessage() + ")", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /**
   * Fails with a message naming both models unless the model in {@code modelDir} is the one the
   * index was built from (same {@code model.params} content).
   */
  public void checkModel(Path modelDir, String indexName) {
    String fp = modelFingerprint(modelDir);
    if (!fp.equals(modelFingerprint)) {
      throw new SdlgmException(
          indexName
              + ": index was built from the model "
              + modelDirectory
              + " ("
              + shortFingerprint(modelFingerprint)
              + "), but "
              + modelDir
              + " is another model ("
              + shortFingerprint(fp)
              + "); rebuild the index with 'sdlgm index --model "
              + modelDir
              + "' or search with the model it was built from");
    }
  }

  /**
   * The model directory this index was built from, for commands given only the index: {@code given}
   * when it is not null, else the directory the index records, which must still exist (its
   * fingerprint is checked by {@link #checkModel} as for a given one).
   */
  public Path modelOr(Path given, String indexName) {
    if (given != null) {
      return given;
    }
    if (modelDirectory == null || modelDirectory.isEmpty()) {
      throw new SdlgmException(
          indexName + ": the index records no model directory; give --model DIR");
    }
    Path recorded = Path.of(modelDirectory);
    if (!Files.isDirectory(recorded)) {
      throw new SdlgmException(
          indexName
              + ": the index was built from the model "
              + modelDirectory
              + ", which does not exist any more (moved?); give --model DIR");
    }
    return recorded;
  }

  /**
   * {@code model} (the configuration of the model this index was built from) with the level
   * inference the indexed codes were encoded with, so that a query is encoded as the documents
   * were: a head-mode query against exact-mode documents would compare codes whose levels were
   * chosen differently. Unchanged when the index records none.
   */
  public SdlgmConfig queryConfig(SdlgmConfig model) {
    return levelInference.isEmpty()
        ? model
        : model.withLevelInference(LevelInference.of(levelInference));
  }

  private static String shortFingerprint(String fp) {
    return fp.length() > 19 ? fp.substring(0, 19) + "…" : fp;
  }

  /** A builder holding this record's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** This metadata as indented JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the index metadata", e);
    }
  }

  /** Writes {@value #FILE} into {@code dir}, atomically. */
  void write(Path dir) {
    AtomicFiles.writeString(dir.resolve(FILE), toJson());
  }

  /**
   * Reads and checks {@value #FILE} of an index directory, with one clear error when the directory
   * is missing, is not an index or has another format version.
   */
  public static IndexInfo read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new SdlgmException(dir + ": index directory does not exist");
    }
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new SdlgmException(
          dir + ": not a code index (no " + FILE + "); build one with 'sdlgm index'");
    }
    JsonNode node;
    try {
      node = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SdlgmException(f + ": cannot read (" + originalMessage(e) + ")", e);
    }
    String format = node.path("format").asText("");
    int version = node.path("formatVersion").asInt(-1);
    if (!FORMAT.equals(format)) {
      throw new SdlgmException(
          f + ": field 'format' is '" + format + "', expected '" + FORMAT + "'");
    }
    if (version != FORMAT_VERSION) {
      throw new SdlgmException(
          f
              + ": index format version "
              + version
              + ", but this sdlgm ("
              + Provenance.libraryVersion()
              + ") reads version "
              + FORMAT_VERSION
              + "; rebuild the index with 'sdlgm index'");
    }
    if (!SCHEME.equals(node.path("scheme").asText(""))) {
      throw new SdlgmException(
          f
              + ": field 'scheme' is '"
              + node.path("scheme").asText("")
              + "', expected '"
              + SCHEME
              + "'");
    }
    try {
      return JSON.treeToValue(node, IndexInfo.class);
    } catch (IOException | IllegalArgumentException e) {
      String why = e instanceof IOException io ? originalMessage(io) : e.getMessage();
      throw new SdlgmException(f + ": cannot read (" + why + ")", e);
    }
  }

  private static String originalMessage(IOException e) {
    return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
  }

  /** Builds an {@link IndexInfo}; every setter returns the builder. */
  public static final class Builder {
    private String libraryVersion = Provenance.libraryVersion();
    private String luceneVersion = org.apache.lucene.util.Version.LATEST.toString();
    private String modelDirectory = "";
    private String modelFingerprint;
    private String method = "";
    private int latentDim;
    private int maxLevel;
    private String levelInference = "";
    private int inputDim;
    private int imageHeight;
    private int imageWidth;
    private String dataSpec = "";
    private String dataPart = "";
    private long documents;
    private boolean inputStored;

    private Builder() {}

    private Builder(IndexInfo i) {
      libraryVersion = i.libraryVersion;
      luceneVersion = i.luceneVersion;
      modelDirectory = i.modelDirectory;
      modelFingerprint = i.modelFingerprint;
      method = i.method;
      latentDim = i.latentDim;
      maxLevel = i.maxLevel;
      levelInference = i.levelInference;
      inputDim = i.inputDim;
      imageHeight = i.imageHeight;
      imageWidth = i.imageWidth;
      dataSpec = i.dataSpec;
      dataPart = i.dataPart;
      documents = i.documents;
      inputStored = i.inputStored;
    }

    public Builder modelDirectory(String v) {
      modelDirectory = Objects.requireNonNull(v);
      return this;
    }

    public Builder modelFingerprint(String v) {
      modelFingerprint = Objects.requireNonNull(v);
      return this;
    }

    public Builder method(String v) {
      method = Objects.requireNonNull(v);
      return this;
    }

    public Builder latentDim(int v) {
      latentDim = v;
      return this;
    }

    public Builder maxLevel(int v) {
      maxLevel = v;
      return this;
    }

    /** The level inference the codes are encoded with; empty for none. */
    public Builder levelInference(String v) {
      levelInference = Objects.requireNonNull(v);
      return this;
    }

    public Builder inputDim(int v) {
      inputDim = v;
      return this;
    }

    public Builder imageShape(int height, int width) {
      imageHeight = height;
      imageWidth = width;
      return this;
    }

    public Builder data(String spec, String part) {
      dataSpec = Objects.requireNonNull(spec);
      dataPart = Objects.requireNonNull(part);
      return this;
    }

    public Builder documents(long v) {
      documents = v;
      return this;
    }

    public Builder inputStored(boolean v) {
      inputStored = v;
      return this;
    }

    public IndexInfo build() {
      return new IndexInfo(
          FORMAT,
          FORMAT_VERSION,
          libraryVersion,
          luceneVersion,
          modelDirectory,
          modelFingerprint,
          method,
          latentDim,
          maxLevel,
          levelInference,
          inputDim,
          imageHeight,
          imageWidth,
          dataSpec,
          dataPart,
          documents,
          SCHEME,
          inputStored);
    }
  }
}
