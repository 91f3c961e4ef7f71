package org.sdlgm.model.multilabel;

/**
 * The prediction for one input: the predicted set size L̂, the predicted labels (0-based indices,
 * best first) with their scores, the ranked labels beyond the set when more were asked for ({@code
 * ranked} ⊇ {@code labels}, best first, with {@code rankedScores}), and q(L | x) over L_min..L0 for
 * models with a count head (null otherwise).
 *
 * <p>Scores are the selection logits α for the SDLGM methods and the per-label probabilities σ(α)
 * for {@code br-mlp}. Labels are ranked by α in both cases, so br-mlp labels whose float32 σ(α)
 * saturates (exactly 1 from α ≈ 16.6 on, 0 far below zero) keep the order of their logits, with
 * equal scores; only equal logits go to the lower label index first.
 */
public record LabelPrediction(
    int level,
    int[] labels,
    float[] scores,
    int[] ranked,
    float[] rankedScores,
    float[] levelProbs) {}
