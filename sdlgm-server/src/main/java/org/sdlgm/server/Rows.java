package org.sdlgm.server;

/**
 * Input rows of a request in compressed sparse row form (row r holds the entries {@code [rowPtr[r],
 * rowPtr[r+1])} of {@code indices}/{@code values}), whether they came as dense arrays or as {@code
 * {indices, values}}: the coder densifies them, the tagger hands them to its feature transform as a
 * sparse data set, as {@code predict} does with a file.
 */
record Rows(int dim, int[] rowPtr, int[] indices, float[] values) {
  int size() {
    return rowPtr.length - 1;
  }

  /** The rows as a dense row-major {@code size × dim} array. */
  float[] dense() {
    float[] out = new float[size() * dim];
    for (int r = 0; r < size(); r++) {
      for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
        out[r * dim + indices[k]] = values[k];
      }
    }
    return out;
  }
}
