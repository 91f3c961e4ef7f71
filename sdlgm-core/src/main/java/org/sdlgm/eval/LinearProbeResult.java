package org.sdlgm.eval;

/**
 * Outcome of a {@link LinearProbe}: accuracy of the softmax regression on the codes it was trained
 * on and on held-out test codes, and the number of classes it distinguished (largest label + 1 over
 * both splits). Test accuracy is NaN when the test split is empty. Serialises with Jackson as a
 * plain record.
 */
public record LinearProbeResult(double trainAccuracy, double testAccuracy, int numClasses) {}
