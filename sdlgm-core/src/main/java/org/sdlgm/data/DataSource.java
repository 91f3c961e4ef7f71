package org.sdlgm.data;

/**
 * Where examples come from: a file format or generator plus its options, as written in a {@code
 * --data} spec such as {@code fashion-mnist:/usr/share/datasets/fashion-mnist}, {@code
 * idx:images.gz,labels.gz}, {@code csv:file.csv} or {@code synthetic:n=20000,seed=1}. Loading gives
 * a {@link TrainTest}: sources with an official test part (the MNIST family, the synthetic
 * generator) fill both halves; others leave the test half empty so the caller can split or load a
 * separate {@code --test} source.
 */
public interface DataSource {
  /** Reads or generates the data. Throws {@link DataException} for bad input. */
  TrainTest load();

  /** The spec string this source was parsed from (recorded in the model's config.json). */
  String spec();
}
