package org.sdlgm.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sdlgm.SdlgmException;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;

/**
 * The files of a model directory that inference needs, read into memory on the driver so that Spark
 * can broadcast them: executors never need the driver's file system. The fingerprint (a SHA-256 of
 * the file names and contents) keys the per-JVM model cache, so a model is loaded once per executor
 * JVM however many partitions, jobs or transforms use it.
 */
public final class ModelBundle implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What a model directory holds. */
  public enum Kind {
    ENCODER,
    TAGGER
  }

  /** The files inference reads: config, parameters and the fitted input preprocessing. */
  private static final List<String> FILES =
      List.of(
          ModelDirectory.CONFIG,
          ModelDirectory.PARAMS,
          ModelDirectory.SCALING,
          ModelDirectory.FEATURES);

  private final String source;
  private final Kind kind;
  private final String fingerprint;
  private final LinkedHashMap<String, byte[]> files;

  private ModelBundle(
      String source, Kind kind, String fingerprint, java.util.Map<String, byte[]> files) {
    this.source = source;
    this.kind = kind;
    this.fingerprint = fingerprint;
    this.files = new LinkedHashMap<>(files); // callers pass their files in order
  }

  /**
   * Reads {@code dir} after checking it with the core library's own readers (format, version,
   * parameter file and preprocessing present), so that a bad directory fails on the driver with the
   * message {@code sdlgm encode}/{@code predict} would give.
   */
  public static ModelBundle read(Path dir) {
    ModelInfo<?, ?> info = ModelDirectory.readInfo(dir);
    ModelDirectory.readPreprocessing(dir, info);
    Kind kind = ModelDirectory.TAGGER_FORMAT.equals(info.format()) ? Kind.TAGGER : Kind.ENCODER;
    if (!Files.isRegularFile(dir.resolve(ModelDirectory.PARAMS))) {
      throw new SdlgmException(dir.resolve(ModelDirectory.PARAMS) + ": parameter file is missing");
    }
    LinkedHashMap<String, byte[]> files = new LinkedHashMap<>();
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    for (String name : FILES) {
      Path f = dir.resolve(name);
      if (Files.isRegularFile(f)) {
        try {
          byte[] bytes = Files.readAllBytes(f);
          files.put(name, bytes);
          sha.update(name.getBytes(StandardCharsets.UTF_8));
          sha.update((byte) 0);
          sha.update(bytes);
        } catch (IOException e) {
          throw new SdlgmException(f + ": cannot read (" + e.getMessage() + ")", e);
        }
      }
    }
    return new ModelBundle(dir.toString(), kind, HexFormat.of().formatHex(sha.digest()), files);
  }

  /** The directory the bundle was read from (for messages). */
  public String source() {
    return source;
  }

  public Kind kind() {
    return kind;
  }

  /** SHA-256 of the bundled files' names and contents, in hex. */
  public String fingerprint() {
    return fingerprint;
  }

  /** Total size of the bundled files in bytes. */
  public long bytes() {
    return files.values().stream().mapToLong(b -> b.length).sum();
  }

  /**
   * Writes the files into a fresh temporary directory, so that the core library's loaders (and
   * exactly their checks and preprocessing) can read them; the caller deletes it after loading.
   */
  Path materialize() {
    try {
      Path dir = Files.createTempDirectory("sdlgm-model-");
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        Files.write(dir.resolve(e.getKey()), e.getValue());
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the model " + source + " to a temporary directory", e);
    }
  }
}
