package org.sdlgm.index;

import java.util.ArrayList;
import java.util.List;
import org.sdlgm.model.SparseCode;

/**
 * Brute-force search over the codes of an index held as one dense K-wide row per document: the
 * reference that {@link CodeIndex} is measured against. It ranks by the same rule (exact dot
 * product, summed over dimensions in ascending order in double precision; score descending, then
 * document number ascending), so both return the same documents with the same scores. Takes N·K
 * floats of memory.
 */
public final class ExactSearch {
  private final int k;
  private final int n;
  private final float[] dense;

  private ExactSearch(int latentDim, int n, float[] dense) {
    this.k = latentDim;
    this.n = n;
    this.dense = dense;
  }

  /** Loads every code of {@code index} as a dense row. */
  public static ExactSearch of(CodeIndex index) {
    int latent = index.info().latentDim();
    int n = index.size();
    float[] dense = new float[Math.multiplyExact(n, latent)];
    List<SparseCode> codes = index.codes();
    for (int d = 0; d < n; d++) {
      SparseCode c = codes.get(d);
      for (int j = 0; j < c.indices().length; j++) {
        dense[d * latent + c.indices()[j]] = c.values()[j];
      }
    }
    return new ExactSearch(latent, n, dense);
  }

  /** The number of documents. */
  public int size() {
    return n;
  }

  /** The best {@code top} documents for {@code query} as (document, score) pairs, best first. */
  public List<Scored> search(SparseCode query, int top) {
    float[] q = query.toDense(k);
    int[] nz = query.indices().clone();
    java.util.Arrays.sort(nz);
    // The same selection as the index (ScoreBoard), fed with every document's score.
    ScoreBoard board = new ScoreBoard(n);
    board.newQuery();
    for (int d = 0; d < n; d++) {
      double s = 0;
      int base = d * k;
      for (int j : nz) {
        s += (double) q[j] * dense[base + j];
      }
      board.add(d, s);
    }
    int[] docs = board.top(top, n);
    List<Scored> out = new ArrayList<>(docs.length);
    for (int d : docs) {
      out.add(new Scored(d, board.score(d)));
    }
    return out;
  }

  /**
   * One document of a brute-force ranking.
   *
   * @param doc the document number
   * @param score its exact dot product with the query
   */
  public record Scored(int doc, double score) {}
}
