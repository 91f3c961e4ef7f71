package org.sdlgm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sdlgm.index.CodeIndex;
import org.sdlgm.index.IndexInfo;
import org.sdlgm.index.SearchHit;
import org.sdlgm.model.SparseCode;

/**
 * {@link Neighbours} over a Lucene code index of sdlgm-index ({@link CodeIndex}): opened once,
 * searched concurrently by the request threads. Opening refuses an index built from another model
 * than the one served (the fingerprint of its parameters differs): its codes would not be
 * comparable with the queries'.
 */
final class IndexNeighbours implements Neighbours {
  private final CodeIndex index;

  private IndexNeighbours(CodeIndex index) {
    this.index = index;
  }

  static IndexNeighbours open(Path dir, Path modelDir) {
    IndexInfo.read(dir).checkModel(modelDir, dir.toString());
    return new IndexNeighbours(CodeIndex.open(dir));
  }

  @Override
  public ObjectNode describe() {
    IndexInfo i = index.info();
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("directory", index.path().toAbsolutePath().normalize().toString());
    n.put("documents", index.size());
    n.put("dataSpec", i.dataSpec());
    n.put("dataPart", i.dataPart());
    n.put("inputStored", i.inputStored());
    n.put("scheme", i.scheme());
    n.put("modelFingerprint", i.modelFingerprint());
    return n;
  }

  @Override
  public List<List<Hit>> search(List<SparseCode> queries, int k) {
    List<List<Hit>> out = new ArrayList<>(queries.size());
    for (List<SearchHit> hits : index.search(queries, k)) {
      List<Hit> mine = new ArrayList<>(hits.size());
      for (SearchHit h : hits) {
        mine.add(new Hit(h.id(), h.label(), h.score(), h.indices(), h.values(), h.input()));
      }
      out.add(mine);
    }
    return out;
  }

  @Override
  public void close() {
    index.close();
  }
}
