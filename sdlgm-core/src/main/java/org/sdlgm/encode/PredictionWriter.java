package org.sdlgm.encode;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.sdlgm.model.multilabel.LabelPrediction;

/**
 * Streams multi-label predictions as JSON Lines, one object per input: {@code
 * {"id":…,"L":…,"labels":[names…],"scores":[…],"pL":[…]}}, plus {@code "ranked"} and {@code
 * "rankedScores"} (the best labels beyond the set, best first) when more were asked for. Labels are
 * written by name; {@code pL} is q(L | x) over L_min..L0 and is absent for models without a count
 * head.
 */
public final class PredictionWriter implements AutoCloseable {
  private final JsonGenerator g;
  private final List<String> labelNames;
  private final int minLevel;

  /**
   * A writer naming labels by {@code labelNames}; {@code minLevel} is written once per row as
   * pLFrom.
   */
  public PredictionWriter(OutputStream out, List<String> labelNames, int minLevel)
      throws IOException {
    this.g =
        new JsonFactory()
            .createGenerator(out, JsonEncoding.UTF8)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    g.setRootValueSeparator(new SerializedString("\n"));
    this.labelNames = List.copyOf(labelNames);
    this.minLevel = minLevel;
  }

  public void write(long id, LabelPrediction p, boolean ranked) throws IOException {
    g.writeStartObject();
    g.writeNumberField("id", id);
    g.writeNumberField("L", p.level());
    g.writeArrayFieldStart("labels");
    for (int l : p.labels()) {
      g.writeString(labelNames.get(l));
    }
    g.writeEndArray();
    floats("scores", p.scores());
    if (p.levelProbs() != null) {
      floats("pL", p.levelProbs());
      g.writeNumberField("pLFrom", minLevel);
    }
    if (ranked) {
      g.writeArrayFieldStart("ranked");
      for (int l : p.ranked()) {
        g.writeString(labelNames.get(l));
      }
      g.writeEndArray();
      floats("rankedScores", p.rankedScores());
    }
    g.writeEndObject();
  }

  private void floats(String name, float[] v) throws IOException {
    g.writeArrayFieldStart(name);
    for (float f : v) {
      g.writeNumber(f);
    }
    g.writeEndArray();
  }

  /** Ends the last line and flushes, leaving the underlying stream open. */
  public void finish() throws IOException {
    g.writeRaw('\n');
    g.flush();
  }

  @Override
  public void close() throws IOException {
    finish();
    g.close();
  }
}
