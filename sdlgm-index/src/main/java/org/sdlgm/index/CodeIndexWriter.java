package org.sdlgm.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.util.BytesRef;
import org.sdlgm.SdlgmException;
import org.sdlgm.model.SparseCode;

/**
 * Writes a code index: one Lucene document per added code, holding the code as weighted terms (one
 * term per active dimension, the signed value as its payload), the id, the label and, when the
 * model's input is at most {@value IndexInfo#MAX_STORED_INPUT_DIM} wide, the raw input row (one
 * byte per value when that is lossless). Document numbers are the order of {@link #add}.
 *
 * <p>The index is built in a hidden sibling directory, {@code .NAME.building-ID}, and only {@link
 * #commit()} moves it to its place, with {@value IndexInfo#FILE} written last: an interrupted or
 * failed build leaves nothing at the target (or the index that was there), and {@link #close()}
 * without a commit discards the build. An index being replaced is first moved aside to {@code
 * .NAME.replaced-ID} and moved back if the build cannot take its place. The writer holds {@value
 * #BUILD_LOCK} in its build directory from {@link #create} until the build is in place or
 * discarded; the next {@link #create} of the same target tidies what a killed build left (see
 * {@link #tidy}). Adding is single-writer: {@link #add} is synchronized.
 */
public final class CodeIndexWriter implements AutoCloseable {
  static final String DIM = "dim";
  static final String ID = "id";
  static final String LABEL = "label";
  static final String CODE = "code";
  static final String INPUT = "input";

  /**
   * The lock a writer holds in its build directory for its whole life, so that another build of the
   * same target tells a live build from a dead one (Lucene's write lock is released before the
   * move).
   */
  static final String BUILD_LOCK = "sdlgm-build.lock";

  private static final String BUILDING = ".building-";
  private static final String REPLACED = ".replaced-";

  /** Doc values that fix the document order (the index is sorted on it). */
  static final String ORDER = "order";

  private static final FieldType DIM_TYPE = new FieldType();

  static {
    // Positions are needed only to carry payloads; norms and vectors are not used.
    DIM_TYPE.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    DIM_TYPE.setTokenized(true);
    DIM_TYPE.setOmitNorms(true);
    DIM_TYPE.setStored(false);
    DIM_TYPE.freeze();
  }

  private final Path target;
  private final String id;
  private final Path building;
  private final boolean overwrite;
  private final IndexInfo info;
  private final boolean storeInput;
  private final FSDirectory directory;
  private final Lock buildLock;
  private final IndexWriter writer;
  private final CodeTokenStream tokens = new CodeTokenStream();
  private long count;
  private boolean committed;
  private boolean closed;

  private CodeIndexWriter(
      Path target, String id, boolean overwrite, IndexInfo info, int maxBufferedDocs)
      throws IOException {
    this.target = target;
    this.id = id;
    this.building = sibling(target, BUILDING, id);
    this.overwrite = overwrite;
    this.info = info;
    this.storeInput = info.inputDim() > 0 && info.inputDim() <= IndexInfo.MAX_STORED_INPUT_DIM;
    this.directory = FSDirectory.open(building);
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
            .setIndexSort(new Sort(new SortField(ORDER, SortField.Type.LONG)))
            .setMergePolicy(new LogDocMergePolicy())
            .setRAMBufferSizeMB(64)
            .setCommitOnClose(false);
    if (maxBufferedDocs > 0) {
      config.setMaxBufferedDocs(maxBufferedDocs);
    }
    Lock l = null;
    IndexWriter w;
    try {
      l = directory.obtainLock(BUILD_LOCK);
      w = new IndexWriter(directory, config);
    } catch (IOException | RuntimeException e) {
      if (l != null) {
        l.close();
      }
      directory.close();
      throw e;
    }
    this.buildLock = l;
    this.writer = w;
  }

  /** As {@link #create(Path, IndexInfo, boolean)} without overwriting. */
  public static CodeIndexWriter create(Path dir, IndexInfo info) {
    return create(dir, info, false);
  }

  /**
   * Starts an index that {@link #commit()} will place at {@code dir}. Fails at once when {@code
   * dir} is a file, or a non-empty directory and {@code overwrite} is false, or a non-empty
   * directory that is not a code index (an overwrite replaces only an index).
   */
  public static CodeIndexWriter create(Path dir, IndexInfo info, boolean overwrite) {
    return create(dir, info, overwrite, 0);
  }

  /**
   * As {@link #create(Path, IndexInfo, boolean)}, flushing a segment every so many documents
   * (tests).
   */
  static CodeIndexWriter create(Path dir, IndexInfo info, boolean overwrite, int maxBufferedDocs) {
    Objects.requireNonNull(info, "info");
    Path target = dir.toAbsolutePath().normalize();
    tidy(target);
    checkTarget(target, overwrite);
    String id = UUID.randomUUID().toString();
    Path building = sibling(target, BUILDING, id);
    try {
      Files.createDirectories(building);
      return new CodeIndexWriter(target, id, overwrite, info, maxBufferedDocs);
    } catch (IOException e) {
      deleteTree(building);
      throw new UncheckedIOException(
          "cannot create an index in " + building + ": " + e.getMessage(), e);
    }
  }

  private static void checkTarget(Path target, boolean overwrite) {
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new SdlgmException(
          target + ": exists and is a file, not a directory; choose another output");
    }
    if (!Files.isDirectory(target) || isEmpty(target)) {
      return;
    }
    if (!overwrite) {
      throw new SdlgmException(target + ": exists and is not empty; use --overwrite to replace it");
    }
    if (!Files.isRegularFile(target.resolve(IndexInfo.FILE))) {
      throw new SdlgmException(
          target
              + ": exists and is not a code index (no "
              + IndexInfo.FILE
              + "); refusing to replace it, choose another output");
    }
  }

  private static Path sibling(Path target, String kind, String id) {
    return target.resolveSibling("." + target.getFileName() + kind + id);
  }

  /**
   * Tidies what builds of {@code target} killed before they could clean up left beside it (a build
   * is dead when its {@value #BUILD_LOCK} is free). An old index moved aside ({@code
   * .NAME.replaced-ID}) by a dead build is moved back when nothing is at {@code target} (the build
   * was killed between its two moves; its own finished build is discarded), deleted when {@code
   * target} holds a code index (the new one was published), else left alone. Then dead build
   * directories ({@code .NAME.building-ID}) are deleted.
   */
  private static void tidy(Path target) {
    Path parent = target.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return;
    }
    String prefix = "." + target.getFileName();
    List<Path> leftovers;
    try (Stream<Path> s = Files.list(parent)) {
      leftovers =
          s.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p))
              .toList();
    } catch (IOException e) {
      return; // nothing to tidy if the folder cannot be listed; create() reports real problems
    }
    for (Path old : leftovers) {
      String name = old.getFileName().toString();
      if (!name.startsWith(prefix + REPLACED)
          || isLive(sibling(target, BUILDING, name.substring((prefix + REPLACED).length())))) {
        continue;
      }
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        try {
          move(old, target);
        } catch (IOException e) {
          // left for the next build to try again
        }
      } else if (Files.isRegularFile(target.resolve(IndexInfo.FILE))) {
        deleteTree(old);
      }
    }
    for (Path b : leftovers) {
      if (b.getFileName().toString().startsWith(prefix + BUILDING) && !isLive(b)) {
        deleteTree(b);
      }
    }
  }

  /** Whether a writer holds the build directory {@code b} ({@value #BUILD_LOCK} is taken). */
  private static boolean isLive(Path b) {
    if (!Files.isDirectory(b)) {
      return false; // gone, or moved into place since it was listed
    }
    try (FSDirectory d = FSDirectory.open(b);
        Lock lock = d.obtainLock(BUILD_LOCK)) {
      lock.ensureValid();
      return false;
    } catch (IOException e) {
      return true; // LockObtainFailedException: a live writer; else leave it alone
    }
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Whether this writer stores raw input rows (the model's input is small enough). */
  public boolean storesInput() {
    return storeInput;
  }

  /** The number of documents added so far. */
  public synchronized long size() {
    return count;
  }

  /**
   * Adds one document. The code's indices must be strictly ascending in [0, K) with at most L0 of
   * them and finite values; {@code label} may be null; {@code input} may be null, else it must have
   * the model's input width (it is ignored when inputs are not stored).
   */
  public synchronized void add(String id, String label, SparseCode code, float[] input) {
    if (committed || closed) {
      throw new IllegalStateException(
          "the index writer is already " + (closed ? "closed" : "committed"));
    }
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(code, "code");
    checkCode(code, count);
    if (input != null && input.length != info.inputDim()) {
      throw new IllegalArgumentException(
          "document "
              + count
              + " (id '"
              + id
              + "'): input has "
              + input.length
              + " values, the model takes "
              + info.inputDim());
    }
    Document doc = new Document();
    doc.add(new Field(DIM, tokens.set(code.indices(), code.values()), DIM_TYPE));
    doc.add(new NumericDocValuesField(ORDER, count));
    // Id, label and code as doc values: a hit reads a few small blocks instead of
    // decompressing a stored-fields chunk that the raw rows make large.
    doc.add(new BinaryDocValuesField(ID, new BytesRef(id)));
    if (label != null) {
      doc.add(new BinaryDocValuesField(LABEL, new BytesRef(label)));
    }
    doc.add(
        new BinaryDocValuesField(
            CODE, new BytesRef(StoredCodec.encodeCode(code.indices(), code.values()))));
    if (storeInput && input != null) {
      doc.add(new StoredField(INPUT, StoredCodec.encodeInput(input)));
    }
    try {
      writer.addDocument(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the index in " + building + ": " + e.getMessage(), e);
    }
    count++;
  }

  private void checkCode(SparseCode code, long doc) {
    int[] idx = code.indices();
    float[] val = code.values();
    if (idx.length != val.length) {
      throw new IllegalArgumentException(
          "document "
              + doc
              + ": code has "
              + idx.length
              + " indices but "
              + val.length
              + " values");
    }
    if (idx.length > info.maxLevel()) {
      throw new IllegalArgumentException(
          "document "
              + doc
              + ": code has "
              + idx.length
              + " non-zeros, more than L0 = "
              + info.maxLevel());
    }
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= info.latentDim() || (i > 0 && idx[i] <= idx[i - 1])) {
        throw new IllegalArgumentException(
            "document "
                + doc
                + ": code indices must be strictly"
                + " ascending in [0, "
                + info.latentDim()
                + "), got "
                + java.util.Arrays.toString(idx));
      }
      if (!Float.isFinite(val[i])) {
        throw new IllegalArgumentException(
            "document "
                + doc
                + ": code value "
                + val[i]
                + " at dimension "
                + idx[i]
                + " is not finite");
      }
    }
  }

  /**
   * Finishes the index and moves it to its directory (replacing an index there when the writer was
   * created with overwrite). After this the writer accepts no more documents. Returns the metadata
   * written.
   */
  public synchronized IndexInfo commit() {
    if (closed || committed) {
      throw new IllegalStateException(
          "the index writer is already " + (closed ? "closed" : "committed"));
    }
    IndexInfo done = info.toBuilder().documents(count).inputStored(storeInput).build();
    try {
      // One segment: searches walk one postings list per query term.
      writer.forceMerge(1);
      writer.commit();
      writer.close();
      directory.close();
      done.write(building);
      publish();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the index " + target + ": " + e.getMessage(), e);
    }
    committed = true;
    releaseBuildLock();
    try {
      Files.deleteIfExists(target.resolve(BUILD_LOCK));
    } catch (IOException e) {
      // a stray lock file does not stop the index from opening
    }
    return done;
  }

  private void publish() throws IOException {
    checkTarget(target, overwrite);
    Path old = null;
    if (Files.isDirectory(target)) {
      if (isEmpty(target)) {
        Files.delete(target);
      } else {
        old = sibling(target, REPLACED, id);
        move(target, old);
      }
    }
    try {
      move(building, target);
    } catch (IOException | RuntimeException e) {
      if (old != null) {
        try {
          move(old, target); // put the old index back; failing that, the next create() does
        } catch (IOException | RuntimeException again) {
          e.addSuppressed(again);
        }
      }
      throw e;
    }
    if (old != null) {
      deleteTree(old);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** Releases the writer; without a {@link #commit()} first, the build is discarded. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!committed) {
      try {
        writer.rollback();
      } catch (IOException | RuntimeException e) {
        // The build is being thrown away; its files go with the directory below.
      }
      try {
        directory.close();
      } catch (IOException e) {
        // as above
      }
      releaseBuildLock();
      deleteTree(building);
    }
  }

  private void releaseBuildLock() {
    try {
      buildLock.close();
    } catch (IOException e) {
      // the lock goes with the process at the latest
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A hidden leftover is tidied by the next build of the target; do not mask the real error.
    }
  }
}
