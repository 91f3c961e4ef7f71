package org.sdlgm.train.multilabel;

import java.util.List;
import org.sdlgm.io.EpochRecord;
import org.sdlgm.model.multilabel.Tagger;

/**
 * The result of fitting a multi-label model: the trained tagger (the caller closes it), the
 * per-epoch history, the training time, and the epoch whose parameters the tagger holds (the last
 * one, or the best by validation when selection by validation was asked for).
 */
public record TaggerRun(
    Tagger tagger, List<EpochRecord> history, double trainSeconds, int epochKept) {}
