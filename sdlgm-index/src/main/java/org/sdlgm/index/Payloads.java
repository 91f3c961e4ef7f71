package org.sdlgm.index;

import org.apache.lucene.util.BytesRef;

/** A code value as a term payload: the float's four IEEE-754 bytes, big-endian, exactly. */
final class Payloads {
  private Payloads() {}

  static void encode(float v, byte[] dst) {
    int bits = Float.floatToRawIntBits(v);
    dst[0] = (byte) (bits >>> 24);
    dst[1] = (byte) (bits >>> 16);
    dst[2] = (byte) (bits >>> 8);
    dst[3] = (byte) bits;
  }

  static float decode(BytesRef p) {
    byte[] b = p.bytes;
    int o = p.offset;
    return Float.intBitsToFloat(
        ((b[o] & 0xff) << 24)
            | ((b[o + 1] & 0xff) << 16)
            | ((b[o + 2] & 0xff) << 8)
            | (b[o + 3] & 0xff));
  }
}
