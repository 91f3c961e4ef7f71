package org.sdlgm.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.TrainTest;
import org.sdlgm.data.multilabel.MultiLabelDataset;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.data.multilabel.MultiLabelTrainTest;

/**
 * Rows of a data set the web page offers as examples ({@code --data SPEC --part test}): raw rows as
 * the model takes them, with their class (a coder's data) or their true labels (a tagger's). Dense
 * rows for a coder, sparse for a tagger, in the request format of the API, so that the page sends
 * an example back as it received it.
 */
final class Examples {
  private final String spec;
  private final String part;
  private final Dataset dense;
  private final MultiLabelDataset sparse;

  private Examples(String spec, String part, Dataset dense, MultiLabelDataset sparse) {
    this.spec = spec;
    this.part = part;
    this.dense = dense;
    this.sparse = sparse;
  }

  /** The rows of {@code spec}'s {@code part} for {@code model}; fails naming the spec. */
  static Examples load(String spec, String part, ServedModel model) {
    if (model instanceof ServedTagger t) {
      MultiLabelTrainTest tt =
          new MultiLabelPlan(spec, null, t.info().data().labels(), 0, 1).load();
      MultiLabelDataset rows = part.equals("train") || !tt.hasTest() ? tt.train() : tt.test();
      if (rows.numFeatures() != model.inputDim()) {
        throw new SdlgmException(
            spec
                + ": "
                + rows.numFeatures()
                + " features, but the model takes "
                + model.inputDim());
      }
      return new Examples(spec, part, null, rows);
    }
    TrainTest tt = DataSpecs.parse(spec).load();
    Dataset rows;
    if (part.equals("test")) {
      if (!tt.hasTest()) {
        throw new SdlgmException(spec + ": has no test part; use --part train");
      }
      rows = tt.test();
    } else {
      rows = tt.train();
    }
    if (rows.dim() != model.inputDim()) {
      throw new SdlgmException(
          spec + ": rows have " + rows.dim() + " columns, but the model takes " + model.inputDim());
    }
    return new Examples(spec, part, rows, null);
  }

  int size() {
    return dense != null ? dense.size() : sparse.size();
  }

  /** {@code {"spec", "part", "size"}}. */
  ObjectNode describe() {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("spec", spec);
    n.put("part", part);
    n.put("size", size());
    return n;
  }

  /** Example {@code i}: {@code {"index", "label" | "labels", "input"}}. */
  ObjectNode item(int i) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("index", i);
    if (dense != null) {
      if (dense.hasLabels()) {
        n.put("label", dense.labels()[i]);
      } else {
        n.putNull("label");
      }
      float[] row = new float[dense.dim()];
      dense.copyRows(i, i + 1, row);
      ArrayNode a = n.putArray("input");
      for (float v : row) {
        a.add(v);
      }
    } else {
      ArrayNode labels = n.putArray("labels");
      List<String> names = sparse.labelNames();
      for (int l : sparse.labels(i)) {
        labels.add(names.get(l));
      }
      ObjectNode in = n.putObject("input");
      ArrayNode idx = in.putArray("indices");
      ArrayNode val = in.putArray("values");
      for (int k = sparse.rowStart(i); k < sparse.rowEnd(i); k++) {
        idx.add(sparse.featureIndexAt(k));
        val.add(sparse.featureValueAt(k));
      }
    }
    return n;
  }
}
