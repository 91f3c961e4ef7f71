package org.sdlgm.cli;

import java.util.Arrays;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.TrainTest;

/**
 * The {@code --part train|test|all} of a {@code --data} source, shared by encode, index, search.
 */
final class DataParts {
  private DataParts() {}

  /** The part of a data source that {@code --part} names, with its labels. */
  static Dataset rows(String spec, String part) {
    TrainTest tt = DataSpecs.parse(spec).load();
    return switch (part) {
      case "train" -> tt.train();
      case "test" -> {
        if (!tt.hasTest()) {
          throw new SdlgmException(spec + ": has no test part; use --part train");
        }
        yield tt.test();
      }
      case "all" -> tt.hasTest() ? concat(tt.train(), tt.test()) : tt.train();
      default -> throw new SdlgmException("--part must be train, test or all, got '" + part + "'");
    };
  }

  private static Dataset concat(Dataset a, Dataset b) {
    float[] f = new float[a.features().length + b.features().length];
    System.arraycopy(a.features(), 0, f, 0, a.features().length);
    System.arraycopy(b.features(), 0, f, a.features().length, b.features().length);
    Dataset.Builder out =
        Dataset.builder(a.name() + "+" + b.name(), a.dim(), f)
            .imageShape(a.imageHeight(), a.imageWidth());
    if (a.hasLabels() && b.hasLabels()) {
      int[] l = Arrays.copyOf(a.labels(), a.size() + b.size());
      System.arraycopy(b.labels(), 0, l, a.size(), b.size());
      out.labels(l);
    }
    return out.build();
  }
}
