package org.sdlgm.io;

import org.sdlgm.model.SdlgmConfig;

/**
 * The content of a model directory's {@code config.json}: the file format and its version, every
 * model hyperparameter, the training settings, the data schema and the provenance.
 */
public record ModelInfo(
    String format,
    int formatVersion,
    SdlgmConfig model,
    TrainConfig training,
    DataSchema data,
    Provenance provenance) {}
