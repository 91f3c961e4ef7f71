package org.sdlgm.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.sdlgm.SdlgmException;
import org.sdlgm.util.AtomicFiles;
import org.sdlgm.util.FaultInjection;

/**
 * A training checkpoint as one atomic unit, shared by both trainers: a folder {@value #DIR} in the
 * model folder holding the files a trainer needs to continue (parameters, optimiser state, history,
 * …) and {@value #MANIFEST}, written last, which names every file with its size and SHA-256, the
 * trainer's position ({@link #state}) and the options the run was started with ({@link #options}).
 * A new checkpoint is written into the fresh folder {@value #NEW}, its manifest last, and published
 * by renaming it to {@value #DIR} (the previous one is first renamed aside to {@value #OLD}, then
 * deleted); a crash at any moment leaves either the old or the new complete checkpoint, which
 * {@link #recover} puts back in place. {@link #read} checks every checksum, so a damaged or
 * incomplete checkpoint is refused, never half-used.
 */
public final class Checkpoint {
  /** The published checkpoint's folder in a model folder. */
  public static final String DIR = "checkpoint";

  /** The file, written last, that lists and checks a checkpoint's files. */
  public static final String MANIFEST = "manifest.json";

  /** A checkpoint being written. */
  public static final String NEW = ".checkpoint.new";

  /** The previous checkpoint during the swap. */
  public static final String OLD = ".checkpoint.old";

  static final String FORMAT = "sdlgm-checkpoint";
  static final int FORMAT_VERSION = 1;

  private final Path dir;
  private final String kind;
  private final JsonNode state;
  private final Map<String, String> options;

  private Checkpoint(Path dir, String kind, JsonNode state, Map<String, String> options) {
    this.dir = dir;
    this.kind = kind;
    this.state = state;
    this.options = options;
  }

  /** The folder of the checkpoint. */
  public Path dir() {
    return dir;
  }

  /** A file of the checkpoint (verified by {@link #read}). */
  public Path file(String name) {
    return dir.resolve(name);
  }

  /** Whether the checkpoint holds a file of that name. */
  public boolean has(String name) {
    return Files.isRegularFile(dir.resolve(name));
  }

  /** The trainer's position as it recorded it. */
  public JsonNode state() {
    return state;
  }

  /** The options the checkpointed run was started with (see {@link RunOptions}). */
  public Map<String, String> options() {
    return options;
  }

  /**
   * Refuses to continue with options that differ from the recorded ones: the first difference is
   * named with both values, since any of them would change the result.
   */
  public void requireSameOptions(RunOptions given) {
    given.requireSame(options, dir.resolve(MANIFEST).toString());
  }

  /** Starts writing a checkpoint of the given kind (the model format) into {@code modelDir}. */
  public static Draft begin(Path modelDir, String kind) {
    return new Draft(modelDir, kind);
  }

  /** A checkpoint being written: add its files, then {@link #publish}. */
  public static final class Draft {
    private final Path modelDir;
    private final Path tmp;
    private final String kind;
    private final ObjectNode files = ModelDirectory.json().createObjectNode();

    private Draft(Path modelDir, String kind) {
      this.modelDir = modelDir;
      this.kind = kind;
      this.tmp = modelDir.resolve(NEW);
      AtomicFiles.deleteTree(tmp);
      try {
        Files.createDirectories(tmp);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + tmp + ": " + e.getMessage(), e);
      }
    }

    /** Writes a file of the checkpoint: {@code writer} receives the path to write. */
    public Draft put(String name, Consumer<Path> writer) {
      Path f = tmp.resolve(name);
      writer.accept(f);
      if (Files.isRegularFile(f)) {
        ObjectNode e = files.putObject(name);
        e.put("bytes", size(f));
        e.put("sha256", sha256(f));
      }
      FaultInjection.point("checkpoint.file");
      return this;
    }

    /**
     * Writes the manifest with the trainer's {@code state} and the run's {@code options}, then
     * publishes the checkpoint in place of the previous one.
     */
    public void publish(Object state, RunOptions options) {
      ObjectNode m = ModelDirectory.json().createObjectNode();
      m.put("format", FORMAT);
      m.put("formatVersion", FORMAT_VERSION);
      m.put("kind", kind);
      m.set("state", ModelDirectory.json().valueToTree(state));
      m.set("options", ModelDirectory.json().valueToTree(options.asMap()));
      m.set("files", files);
      FaultInjection.point("checkpoint.manifest");
      AtomicFiles.writeString(tmp.resolve(MANIFEST), ModelDirectory.toJson(m));
      AtomicFiles.syncFolder(tmp);
      FaultInjection.point("checkpoint.complete");
      Path dir = modelDir.resolve(DIR);
      Path old = modelDir.resolve(OLD);
      if (Files.exists(dir)) {
        AtomicFiles.deleteTree(old);
        move(dir, old);
        FaultInjection.point("checkpoint.aside");
      }
      move(tmp, dir);
      AtomicFiles.syncFolder(modelDir);
      FaultInjection.point("checkpoint.published");
      AtomicFiles.deleteTree(old);
    }
  }

  /**
   * Puts a complete checkpoint back in place after a crash between the two renames of a publish and
   * deletes what an interrupted write left ({@value #NEW}, {@value #OLD}). Call it with the model
   * folder's {@link RunLock} held.
   */
  public static void recover(Path modelDir) {
    Path dir = modelDir.resolve(DIR);
    Path tmp = modelDir.resolve(NEW);
    Path old = modelDir.resolve(OLD);
    if (!Files.exists(dir)) {
      // The new one is complete once its manifest verifies; it is the later of the two.
      if (Files.isDirectory(tmp) && verifies(tmp)) {
        move(tmp, dir);
      } else if (Files.isDirectory(old) && verifies(old)) {
        move(old, dir);
      }
    }
    AtomicFiles.deleteTree(tmp);
    AtomicFiles.deleteTree(old);
    AtomicFiles.deleteStale(dir);
  }

  /** Whether {@code modelDir} holds a published checkpoint (complete or not). */
  public static boolean exists(Path modelDir) {
    return Files.isDirectory(modelDir.resolve(DIR));
  }

  /**
   * Reads and verifies the checkpoint of {@code modelDir} written for models of {@code kind}: its
   * manifest, and every file's size and checksum. Fails with one clear message, naming the file,
   * when anything is missing, damaged or of another kind.
   */
  public static Checkpoint read(Path modelDir, String kind) {
    Path dir = modelDir.resolve(DIR);
    Path manifest = dir.resolve(MANIFEST);
    if (!Files.isDirectory(dir)) {
      throw new SdlgmException(
          dir
              + ": no checkpoint to resume from (folder missing); "
              + "start the training again without --resume");
    }
    if (!Files.isRegularFile(manifest)) {
      throw new SdlgmException(
          manifest
              + ": missing, so the checkpoint cannot be verified (it "
              + "was written by an older sdlgm or damaged); start again with --overwrite");
    }
    JsonNode m;
    try {
      m = ModelDirectory.json().readTree(Files.readString(manifest, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SdlgmException(manifest + ": unreadable (" + e.getMessage() + ")", e);
    }
    if (!FORMAT.equals(m.path("format").asText())
        || m.path("formatVersion").asInt() != FORMAT_VERSION) {
      throw new SdlgmException(
          manifest
              + ": not a checkpoint manifest of format "
              + FORMAT
              + " version "
              + FORMAT_VERSION);
    }
    String found = m.path("kind").asText();
    if (!kind.equals(found)) {
      throw new SdlgmException(
          manifest
              + ": the checkpoint is of a '"
              + found
              + "' model, "
              + "not '"
              + kind
              + "'; resume it with the task it was started with");
    }
    String problem = problem(dir, m);
    if (problem != null) {
      throw new SdlgmException(
          problem + "; the checkpoint is damaged, start again with --overwrite");
    }
    Map<String, String> options = new LinkedHashMap<>();
    m.path("options").properties().forEach(e -> options.put(e.getKey(), e.getValue().asText()));
    return new Checkpoint(dir, found, m.path("state"), Map.copyOf(options));
  }

  /** The kind (model format) the checkpoint was written for. */
  public String kind() {
    return kind;
  }

  private static boolean verifies(Path dir) {
    try {
      JsonNode m =
          ModelDirectory.json()
              .readTree(Files.readString(dir.resolve(MANIFEST), StandardCharsets.UTF_8));
      return problem(dir, m) == null;
    } catch (IOException e) {
      return false;
    }
  }

  /** What is wrong with a checkpoint folder according to its manifest, or null. */
  private static String problem(Path dir, JsonNode m) {
    JsonNode files = m.path("files");
    if (!files.isObject() || files.size() == 0) {
      return dir.resolve(MANIFEST) + ": lists no files";
    }
    for (Map.Entry<String, JsonNode> e : files.properties()) {
      Path f = dir.resolve(e.getKey());
      if (!Files.isRegularFile(f)) {
        return f + ": missing";
      }
      long bytes = size(f);
      if (bytes != e.getValue().path("bytes").asLong(-1)) {
        return f
            + ": "
            + bytes
            + " bytes, the manifest says "
            + e.getValue().path("bytes").asLong(-1);
      }
      if (!sha256(f).equals(e.getValue().path("sha256").asText())) {
        return f + ": SHA-256 differs from the manifest's";
      }
    }
    return null;
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  /** The SHA-256 of a file's content, in hex. */
  public static String sha256(Path f) {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(f), MessageDigest.getInstance("SHA-256"))) {
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // the digest sees every byte read
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static void move(Path from, Path to) {
    try {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(from, to);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot rename " + from + " to " + to + ": " + e.getMessage(), e);
    }
  }
}
