package org.sdlgm.encode;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.sdlgm.SdlgmException;
import org.sdlgm.model.SparseCode;

/**
 * Streams sparse codes to an output, one row at a time, so that encoding millions of rows never
 * holds them all: JSON Lines ({@code {"id":…,"L":…,"indices":[…],"values":[…],"pL":[…]}}, the
 * sparse form for inverted indexes) or CSV with the dense code ({@code id,L,nnz,z0..zK-1}).
 */
public abstract class CodeWriter implements AutoCloseable {

  /** Writes one code with its row id. */
  public abstract void write(long id, SparseCode code) throws IOException;

  @Override
  public abstract void close() throws IOException;

  /** A writer for {@code format} ("jsonl" or "csv") of codes of width {@code k}. */
  public static CodeWriter of(String format, OutputStream out, int k) throws IOException {
    switch (format.toLowerCase(Locale.ROOT)) {
      case "jsonl":
        return new JsonLines(out);
      case "csv":
        return new Csv(out, k);
      default:
        throw new SdlgmException("unknown code format '" + format + "'; expected jsonl or csv");
    }
  }

  private static final class JsonLines extends CodeWriter {
    private final JsonGenerator g;

    JsonLines(OutputStream out) throws IOException {
      g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
      g.setRootValueSeparator(new SerializedString("\n"));
    }

    @Override
    public void write(long id, SparseCode c) throws IOException {
      g.writeStartObject();
      g.writeNumberField("id", id);
      g.writeNumberField("L", c.level());
      g.writeFieldName("indices");
      g.writeArray(c.indices(), 0, c.indices().length);
      g.writeArrayFieldStart("values");
      for (float v : c.values()) {
        g.writeNumber(v);
      }
      g.writeEndArray();
      if (c.levelProbs() != null) {
        g.writeArrayFieldStart("pL");
        for (float v : c.levelProbs()) {
          g.writeNumber(v);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }

    @Override
    public void close() throws IOException {
      g.writeRaw('\n');
      g.close();
    }
  }

  private static final class Csv extends CodeWriter {
    private final Writer w;
    private final int k;
    private final StringBuilder sb = new StringBuilder();

    Csv(OutputStream out, int k) throws IOException {
      this.w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      this.k = k;
      sb.append("id,L,nnz");
      for (int j = 0; j < k; j++) {
        sb.append(",z").append(j);
      }
      w.write(sb.append('\n').toString());
    }

    @Override
    public void write(long id, SparseCode c) throws IOException {
      sb.setLength(0);
      sb.append(id).append(',').append(c.level()).append(',').append(c.nnz());
      for (float v : c.toDense(k)) {
        sb.append(',').append(v == 0f ? "0" : Float.toString(v));
      }
      w.write(sb.append('\n').toString());
    }

    @Override
    public void close() throws IOException {
      w.flush();
    }
  }
}
