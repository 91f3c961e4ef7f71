package org.sdlgm.index;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The byte layouts of a document's code (a doc value: the count, the indices, then the values,
 * little-endian) and of its raw input (a stored field). Inputs are kept losslessly but compactly: a
 * row whose every value is exactly b/255 for a byte b (images read from IDX files) takes one byte
 * per value, any other row four.
 */
final class StoredCodec {
  private static final byte FLOAT32 = 0;
  private static final byte UNIT_BYTES = 1;

  private StoredCodec() {}

  static byte[] encodeCode(int[] indices, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 + 8 * indices.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(indices.length);
    for (int i : indices) {
      b.putInt(i);
    }
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  /** Decodes into {@code indices[0]} and {@code values[0]}. */
  static void decodeCode(byte[] bytes, int offset, int length, int[][] indices, float[][] values) {
    ByteBuffer b = ByteBuffer.wrap(bytes, offset, length).order(ByteOrder.LITTLE_ENDIAN);
    int n = b.getInt();
    int[] idx = new int[n];
    float[] val = new float[n];
    for (int i = 0; i < n; i++) {
      idx[i] = b.getInt();
    }
    for (int i = 0; i < n; i++) {
      val[i] = b.getFloat();
    }
    indices[0] = idx;
    values[0] = val;
  }

  static byte[] encodeInput(float[] input) {
    boolean bytes = true;
    for (float v : input) {
      int q = Math.round(v * 255f);
      // Bit for bit, not ==: −0.0 == 0.0, but one byte would bring it back as +0.0.
      if (q < 0 || q > 255 || Float.floatToRawIntBits(q / 255f) != Float.floatToRawIntBits(v)) {
        bytes = false;
        break;
      }
    }
    if (bytes) {
      byte[] out = new byte[1 + input.length];
      out[0] = UNIT_BYTES;
      for (int i = 0; i < input.length; i++) {
        out[1 + i] = (byte) Math.round(input[i] * 255f);
      }
      return out;
    }
    ByteBuffer b = ByteBuffer.allocate(1 + 4 * input.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(FLOAT32);
    for (float v : input) {
      b.putFloat(v);
    }
    return b.array();
  }

  static float[] decodeInput(byte[] bytes, int offset, int length) {
    if (bytes[offset] == UNIT_BYTES) {
      float[] out = new float[length - 1];
      for (int i = 0; i < out.length; i++) {
        out[i] = (bytes[offset + 1 + i] & 0xff) / 255f;
      }
      return out;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, offset + 1, length - 1).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[(length - 1) / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getFloat();
    }
    return out;
  }
}
