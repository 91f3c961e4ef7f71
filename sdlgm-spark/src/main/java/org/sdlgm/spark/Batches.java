package org.sdlgm.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A partition's rows in mini-batches: the output iterator pulls the next {@code batch} input rows
 * only when the previous batch's results are used up, so a task holds one batch, not its partition,
 * in memory (Spark streams partitions through mapPartitions).
 */
final class Batches {
  private Batches() {}

  /** The outputs of {@code f} applied to consecutive batches of at most {@code batch} rows. */
  static Iterator<Row> map(Iterator<Row> in, int batch, Function<List<Row>, List<Row>> f) {
    return new Iterator<>() {
      private Iterator<Row> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && in.hasNext()) {
          List<Row> rows = new ArrayList<>(batch);
          while (rows.size() < batch && in.hasNext()) {
            rows.add(in.next());
          }
          current = f.apply(rows).iterator();
        }
        return current.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /** {@code in}'s values followed by {@code extra}. */
  static Row extend(Row in, Object... extra) {
    Object[] v = new Object[in.size() + extra.length];
    for (int i = 0; i < in.size(); i++) {
      v[i] = in.get(i);
    }
    System.arraycopy(extra, 0, v, in.size(), extra.length);
    return RowFactory.create(v);
  }
}
