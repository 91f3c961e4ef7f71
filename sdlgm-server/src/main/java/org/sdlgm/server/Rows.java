package org.sdlgm.server;

import java.util.Arrays;

/**
 * Input rows of a request in compressed sparse row form (row r holds the entries {@code [rowPtr[r],
 * rowPtr[r+1])} of {@code indices}/{@code values}), whether they came as dense arrays or as {@code
 * {indices, values}}: the coder densifies them a chunk of rows at a time ({@link #chunkRows}), the
 * tagger hands them to its feature transform as a sparse data set, as {@code predict} does with a
 * file. A request waits for its pass in this form, so a queued request holds memory in proportion
 * to its body, not to rows × D.
 */
record Rows(int dim, int[] rowPtr, int[] indices, float[] values) {
  /**
   * Most values (rows × D) a pass densifies at a time: 2^24 floats, 64 MiB. A model as wide as
   * Delicious-200K (D = 782,585) scores 21 rows at a time; one of 784 inputs, 21,399.
   */
  static final long CHUNK_VALUES = 1L << 24;

  int size() {
    return rowPtr.length - 1;
  }

  /**
   * Rows per dense chunk of a pass over inputs of width {@code dim}: at most {@code maxBatch} (the
   * most rows of a forward pass, which a job larger than it would otherwise exceed), at most {@code
   * maxValues / dim}, and at least one.
   */
  static int chunkRows(int dim, int maxBatch, long maxValues) {
    if (dim < 1 || maxBatch < 1 || maxValues < 1) {
      throw new IllegalArgumentException(
          "dim " + dim + ", maxBatch " + maxBatch + ", maxValues " + maxValues);
    }
    return (int) Math.max(1, Math.min(maxBatch, maxValues / dim));
  }

  /** {@link #chunkRows(int, int, long)} with at most {@link #CHUNK_VALUES} values. */
  static int chunkRows(int dim, int maxBatch) {
    return chunkRows(dim, maxBatch, CHUNK_VALUES);
  }

  /**
   * Writes rows {@code [first, first + count)} densely (row-major, {@code count × dim}) into {@code
   * dst} from {@code dst[at]} on, zeros included.
   */
  void dense(int first, int count, float[] dst, int at) {
    Arrays.fill(dst, at, at + count * dim, 0f);
    for (int r = 0; r < count; r++) {
      int base = at + r * dim;
      for (int k = rowPtr[first + r]; k < rowPtr[first + r + 1]; k++) {
        dst[base + indices[k]] = values[k];
      }
    }
  }

  /**
   * Writes rows {@code [from, from + count)} of the parts one after another (the rows of a pass)
   * densely into {@code dst[0 .. count × dim)}.
   */
  static void dense(Iterable<Rows> parts, int from, int count, float[] dst) {
    int start = 0;
    for (Rows p : parts) {
      int end = start + p.size();
      int lo = Math.max(from, start);
      int hi = Math.min(from + count, end);
      if (lo < hi) {
        p.dense(lo - start, hi - lo, dst, (lo - from) * p.dim());
      }
      if (end >= from + count) {
        return;
      }
      start = end;
    }
  }
}
