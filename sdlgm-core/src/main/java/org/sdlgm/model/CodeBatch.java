package org.sdlgm.model;

import ai.djl.ndarray.NDArray;

/**
 * The deterministic codes of one batch, as tensors: the dense (B, K) matrix z with at most L0
 * non-zeros per row for the sparse methods, the chosen level L̂ per row (B), and q(L | x) (B, L0)
 * where the model has one (null otherwise).
 */
public record CodeBatch(NDArray z, NDArray levels, NDArray levelProbs) {}
