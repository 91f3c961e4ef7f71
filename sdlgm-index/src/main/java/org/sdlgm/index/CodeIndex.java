package org.sdlgm.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.sdlgm.SdlgmException;
import org.sdlgm.model.SparseCode;

/**
 * A code index opened for search. {@link #search} ranks every document by the exact dot product of
 * its code with the query's code — score descending, then document number ascending — and returns
 * the first k: the documents sharing a dimension with the query are scored from the postings of the
 * query's dimensions (the value of each posting is its payload), every other document scores 0. So
 * a document with no overlapping dimension is returned only when fewer than k documents score above
 * 0, after those and before any negative score (docs/search.md). Safe for concurrent searches from
 * many threads.
 */
public final class CodeIndex implements AutoCloseable {
  private final Path path;
  private final IndexInfo info;
  private final FSDirectory directory;
  private final DirectoryReader reader;
  private final List<LeafReaderContext> leaves;
  private final int maxDoc;
  private final BytesRef[] terms;
  private final ConcurrentLinkedQueue<ScoreBoard> boards = new ConcurrentLinkedQueue<>();
  private final LongAdder queries = new LongAdder();
  private final LongAdder postings = new LongAdder();
  private static final Set<String> INPUT_ONLY = Set.of(CodeIndexWriter.INPUT);

  private CodeIndex(Path path, IndexInfo info, FSDirectory directory, DirectoryReader reader) {
    this.path = path;
    this.info = info;
    this.directory = directory;
    this.reader = reader;
    this.leaves = reader.leaves();
    this.maxDoc = reader.maxDoc();
    this.terms = new BytesRef[info.latentDim()];
    for (int i = 0; i < terms.length; i++) {
      terms[i] = new BytesRef(Integer.toString(i));
    }
  }

  /**
   * Opens the index in {@code dir}; one clear error when it does not exist, is not a code index,
   * has another format version or does not hold what its metadata says.
   */
  public static CodeIndex open(Path dir) {
    IndexInfo info = IndexInfo.read(dir);
    FSDirectory directory = null;
    DirectoryReader reader = null;
    try {
      directory = FSDirectory.open(dir);
      reader = DirectoryReader.open(directory);
      if (reader.hasDeletions() || reader.numDocs() != info.documents()) {
        throw new SdlgmException(
            dir
                + ": holds "
                + reader.numDocs()
                + " documents, but "
                + IndexInfo.FILE
                + " says "
                + info.documents()
                + "; rebuild the index with 'sdlgm index'");
      }
      return new CodeIndex(dir, info, directory, reader);
    } catch (IndexNotFoundException e) {
      closeQuietly(reader, directory);
      throw new SdlgmException(
          dir + ": has " + IndexInfo.FILE + " but no Lucene index; rebuild it with 'sdlgm index'",
          e);
    } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException e) {
      closeQuietly(reader, directory);
      throw new SdlgmException(
          dir
              + ": Lucene cannot read the index ("
              + e.getMessage()
              + "); rebuild it with 'sdlgm index'",
          e);
    } catch (IOException e) {
      closeQuietly(reader, directory);
      throw new UncheckedIOException("cannot open the index " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(reader, directory);
      throw e;
    }
  }

  private static void closeQuietly(AutoCloseable... cs) {
    for (AutoCloseable c : cs) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // already failing with a better message
        }
      }
    }
  }

  /** The index's metadata. */
  public IndexInfo info() {
    return info;
  }

  /** The directory the index was opened from. */
  public Path path() {
    return path;
  }

  /** The number of documents. */
  public int size() {
    return maxDoc;
  }

  /** Queries answered since opening (for statistics). */
  public long queries() {
    return queries.sum();
  }

  /** Postings read by all queries since opening: the work an inverted index saves. */
  public long postingsVisited() {
    return postings.sum();
  }

  /**
   * The k documents with the largest exact dot product with {@code query} (fewer only when the
   * index has fewer documents), best first; ties go to the lower document number.
   *
   * @throws SdlgmException when k < 1 or the query is not a code of this index's width
   */
  public List<SearchHit> search(SparseCode query, int k) {
    return search(List.of(query), k).get(0);
  }

  /** {@link #search(SparseCode, int)} for each query, in order. */
  public List<List<SearchHit>> search(List<SparseCode> queries, int k) {
    return search(queries, k, true);
  }

  /**
   * {@link #search(List, int)}, reading the hits' raw input rows only when {@code withInputs} (they
   * are the bulk of a document; without them {@link SearchHit#input()} is null).
   */
  public List<List<SearchHit>> search(List<SparseCode> queries, int k, boolean withInputs) {
    if (k < 1) {
      throw new SdlgmException("k must be ≥ 1, got " + k);
    }
    List<Query> checked = new ArrayList<>(queries.size());
    for (int i = 0; i < queries.size(); i++) {
      checked.add(Query.of(queries.get(i), info.latentDim(), queries.size() == 1 ? -1 : i));
    }
    ScoreBoard board = borrow();
    try {
      StoredFields stored = withInputs && info.inputStored() ? reader.storedFields() : null;
      List<List<SearchHit>> out = new ArrayList<>(checked.size());
      for (Query q : checked) {
        int[] docs = rank(q, k, board);
        double[] scores = new double[docs.length];
        for (int i = 0; i < docs.length; i++) {
          scores[i] = board.score(docs[i]);
        }
        out.add(hits(docs, scores, stored));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the index " + path + ": " + e.getMessage(), e);
    } finally {
      boards.add(board);
    }
  }

  /**
   * The document numbers of the best k, scores left in {@code board}. Each document's score is
   * summed over the query's dimensions in ascending order, in double precision, so it equals Σ_k
   * q_k·d_k computed in the same order over the dense vectors exactly.
   */
  private int[] rank(Query q, int k, ScoreBoard board) throws IOException {
    board.newQuery();
    long visited = 0;
    for (LeafReaderContext leaf : leaves) {
      Terms t = leaf.reader().terms(CodeIndexWriter.DIM);
      if (t == null) {
        continue;
      }
      TermsEnum te = t.iterator();
      PostingsEnum pe = null;
      for (int j = 0; j < q.indices.length; j++) {
        double w = q.values[j];
        if (w == 0 || !te.seekExact(terms[q.indices[j]])) {
          continue;
        }
        pe = te.postings(pe, PostingsEnum.PAYLOADS);
        for (int d = pe.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = pe.nextDoc()) {
          pe.nextPosition();
          board.add(leaf.docBase + d, w * Payloads.decode(pe.getPayload()));
          visited++;
        }
      }
    }
    queries.increment();
    postings.add(visited);
    return board.top(k, maxDoc);
  }

  /**
   * The hits for documents {@code docs} (in that order): id, label and code from doc values, read
   * in ascending document order as their iterators require; inputs from stored fields unless {@code
   * stored} is null.
   */
  private List<SearchHit> hits(int[] docs, double[] scores, StoredFields stored)
      throws IOException {
    Integer[] order = new Integer[docs.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(docs[a], docs[b]));
    SearchHit[] out = new SearchHit[docs.length];
    LeafReaderContext leaf = null;
    BinaryDocValues ids = null;
    BinaryDocValues labels = null;
    BinaryDocValues codes = null;
    int[][] idx = new int[1][];
    float[][] val = new float[1][];
    for (int p : order) {
      int doc = docs[p];
      LeafReaderContext l = leaves.get(ReaderUtil.subIndex(doc, leaves));
      if (l != leaf) {
        leaf = l;
        ids = DocValues.getBinary(l.reader(), CodeIndexWriter.ID);
        labels = DocValues.getBinary(l.reader(), CodeIndexWriter.LABEL);
        codes = DocValues.getBinary(l.reader(), CodeIndexWriter.CODE);
      }
      int ld = doc - leaf.docBase;
      String id = ids.advanceExact(ld) ? ids.binaryValue().utf8ToString() : null;
      String label = labels.advanceExact(ld) ? labels.binaryValue().utf8ToString() : null;
      if (!codes.advanceExact(ld)) {
        throw new SdlgmException(path + ": document " + doc + " has no code; rebuild the index");
      }
      BytesRef c = codes.binaryValue();
      StoredCodec.decodeCode(c.bytes, c.offset, c.length, idx, val);
      float[] input = null;
      if (stored != null) {
        BytesRef in = stored.document(doc, INPUT_ONLY).getBinaryValue(CodeIndexWriter.INPUT);
        input = in == null ? null : StoredCodec.decodeInput(in.bytes, in.offset, in.length);
      }
      out[p] = new SearchHit(doc, id, label, scores[p], idx[0], val[0], input);
    }
    return Arrays.asList(out);
  }

  /**
   * The stored code of document {@code doc} (for brute-force comparisons); {@code level} is its
   * number of non-zeros and {@code levelProbs} null.
   */
  public SparseCode code(int doc) {
    if (doc < 0 || doc >= maxDoc) {
      throw new IndexOutOfBoundsException("document " + doc + " of " + maxDoc);
    }
    return hitsOrFail(new int[] {doc}).get(0);
  }

  /** Every document's code, in document order. */
  public List<SparseCode> codes() {
    int[] all = new int[maxDoc];
    for (int i = 0; i < maxDoc; i++) {
      all[i] = i;
    }
    return hitsOrFail(all);
  }

  private List<SparseCode> hitsOrFail(int[] docs) {
    try {
      List<SparseCode> out = new ArrayList<>(docs.length);
      for (SearchHit h : hits(docs, new double[docs.length], null)) {
        out.add(new SparseCode(h.indices().length, h.indices(), h.values(), null));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the index " + path + ": " + e.getMessage(), e);
    }
  }

  private ScoreBoard borrow() {
    ScoreBoard b = boards.poll();
    return b != null ? b : new ScoreBoard(maxDoc);
  }

  @Override
  public void close() {
    try {
      reader.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the index " + path + ": " + e.getMessage(), e);
    }
  }

  /** A query's code, checked and sorted by dimension. */
  private record Query(int[] indices, float[] values) {
    static Query of(SparseCode code, int latentDim, int position) {
      String which = position < 0 ? "query" : "query " + position;
      if (code == null || code.indices() == null || code.values() == null) {
        throw new SdlgmException(which + ": no code");
      }
      int[] idx = code.indices();
      float[] val = code.values();
      if (idx.length != val.length) {
        throw new SdlgmException(
            which + ": " + idx.length + " indices but " + val.length + " values");
      }
      Integer[] order = new Integer[idx.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Integer.compare(idx[a], idx[b]));
      int[] si = new int[idx.length];
      float[] sv = new float[idx.length];
      for (int i = 0; i < order.length; i++) {
        si[i] = idx[order[i]];
        sv[i] = val[order[i]];
        if (si[i] < 0 || si[i] >= latentDim) {
          throw new SdlgmException(
              which
                  + ": dimension "
                  + si[i]
                  + " is outside 0.."
                  + (latentDim - 1)
                  + " (the index holds codes of width K = "
                  + latentDim
                  + ")");
        }
        if (i > 0 && si[i] == si[i - 1]) {
          throw new SdlgmException(which + ": dimension " + si[i] + " appears twice");
        }
        if (!Float.isFinite(sv[i])) {
          throw new SdlgmException(
              which + ": value " + sv[i] + " at dimension " + si[i] + " is not finite");
        }
      }
      return new Query(si, sv);
    }
  }
}
