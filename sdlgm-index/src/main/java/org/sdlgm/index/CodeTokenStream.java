package org.sdlgm.index;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PayloadAttribute;
import org.apache.lucene.util.BytesRef;

/**
 * The terms of one code: one token per active dimension, the dimension's number as the term and its
 * signed value as a four-byte payload. Reused across documents by one writer.
 */
final class CodeTokenStream extends TokenStream {
  private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
  private final PayloadAttribute payload = addAttribute(PayloadAttribute.class);
  private final byte[] valueBytes = new byte[4];
  private final BytesRef valueRef = new BytesRef(valueBytes);
  private int[] indices = new int[0];
  private float[] values = new float[0];
  private int next;

  /** Sets the code the next pass emits. */
  CodeTokenStream set(int[] indices, float[] values) {
    this.indices = indices;
    this.values = values;
    return this;
  }

  @Override
  public boolean incrementToken() {
    if (next >= indices.length) {
      return false;
    }
    clearAttributes();
    term.setEmpty().append(Integer.toString(indices[next]));
    Payloads.encode(values[next], valueBytes);
    payload.setPayload(valueRef);
    next++;
    return true;
  }

  @Override
  public void reset() {
    next = 0;
  }
}
