package org.sdlgm.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
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
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;
import org.sdlgm.SdlgmException;
import org.sdlgm.model.SparseCode;

/**
 * Writes a code index: one Lucene document per added code, holding the code as weighted terms (one
 * term per active dimension, the signed value as its payload), the id, the label and, when the
 * model's input is at most {@value IndexInfo#MAX_STORED_INPUT_DIM} wide, the raw input row (one
 * byte per value when that is lossless). Document numbers are the order of {@link #add}.
 *
 * <p>The index is built in a hidden sibling directory and only {@link #commit()} moves it to its
 * place, with {@value IndexInfo#FILE} written last: an interrupted or failed build leaves no
 * directory that opens as an index, and {@link #close()} without a commit discards the build.
 * Adding is single-writer: {@link #add} is synchronized.
 */
public final class CodeIndexWriter implements AutoCloseable {
  static final String DIM = "dim";
  static final String ID = "id";
  static final String LABEL = "label";
  static final String CODE = "code";
  static final String INPUT = "input";

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
  private final Path building;
  private final boolean overwrite;
  private final IndexInfo info;
  private final boolean storeInput;
  private final FSDirectory directory;
  private final IndexWriter writer;
  private final CodeTokenStream tokens = new CodeTokenStream();
  private long count;
  private boolean committed;
  private boolean closed;

  private CodeIndexWriter(
      Path target, Path building, boolean overwrite, IndexInfo info, int maxBufferedDocs)
      throws IOException {
    this.target = target;
    this.building = building;
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
    IndexWriter w;
    try {
      w = new IndexWriter(directory, config);
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
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
    checkTarget(target, overwrite);
    removeDeadBuilds(target);
    Path building =
        target.resolveSibling("." + target.getFileName() + ".building-" + UUID.randomUUID());
    try {
      Files.createDirectories(building);
      return new CodeIndexWriter(target, building, overwrite, info, maxBufferedDocs);
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

  /**
   * Deletes the hidden build directories of {@code target} that no writer holds any more (a build
   * killed before it could clean up): Lucene's write lock is free only when the process that built
   * there is gone.
   */
  private static void removeDeadBuilds(Path target) {
    Path parent = target.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return;
    }
    String prefix = "." + target.getFileName() + ".building-";
    List<Path> builds;
    try (Stream<Path> s = Files.list(parent)) {
      builds =
          s.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p))
              .toList();
    } catch (IOException e) {
      return; // nothing to tidy if the folder cannot be listed; create() reports real problems
    }
    for (Path b : builds) {
      boolean dead;
      try (FSDirectory d = FSDirectory.open(b);
          Lock lock = d.obtainLock(IndexWriter.WRITE_LOCK_NAME)) {
        lock.ensureValid();
        dead = true;
      } catch (LockObtainFailedException e) {
        dead = false; // a live writer
      } catch (IOException e) {
        dead = false;
      }
      if (dead) {
        deleteTree(b);
      }
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
    return done;
  }

  private void publish() throws IOException {
    checkTarget(target, overwrite);
    Path old = null;
    if (Files.isDirectory(target)) {
      if (isEmpty(target)) {
        Files.delete(target);
      } else {
        old = target.resolveSibling("." + target.getFileName() + ".replaced-" + UUID.randomUUID());
        move(target, old);
      }
    }
    move(building, target);
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
      deleteTree(building);
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
      // A leftover hidden build directory never opens as an index; do not mask the real error.
    }
  }
}
