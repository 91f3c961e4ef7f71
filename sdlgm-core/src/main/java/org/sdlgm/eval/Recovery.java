package org.sdlgm.eval;

/**
 * How well a model recovers the known ground truth of synthetic data: the rank correlation of L̂
 * (and of the effective support size) with L_true, their confusion tables, how often each matches
 * L_true exactly, support precision and recall against the true atoms, and dictionary recovery (max
 * |cos| of each true atom with a learned atom).
 */
public record Recovery(
    double spearmanLevel,
    double spearmanEffective,
    double levelExactShare,
    double effectiveExactShare,
    double meanLevelMinusTrue,
    Confusion levelConfusion,
    Confusion effectiveConfusion,
    SupportMetrics support,
    DictionaryRecovery dictionary) {}
