package org.sdlgm.model.multilabel;

/**
 * The prediction for one input: the predicted set size L̂, the predicted labels (0-based indices,
 * best first) with their scores, the ranked labels beyond the set when more were asked for ({@code
 * ranked} ⊇ {@code labels}, best first, with {@code rankedScores}), and q(L | x) over L_min..L0 for
 * models with a count head (null otherwise).
 *
 * <p>Scores are what ranks the labels: the selection logits α for the SDLGM methods and the
 * per-label probabilities σ(α) for {@code br-mlp}.
 */
public record LabelPrediction(
    int level,
    int[] labels,
    float[] scores,
    int[] ranked,
    float[] rankedScores,
    float[] levelProbs) {}
