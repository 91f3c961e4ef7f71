package org.sdlgm.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An epoch's running means of named per-step values (the loss, each term, the number of non-zeros),
 * each step weighted by its rows: the numbers of the progress display and of a {@code history.csv}
 * row. Names keep the order in which they first arrive.
 */
public final class RunningMeans {
  private final Map<String, Double> sums = new LinkedHashMap<>();
  private int seen;

  /** Adds one step's batch means over {@code rows} rows. */
  public void add(Map<String, Float> batchMeans, int rows) {
    // The product in float, as the value itself: the same sums whatever the number of values.
    batchMeans.forEach((name, v) -> sums.merge(name, (double) (v * rows), Double::sum));
    seen += rows;
  }

  /** Rows added so far. */
  public int seen() {
    return seen;
  }

  /**
   * The state as JSON ({@code seen} and each name's sum), for a checkpoint taken inside an epoch: a
   * run resumed from it continues the sums, so the epoch's history row covers all its steps.
   */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("seen", seen);
    ObjectNode s = o.putObject("sums");
    sums.forEach(s::put);
    return o;
  }

  /** The means {@link #toJson} recorded, to continue adding to. */
  public static RunningMeans fromJson(JsonNode json) {
    RunningMeans m = new RunningMeans();
    m.seen = json.path("seen").asInt();
    for (Map.Entry<String, JsonNode> e : json.path("sums").properties()) {
      m.sums.put(e.getKey(), e.getValue().asDouble());
    }
    return m;
  }

  /** The means so far, by name in arrival order (NaN before any row). */
  public Map<String, Double> means() {
    Map<String, Double> m = new LinkedHashMap<>();
    sums.forEach((name, s) -> m.put(name, seen == 0 ? Double.NaN : s / seen));
    return Collections.unmodifiableMap(m);
  }
}
