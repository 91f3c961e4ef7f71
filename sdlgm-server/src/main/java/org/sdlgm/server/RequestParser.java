package org.sdlgm.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Arrays;
import org.sdlgm.model.SparseCode;

/**
 * Reads request bodies: a JSON object whose {@code inputs} is an array of rows, each a dense
 * array of the model's width or {@code {"indices": [...], "values": [...]}}, and whose other
 * fields are small options. Every refusal is an {@link ApiException} 400 naming the field (for
 * example {@code inputs[2].indices[5]}), so a client sees which value is wrong.
 */
final class RequestParser {
  /** Most rows in one request: beyond this a client should split its batch. */
  static final int MAX_ROWS = 10_000;

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  static {
    // Deeply nested garbage should fail fast, not recurse.
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  private RequestParser() {}

  /** The body as a JSON object. */
  static JsonNode object(byte[] body) {
    if (body.length == 0) {
      throw new ApiException(400, "empty body; expected a JSON object", null);
    }
    JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ApiException(400, "malformed JSON: " + oneLine(e.getOriginalMessage()), null);
    } catch (java.io.IOException e) {
      throw new ApiException(400, "unreadable body: " + oneLine(e.getMessage()), null);
    }
    if (n == null || !n.isObject()) {
      throw new ApiException(400, "expected a JSON object", null);
    }
    return n;
  }

  /** The rows of {@code field} (an array of dense or sparse rows of width {@code dim}). */
  static Rows rows(JsonNode body, String field, int dim) {
    JsonNode a = body.get(field);
    if (a == null || a.isNull()) {
      throw ApiException.badField(field, "missing; expected an array of inputs");
    }
    if (!a.isArray()) {
      throw ApiException.badField(field, "expected an array of inputs");
    }
    if (a.isEmpty()) {
      throw ApiException.badField(field, "empty; expected at least one input");
    }
    if (a.size() > MAX_ROWS) {
      throw ApiException.badField(field, a.size() + " inputs; at most " + MAX_ROWS + " per request");
    }
    int n = a.size();
    int[] ptr = new int[n + 1];
    int[] idx = new int[16];
    float[] val = new float[16];
    int nnz = 0;
    for (int r = 0; r < n; r++) {
      JsonNode row = a.get(r);
      String where = field + "[" + r + "]";
      if (row.isArray()) {
        if (row.size() != dim) {
          throw ApiException.badField(where, "has " + row.size() + " values, the model takes " + dim);
        }
        for (int j = 0; j < dim; j++) {
          float v = number(row.get(j), where + "[" + j + "]");
          if (v != 0f) {
            if (nnz == idx.length) {
              idx = Arrays.copyOf(idx, nnz * 2);
              val = Arrays.copyOf(val, nnz * 2);
            }
            idx[nnz] = j;
            val[nnz++] = v;
          }
        }
      } else if (row.isObject()) {
        JsonNode is = row.get("indices");
        JsonNode vs = row.get("values");
        if (is == null || !is.isArray()) {
          throw ApiException.badField(where + ".indices", "expected an array of column indices");
        }
        if (vs == null || !vs.isArray()) {
          throw ApiException.badField(where + ".values", "expected an array of numbers");
        }
        if (is.size() != vs.size()) {
          throw ApiException.badField(where + ".values", vs.size() + " values for " + is.size() + " indices");
        }
        if (is.size() > dim) {
          throw ApiException.badField(where + ".indices", is.size() + " entries, the model takes " + dim + " columns");
        }
        int start = nnz;
        for (int t = 0; t < is.size(); t++) {
          JsonNode i = is.get(t);
          String at = where + ".indices[" + t + "]";
          if (!i.isIntegralNumber() || !i.canConvertToInt()) {
            throw ApiException.badField(at, "expected an integer column index");
          }
          int j = i.intValue();
          if (j < 0 || j >= dim) {
            throw ApiException.badField(at, "index " + j + " outside 0.." + (dim - 1));
          }
          float v = number(vs.get(t), where + ".values[" + t + "]");
          if (nnz == idx.length) {
            idx = Arrays.copyOf(idx, nnz * 2);
            val = Arrays.copyOf(val, nnz * 2);
          }
          idx[nnz] = j;
          val[nnz++] = v;
        }
        sortRow(idx, val, start, nnz);
        for (int t = start + 1; t < nnz; t++) {
          if (idx[t] == idx[t - 1]) {
            throw ApiException.badField(where + ".indices", "index " + idx[t] + " appears twice");
          }
        }
      } else {
        throw ApiException.badField(where, "expected an array of " + dim
            + " numbers or {\"indices\": [...], \"values\": [...]}");
      }
      ptr[r + 1] = nnz;
    }
    return new Rows(dim, ptr, Arrays.copyOf(idx, nnz), Arrays.copyOf(val, nnz));
  }

  /** Codes given directly ({@code {"indices", "values"}} over K dimensions), for search. */
  static java.util.List<SparseCode> codes(JsonNode body, String field, int k) {
    Rows r = rows(body, field, k);
    java.util.List<SparseCode> out = new java.util.ArrayList<>(r.size());
    for (int i = 0; i < r.size(); i++) {
      int from = r.rowPtr()[i];
      int to = r.rowPtr()[i + 1];
      out.add(new SparseCode(to - from, Arrays.copyOfRange(r.indices(), from, to),
          Arrays.copyOfRange(r.values(), from, to), null));
    }
    return out;
  }

  /** An optional integer option in [min, max]. */
  static int intOption(JsonNode body, String field, int dflt, int min, int max) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
      throw ApiException.badField(field, "expected an integer in " + min + ".." + max);
    }
    return n.intValue();
  }

  /** An optional boolean option. */
  static boolean boolOption(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw ApiException.badField(field, "expected true or false");
    }
    return n.booleanValue();
  }

  private static float number(JsonNode v, String where) {
    if (v == null || !v.isNumber()) {
      throw ApiException.badField(where, "expected a number");
    }
    float f = (float) v.doubleValue();
    if (!Float.isFinite(f)) {
      throw ApiException.badField(where, "not a finite 32-bit number");
    }
    return f;
  }

  /** Sorts entries [from, to) by index (packed as index, value bits: one primitive sort). */
  private static void sortRow(int[] idx, float[] val, int from, int to) {
    long[] packed = new long[to - from];
    for (int t = from; t < to; t++) {
      packed[t - from] = ((long) idx[t] << 32) | (Float.floatToRawIntBits(val[t]) & 0xffffffffL);
    }
    Arrays.sort(packed);
    for (int t = from; t < to; t++) {
      idx[t] = (int) (packed[t - from] >>> 32);
      val[t] = Float.intBitsToFloat((int) packed[t - from]);
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
