package org.sdlgm.data;

/**
 * A training part and an optional test part of one data source. {@code test} is null when the
 * source has no official split.
 */
public record TrainTest(Dataset train, Dataset test) {
  public boolean hasTest() {
    return test != null;
  }
}
