package org.sdlgm.index;

import java.util.Arrays;

/**
 * The per-query scores of one search: a score per document that the query's postings touched, and
 * the selection of the best k under the index's ranking (score descending, document number
 * ascending; untouched documents score 0). Reused across queries without clearing: a document's
 * score is valid only when its stamp is the current query's.
 */
final class ScoreBoard {
  private final double[] score;
  private final int[] stamp;
  private final int[] touched;
  private int touchedCount;
  private int epoch;

  ScoreBoard(int maxDoc) {
    score = new double[maxDoc];
    stamp = new int[maxDoc];
    touched = new int[maxDoc];
  }

  void newQuery() {
    touchedCount = 0;
    if (++epoch == Integer.MAX_VALUE) {
      Arrays.fill(stamp, 0);
      epoch = 1;
    }
  }

  void add(int doc, double x) {
    if (stamp[doc] != epoch) {
      stamp[doc] = epoch;
      score[doc] = x;
      touched[touchedCount++] = doc;
    } else {
      score[doc] += x;
    }
  }

  /** The score of {@code doc} for the current query (+0.0 for −0.0 and untouched documents). */
  double score(int doc) {
    return stamp[doc] == epoch ? score[doc] + 0.0 : 0.0;
  }

  /**
   * The best {@code min(k, maxDoc)} documents: the best non-zero scores (a bounded heap over the
   * touched documents), with the zero-score documents in ascending order spliced in between the
   * positive and the negative ones.
   */
  int[] top(int k, int maxDoc) {
    int cap = Math.min(k, maxDoc);
    int[] heap = new int[cap];
    int n = 0;
    for (int i = 0; i < touchedCount; i++) {
      int d = touched[i];
      if (score(d) == 0) {
        continue;
      }
      if (n < cap) {
        heap[n] = d;
        siftUp(heap, n++);
      } else if (better(d, heap[0])) {
        heap[0] = d;
        siftDown(heap, n);
      }
    }
    // Sort the heap best first.
    int[] nonZero = new int[n];
    for (int m = n; m > 0; m--) {
      nonZero[m - 1] = heap[0];
      heap[0] = heap[m - 1];
      siftDown(heap, m - 1);
    }
    int[] out = new int[cap];
    int o = 0;
    int i = 0;
    while (i < n && o < cap && score(nonZero[i]) > 0) {
      out[o++] = nonZero[i++];
    }
    for (int d = 0; d < maxDoc && o < cap; d++) {
      if (score(d) == 0) {
        out[o++] = d;
      }
    }
    while (i < n && o < cap) {
      out[o++] = nonZero[i++];
    }
    return out;
  }

  /** Ranking order: higher score first, then lower document number. */
  private boolean better(int a, int b) {
    int c = Double.compare(score(a), score(b));
    return c > 0 || (c == 0 && a < b);
  }

  /** Min-heap on the ranking: the root is the worst of the kept documents. */
  private void siftUp(int[] h, int i) {
    while (i > 0) {
      int p = (i - 1) >>> 1;
      if (!better(h[p], h[i])) {
        break;
      }
      int t = h[p];
      h[p] = h[i];
      h[i] = t;
      i = p;
    }
  }

  private void siftDown(int[] h, int n) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      if (l >= n) {
        return;
      }
      int w = l + 1 < n && better(h[l], h[l + 1]) ? l + 1 : l;
      if (!better(h[i], h[w])) {
        return;
      }
      int t = h[i];
      h[i] = h[w];
      h[w] = t;
      i = w;
    }
  }
}
