package org.sdlgm.io;

import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.model.multilabel.Tagger;
import org.sdlgm.model.multilabel.TaggerConfig;

/**
 * The content of a model directory's {@code config.json}, for either task: the file format (the
 * model's kind, {@link SparseCoder#FORMAT} or {@link Tagger#FORMAT}) and its version, the training
 * settings and the provenance, which every model has, and the task-specific part — the model's
 * resolved configuration ({@code C}: {@link SdlgmConfig} or {@link TaggerConfig}) and the schema of
 * the data it was trained on ({@code D}: {@link DataSchema} or {@link MultiLabelSchema}).
 *
 * @param <C> the model configuration type
 * @param <D> the data schema type
 */
public record ModelInfo<C, D>(
    String format,
    int formatVersion,
    C model,
    TrainConfig training,
    D data,
    Provenance provenance) {

  /** The description of an unsupervised model, in the current format version. */
  public static ModelInfo<SdlgmConfig, DataSchema> of(
      SdlgmConfig model, TrainConfig training, DataSchema data, Provenance provenance) {
    return new ModelInfo<>(
        SparseCoder.FORMAT, ModelDirectory.FORMAT_VERSION, model, training, data, provenance);
  }

  /** This description with another model configuration (e.g. one option overridden for a run). */
  public ModelInfo<C, D> withModel(C newModel) {
    return new ModelInfo<>(format, formatVersion, newModel, training, data, provenance);
  }

  /** The description of a multi-label model, in the current format version. */
  public static ModelInfo<TaggerConfig, MultiLabelSchema> of(
      TaggerConfig model, TrainConfig training, MultiLabelSchema data, Provenance provenance) {
    return new ModelInfo<>(
        Tagger.FORMAT, ModelDirectory.FORMAT_VERSION, model, training, data, provenance);
  }
}
