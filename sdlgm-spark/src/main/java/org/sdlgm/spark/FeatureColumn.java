package org.sdlgm.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sdlgm.SdlgmException;

/**
 * The features column of an input Dataset, checked on the driver against the model's D, and read
 * row by row on the executors. Accepted types: a Spark ML vector (dense or sparse), or an {@code
 * array<float>} / {@code array<double>}. The size check uses the column's ML attribute metadata
 * when it declares a size (as {@code VectorAssembler} and the libsvm source do), else the first row
 * (a one-row job); every row is checked again where it is read, so a later row of another size
 * fails its task with the same message.
 */
final class FeatureColumn implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How the column stores its values. */
  enum Type {
    VECTOR,
    FLOAT_ARRAY,
    DOUBLE_ARRAY
  }

  private final String name;
  private final int index;
  private final Type type;
  private final int dim;

  private FeatureColumn(String name, int index, Type type, int dim) {
    this.name = name;
    this.index = index;
    this.type = type;
    this.dim = dim;
  }

  /**
   * Checks that {@code data} has a features column {@code column} of an accepted type and of size
   * {@code dim} (the model's D), and that none of {@code outputs} exists yet.
   *
   * @throws SdlgmException naming the column, its type or size, and what the model expects
   */
  static FeatureColumn check(
      Dataset<Row> data, String column, int dim, boolean firstRow, List<String> outputs) {
    StructType schema = data.schema();
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(column)) {
      throw new SdlgmException(
          "input column '" + column + "' not found; the dataset has columns " + names);
    }
    for (String out : outputs) {
      if (names.contains(out)) {
        throw new SdlgmException(
            "output column '"
                + out
                + "' already exists in the dataset; "
                + "choose another name for it");
      }
    }
    StructField field = schema.apply(column);
    int index = schema.fieldIndex(column);
    DataType t = field.dataType();
    Type type;
    if (t.equals(SQLDataTypes.VectorType())) {
      type = Type.VECTOR;
    } else if (t instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType)) {
      type = Type.FLOAT_ARRAY;
    } else if (t instanceof ArrayType a && a.elementType().equals(DataTypes.DoubleType)) {
      type = Type.DOUBLE_ARRAY;
    } else {
      String hint =
          t.typeName().equals("vector")
              ? " (an old spark.mllib vector: convert it with MLUtils.convertVectorColumnsToML)"
              : "";
      throw new SdlgmException(
          "input column '"
              + column
              + "' has type "
              + t.simpleString()
              + hint
              + "; expected a Spark ML vector, array<float> or array<double>");
    }
    FeatureColumn col = new FeatureColumn(column, index, type, dim);
    int declared = type == Type.VECTOR ? AttributeGroup.fromStructField(field).size() : -1;
    if (declared >= 0) {
      col.checkSize(declared, "declares size");
    } else if (firstRow) {
      List<Row> first = data.select(column).limit(1).collectAsList();
      if (!first.isEmpty() && !first.get(0).isNullAt(0)) {
        col.checkSize(size(first.get(0), 0, type), "has size");
      }
    }
    return col;
  }

  private void checkSize(int size, String how) {
    if (size != dim) {
      throw new SdlgmException(
          String.format(
              Locale.ROOT,
              "input column '%s' %s %d, but the model takes %d features",
              name,
              how,
              size,
              dim));
    }
  }

  private static int size(Row row, int i, Type type) {
    return type == Type.VECTOR ? ((Vector) row.get(i)).size() : row.getList(i).size();
  }

  String name() {
    return name;
  }

  /** The column's position in the input rows. */
  int index() {
    return index;
  }

  /** Fills {@code dst[off, off + D)} with the row's features, dense. */
  void dense(Row row, float[] dst, int off) {
    checkRow(row);
    switch (type) {
      case VECTOR -> {
        Vector v = (Vector) row.get(index);
        if (v instanceof SparseVector s) {
          Arrays.fill(dst, off, off + dim, 0f);
          int[] idx = s.indices();
          double[] val = s.values();
          for (int t = 0; t < idx.length; t++) {
            dst[off + idx[t]] = finite((float) val[t], idx[t]);
          }
        } else {
          double[] val = ((DenseVector) v).values();
          for (int j = 0; j < dim; j++) {
            dst[off + j] = finite((float) val[j], j);
          }
        }
      }
      case FLOAT_ARRAY, DOUBLE_ARRAY -> {
        List<Object> list = row.getList(index);
        for (int j = 0; j < dim; j++) {
          dst[off + j] = finite(element(list, j), j);
        }
      }
      default -> throw new IllegalStateException(type.toString());
    }
  }

  /** Appends the row's non-zero features (ascending indices) to {@code csr}. */
  void sparse(Row row, Csr csr) {
    checkRow(row);
    if (type == Type.VECTOR && row.get(index) instanceof SparseVector s) {
      int[] idx = s.indices();
      double[] val = s.values();
      for (int t = 0; t < idx.length; t++) {
        float v = finite((float) val[t], idx[t]);
        if (v != 0f) {
          csr.add(idx[t], v);
        }
      }
    } else if (type == Type.VECTOR) {
      double[] val = ((DenseVector) row.get(index)).values();
      for (int j = 0; j < dim; j++) {
        float v = finite((float) val[j], j);
        if (v != 0f) {
          csr.add(j, v);
        }
      }
    } else {
      List<Object> list = row.getList(index);
      for (int j = 0; j < dim; j++) {
        float v = finite(element(list, j), j);
        if (v != 0f) {
          csr.add(j, v);
        }
      }
    }
    csr.endRow();
  }

  private void checkRow(Row row) {
    if (row.isNullAt(index)) {
      throw new SdlgmException("input column '" + name + "': a row has no value (null)");
    }
    int size = size(row, index, type);
    if (size != dim) {
      throw new SdlgmException(
          String.format(
              Locale.ROOT,
              "input column '%s': a row has size %d, but the model takes %d features",
              name,
              size,
              dim));
    }
  }

  private float element(List<Object> list, int j) {
    Object o = list.get(j);
    if (o == null) {
      throw new SdlgmException("input column '" + name + "': a row has a null at index " + j);
    }
    return ((Number) o).floatValue();
  }

  private float finite(float v, int j) {
    if (!Float.isFinite(v)) {
      throw new SdlgmException(
          "input column '"
              + name
              + "': a row has "
              + v
              + " at index "
              + j
              + "; features must be finite");
    }
    return v;
  }

  /** A growing batch of sparse rows in CSR form: row r holds entries [rowPtr[r], rowPtr[r+1]). */
  static final class Csr {
    int rows;
    int nnz;
    int[] rowPtr = new int[17];
    int[] idx = new int[1024];
    float[] val = new float[1024];

    void add(int j, float v) {
      if (nnz == idx.length) {
        idx = Arrays.copyOf(idx, nnz * 2);
        val = Arrays.copyOf(val, nnz * 2);
      }
      idx[nnz] = j;
      val[nnz++] = v;
    }

    void endRow() {
      if (rows + 2 > rowPtr.length) {
        rowPtr = Arrays.copyOf(rowPtr, rowPtr.length * 2);
      }
      rowPtr[++rows] = nnz;
    }

    void clear() {
      rows = 0;
      nnz = 0;
    }
  }
}
