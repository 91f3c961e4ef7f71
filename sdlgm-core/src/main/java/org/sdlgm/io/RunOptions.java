package org.sdlgm.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.sdlgm.SdlgmException;

/**
 * The options of a training run that change its result, as names and values: what a checkpoint
 * records and what {@code --resume} (and {@code experiment}, for its cells) must be given again
 * unchanged. Names are the command line's where there is one ({@code --data}, {@code --lr}, …) and
 * {@code model.FIELD} for the model configuration. The number of epochs is not among them:
 * continuing a run for more epochs is what resuming is for. Immutable; built with {@link
 * #builder()}.
 */
public final class RunOptions {
  private final Map<String, String> values;

  private RunOptions(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** The options in the order they were added. */
  public Map<String, String> asMap() {
    return values;
  }

  /**
   * Throws, naming the first option whose value differs from {@code recorded} (or is present in
   * only one of them) and both values; {@code where} names the record.
   */
  public void requireSame(Map<String, String> recorded, String where) {
    Set<String> names = new LinkedHashSet<>(recorded.keySet());
    names.addAll(values.keySet());
    for (String name : names) {
      String was = recorded.get(name);
      String now = values.get(name);
      if (was == null ? now != null : !was.equals(now)) {
        throw new SdlgmException(
            where
                + ": the run was started with "
                + name
                + " "
                + shown(was)
                + ", this one has "
                + name
                + " "
                + shown(now)
                + "; continue it with the "
                + "same options (every one of them changes the result), or start anew with --overwrite");
      }
    }
  }

  private static String shown(String v) {
    return v == null ? "(not set)" : "'" + v + "'";
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link RunOptions}. */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>();

    /** Adds one option; a null value is recorded as absent. */
    public Builder put(String name, Object value) {
      if (value != null) {
        values.put(name, value.toString());
      }
      return this;
    }

    /** Adds every field of a configuration record, as {@code prefix.FIELD}. */
    public Builder putFields(String prefix, Object config) {
      JsonNode node = ModelDirectory.json().valueToTree(config);
      node.properties()
          .forEach(
              e ->
                  values.put(
                      prefix + "." + e.getKey(),
                      e.getValue().isValueNode()
                          ? e.getValue().asText()
                          : e.getValue().toString()));
      return this;
    }

    /** Adds the training options that change the result (all but epochs and checkpointing). */
    public Builder putTraining(TrainConfig t) {
      return put("--batch", t.batchSize())
          .put("--lr", t.learningRate())
          .put("--seed", t.seed())
          .put("--validation", t.validationFraction())
          .put("--grad-clip", t.gradClip())
          .put("--adam-impl", t.adam().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Adds all of {@code other}'s options. */
    public Builder putAll(RunOptions other) {
      values.putAll(other.values);
      return this;
    }

    public RunOptions build() {
      return new RunOptions(values);
    }
  }
}
