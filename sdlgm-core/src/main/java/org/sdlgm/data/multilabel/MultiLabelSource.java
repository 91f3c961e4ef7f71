package org.sdlgm.data.multilabel;

import java.util.Objects;

/**
 * Where multi-label data come from, as parsed from a spec by {@link MultiLabelSpecs#parse}: the
 * format or generator and its options, not yet loaded (parsing never opens files). Loading gives a
 * {@link MultiLabelTrainTest} whose test part is the source's official one ({@code mulan:}, {@code
 * synthetic-ml:}) or null. {@link MultiLabelPlan} loads sources with a {@code --labels} override
 * and, for a {@code --test} source, with the training set at hand, so that e.g. a LIBSVM test file
 * takes the training data's feature and label counts.
 */
public final class MultiLabelSource {
  /** What a load produced, with the file (or spec) each part came from, for error messages. */
  record Loaded(
      MultiLabelDataset train, String trainFrom, MultiLabelDataset test, String testFrom) {}

  /** The scheme-specific loading; {@code like} is the training set when loading a test source. */
  @FunctionalInterface
  interface Loader {
    Loaded load(LabelChoice override, MultiLabelDataset like);
  }

  private final String spec;
  private final String scheme;
  private final Loader loader;

  MultiLabelSource(String spec, String scheme, Loader loader) {
    this.spec = spec;
    this.scheme = scheme;
    this.loader = Objects.requireNonNull(loader);
  }

  /** The spec string this source was parsed from (recorded with a trained model). */
  public String spec() {
    return spec;
  }

  /** The scheme, lower case: one of {@link MultiLabelSpecs#SCHEMES}. */
  public String scheme() {
    return scheme;
  }

  /**
   * Reads or generates the data with the spec's own label rule. Throws {@link
   * org.sdlgm.data.DataException} for bad input.
   */
  public MultiLabelTrainTest load() {
    Loaded l = load(null, null);
    return new MultiLabelTrainTest(l.train(), l.test());
  }

  Loaded load(LabelChoice override, MultiLabelDataset like) {
    return loader.load(override, like);
  }

  @Override
  public String toString() {
    return spec;
  }
}
