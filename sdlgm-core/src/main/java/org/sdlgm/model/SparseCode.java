package org.sdlgm.model;

/**
 * The deterministic sparse code of one example: the chosen level L̂, the active dimensions
 * (ascending) with their values, and q(L | x) over levels 1..L0 where the model has one (null for
 * the baselines). {@code indices.length ≤ L0} always for the sparse methods.
 */
public record SparseCode(int level, int[] indices, float[] values, float[] levelProbs) {
  /** Number of non-zeros. */
  public int nnz() {
    return indices.length;
  }

  /** The code as a dense vector of width {@code k}. */
  public float[] toDense(int k) {
    float[] d = new float[k];
    for (int i = 0; i < indices.length; i++) {
      d[indices[i]] = values[i];
    }
    return d;
  }
}
