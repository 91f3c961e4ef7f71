package org.sdlgm.io;

import org.sdlgm.model.multilabel.TaggerConfig;

/**
 * The content of a multi-label model directory's {@code config.json}: format and version, the model
 * hyperparameters, the training settings, the data schema and the provenance.
 */
public record TaggerInfo(
    String format,
    int formatVersion,
    TaggerConfig model,
    TrainConfig training,
    MultiLabelSchema data,
    Provenance provenance) {}
