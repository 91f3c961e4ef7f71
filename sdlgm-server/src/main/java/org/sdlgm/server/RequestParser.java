package org.sdlgm.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sdlgm.model.SparseCode;

/**
 * Reads request bodies: a JSON object whose row fields ({@code inputs}, {@code codes}) are arrays
 * of rows, each a dense array or {@code {"indices": [...], "values": [...]}}, and whose other
 * fields are small options. Row fields are read with Jackson's streaming parser straight into
 * arrays (a tree of 784 number nodes per image cost about 70 µs a request, more than the forward
 * pass); options are read as a tree. Every refusal is an {@link ApiException} 400 naming the field
 * (for example {@code inputs[2].indices[5]}), so a client sees which value is wrong.
 */
final class RequestParser {
  /** Most rows in one request: beyond this a client should split its batch. */
  static final int MAX_ROWS = 10_000;

  private static final List<String> ROW_FIELDS = List.of("inputs", "codes");

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          // Jackson's bundled fast parser for the hundreds of numbers of a row.
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          // Deeply nested garbage should fail fast, not recurse.
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
          .build();
  private static final ObjectMapper TREES = new ObjectMapper(FACTORY);

  private RequestParser() {}

  /**
   * A parsed body: its options as a tree and its row fields as read (not yet checked against a
   * width, which depends on the field and the model).
   */
  record Body(ObjectNode options, Map<String, RawRows> rowFields) {
    boolean hasNonNull(String field) {
      return rowFields.containsKey(field) || options.hasNonNull(field);
    }
  }

  /**
   * Rows as they came: entries in the order given (CSR), and for each row its length when it was a
   * dense array (−1 for a sparse one).
   */
  record RawRows(int[] rowPtr, int[] indices, float[] values, int[] denseLength) {
    int size() {
      return denseLength.length;
    }
  }

  /** The body as a JSON object; 400 when it is not one. */
  static Body object(byte[] body) {
    if (body.length == 0) {
      throw new ApiException(400, "empty body; expected a JSON object", null);
    }
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ApiException(400, "expected a JSON object", null);
      }
      ObjectNode options = TREES.createObjectNode();
      Map<String, RawRows> rows = new HashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (ROW_FIELDS.contains(name) && value != JsonToken.VALUE_NULL) {
          if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            throw ApiException.badField(name, "expected an array of inputs");
          }
          rows.put(name, readRows(p, name));
        } else {
          options.set(name, TREES.readTree(p));
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new ApiException(400, "malformed JSON: content after the object", null);
      }
      return new Body(options, rows);
    } catch (JsonProcessingException e) {
      throw new ApiException(400, "malformed JSON: " + oneLine(e.getOriginalMessage()), null);
    } catch (IOException e) {
      throw new ApiException(400, "unreadable body: " + oneLine(e.getMessage()), null);
    }
  }

  /** Reads an array of rows; the parser is on its START_ARRAY and ends on its END_ARRAY. */
  private static RawRows readRows(JsonParser p, String field) throws IOException {
    int[] ptr = new int[17];
    int[] dense = new int[16];
    int[] idx = new int[1024];
    float[] val = new float[1024];
    int n = 0;
    int nnz = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (n == MAX_ROWS) {
        throw ApiException.badField(field, "more than " + MAX_ROWS + " inputs; split the request");
      }
      String where = field + "[" + n + "]";
      // Row n writes dense[n] and ptr[n + 1]; each array grows on its own, since their
      // lengths differ by one and doubling both would let dense fall behind.
      if (n + 2 > ptr.length) {
        ptr = Arrays.copyOf(ptr, ptr.length * 2);
      }
      if (n + 1 > dense.length) {
        dense = Arrays.copyOf(dense, dense.length * 2);
      }
      if (t == JsonToken.START_ARRAY) {
        int j = 0;
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken(), j++) {
          float f = number(p, v, where + "[" + j + "]");
          if (f != 0f) {
            if (nnz == idx.length) {
              idx = Arrays.copyOf(idx, nnz * 2);
              val = Arrays.copyOf(val, nnz * 2);
            }
            idx[nnz] = j;
            val[nnz++] = f;
          }
        }
        dense[n] = j;
      } else if (t == JsonToken.START_OBJECT) {
        int[] is = null;
        float[] vs = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          if (name.equals("indices")) {
            is = indices(p, v, where + ".indices");
          } else if (name.equals("values")) {
            vs = numbers(p, v, where + ".values");
          } else {
            p.skipChildren();
          }
        }
        if (is == null) {
          throw ApiException.badField(where + ".indices", "expected an array of column indices");
        }
        if (vs == null) {
          throw ApiException.badField(where + ".values", "expected an array of numbers");
        }
        if (is.length != vs.length) {
          throw ApiException.badField(
              where + ".values", vs.length + " values for " + is.length + " indices");
        }
        if (nnz + is.length > idx.length) {
          idx = Arrays.copyOf(idx, Math.max(idx.length * 2, nnz + is.length));
          val = Arrays.copyOf(val, idx.length);
        }
        System.arraycopy(is, 0, idx, nnz, is.length);
        System.arraycopy(vs, 0, val, nnz, vs.length);
        nnz += is.length;
        dense[n] = -1;
      } else {
        p.skipChildren();
        throw ApiException.badField(
            where, "expected an array of numbers or {\"indices\": [...], \"values\": [...]}");
      }
      ptr[++n] = nnz;
    }
    return new RawRows(
        Arrays.copyOf(ptr, n + 1),
        Arrays.copyOf(idx, nnz),
        Arrays.copyOf(val, nnz),
        Arrays.copyOf(dense, n));
  }

  private static int[] indices(JsonParser p, JsonToken t, String where) throws IOException {
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      throw ApiException.badField(where, "expected an array of column indices");
    }
    int[] out = new int[16];
    int n = 0;
    for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken(), n++) {
      if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
        throw ApiException.badField(where + "[" + n + "]", "expected an integer column index");
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n] = p.getIntValue();
    }
    return Arrays.copyOf(out, n);
  }

  private static float[] numbers(JsonParser p, JsonToken t, String where) throws IOException {
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      throw ApiException.badField(where, "expected an array of numbers");
    }
    float[] out = new float[16];
    int n = 0;
    for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken(), n++) {
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n] = number(p, v, where + "[" + n + "]");
    }
    return Arrays.copyOf(out, n);
  }

  private static float number(JsonParser p, JsonToken t, String where) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      p.skipChildren();
      throw ApiException.badField(where, "expected a number");
    }
    float f = p.getFloatValue();
    if (!Float.isFinite(f)) {
      throw ApiException.badField(where, "not a finite 32-bit number");
    }
    return f;
  }

  /** The rows of {@code field}, checked against the width {@code dim}, sorted by column. */
  static Rows rows(Body body, String field, int dim) {
    RawRows raw = body.rowFields().get(field);
    if (raw == null) {
      if (body.options().has(field) && !body.options().get(field).isNull()) {
        throw ApiException.badField(field, "expected an array of inputs");
      }
      throw ApiException.badField(field, "missing; expected an array of inputs");
    }
    if (raw.size() == 0) {
      throw ApiException.badField(field, "empty; expected at least one input");
    }
    int[] idx = raw.indices().clone();
    float[] val = raw.values().clone();
    for (int r = 0; r < raw.size(); r++) {
      String where = field + "[" + r + "]";
      int from = raw.rowPtr()[r];
      int to = raw.rowPtr()[r + 1];
      if (raw.denseLength()[r] >= 0) {
        if (raw.denseLength()[r] != dim) {
          throw ApiException.badField(
              where, "has " + raw.denseLength()[r] + " values, the model takes " + dim);
        }
        continue; // ascending and in range by construction
      }
      if (to - from > dim) {
        throw ApiException.badField(
            where + ".indices", (to - from) + " entries, the model takes " + dim + " columns");
      }
      for (int k = from; k < to; k++) {
        if (idx[k] < 0 || idx[k] >= dim) {
          throw ApiException.badField(
              where + ".indices[" + (k - from) + "]",
              "index " + idx[k] + " outside 0.." + (dim - 1));
        }
      }
      sortRow(idx, val, from, to);
      for (int k = from + 1; k < to; k++) {
        if (idx[k] == idx[k - 1]) {
          throw ApiException.badField(where + ".indices", "index " + idx[k] + " appears twice");
        }
      }
    }
    return new Rows(dim, raw.rowPtr(), idx, val);
  }

  /** Codes given directly ({@code {"indices", "values"}} over K dimensions), for search. */
  static List<SparseCode> codes(Body body, String field, int k) {
    Rows r = rows(body, field, k);
    List<SparseCode> out = new ArrayList<>(r.size());
    for (int i = 0; i < r.size(); i++) {
      int from = r.rowPtr()[i];
      int to = r.rowPtr()[i + 1];
      out.add(
          new SparseCode(
              to - from,
              Arrays.copyOfRange(r.indices(), from, to),
              Arrays.copyOfRange(r.values(), from, to),
              null));
    }
    return out;
  }

  /** An optional integer option in [min, max]. */
  static int intOption(Body body, String field, int dflt, int min, int max) {
    JsonNode n = body.options().get(field);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
      throw ApiException.badField(field, "expected an integer in " + min + ".." + max);
    }
    return n.intValue();
  }

  /** An optional boolean option. */
  static boolean boolOption(Body body, String field) {
    JsonNode n = body.options().get(field);
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw ApiException.badField(field, "expected true or false");
    }
    return n.booleanValue();
  }

  /** Sorts entries [from, to) by index (packed as index, value bits: one primitive sort). */
  private static void sortRow(int[] idx, float[] val, int from, int to) {
    for (int t = from + 1; t < to; t++) {
      if (idx[t] < idx[t - 1]) {
        long[] packed = new long[to - from];
        for (int k = from; k < to; k++) {
          packed[k - from] =
              ((long) idx[k] << 32) | (Float.floatToRawIntBits(val[k]) & 0xffffffffL);
        }
        Arrays.sort(packed);
        for (int k = from; k < to; k++) {
          idx[k] = (int) (packed[k - from] >>> 32);
          val[k] = Float.intBitsToFloat((int) packed[k - from]);
        }
        return;
      }
    }
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String line = s.replace('\n', ' ').replace('\r', ' ');
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
