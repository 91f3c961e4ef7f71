package org.sdlgm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.sdlgm.model.SparseCode;

/**
 * What the server needs of a code index: its description for {@code GET /v1/model} and the k
 * nearest documents of each query code. {@link IndexNeighbours} adapts the Lucene index of
 * sdlgm-index; keeping the server's view this narrow keeps the HTTP layer independent of how the
 * index stores codes.
 */
interface Neighbours extends AutoCloseable {
  /** One document found: stored id and label, exact dot-product score, code, raw input or null. */
  record Hit(String id, String label, double score, int[] indices, float[] values, float[] input) {}

  ObjectNode describe();

  /** The k best documents of each query, best first. */
  List<List<Hit>> search(List<SparseCode> queries, int k);

  @Override
  void close();
}
