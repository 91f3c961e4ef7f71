package org.sdlgm.io;

import org.sdlgm.SdlgmException;

/**
 * How a model is fitted, as opposed to what the model is ({@link org.sdlgm.model.SdlgmConfig}):
 * epochs, mini-batch size, Adam's learning rate, the seed that fixes initialisation, shuffling and
 * every Gumbel/Gaussian draw, the share of the training data held out for validation, and how often
 * to checkpoint. Immutable, with a builder and a JSON form (in {@code config.json}).
 *
 * @param checkpointEvery write a checkpoint every this many steps (0: only at epoch ends)
 * @param gradClip clip each gradient entry to [−c, c]; 0 disables clipping
 * @param adam which implementation of Adam updates the parameters (see {@link
 *     org.sdlgm.engine.AdamUpdates}); absent in model directories written before it existed, which
 *     used {@code DJL}
 */
public record TrainConfig(
    int epochs,
    int batchSize,
    double learningRate,
    long seed,
    double validationFraction,
    int checkpointEvery,
    double gradClip,
    AdamImpl adam) {

  /**
   * The implementations of Adam's update: the same formula, see {@link
   * org.sdlgm.engine.AdamUpdates}.
   */
  public enum AdamImpl {
    FUSED,
    DJL
  }

  public TrainConfig {
    if (adam == null) {
      adam = AdamImpl.DJL;
    }
    if (epochs < 1) {
      throw new SdlgmException("epochs must be ≥ 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new SdlgmException("batch size must be ≥ 1, got " + batchSize);
    }
    if (!(learningRate > 0)) {
      throw new SdlgmException("learning rate must be > 0, got " + learningRate);
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new SdlgmException("validation fraction must be in [0, 1), got " + validationFraction);
    }
    if (checkpointEvery < 0 || gradClip < 0) {
      throw new SdlgmException("checkpoint-every and grad-clip must be ≥ 0");
    }
  }

  /** More consecutive steps with non-finite gradients than this count as divergence. */
  public static final int MAX_SKIPPED_IN_A_ROW = 10;

  /**
   * The libtorch seed for an epoch (−1: initialisation), derived from {@link #seed}: reseeding at
   * every epoch lets a run resumed at an epoch boundary draw the same noise.
   */
  public int seedFor(int epoch) {
    return (int) (seed * 1_000_003L + epoch * 7919L + 17);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .epochs(epochs)
        .batchSize(batchSize)
        .learningRate(learningRate)
        .seed(seed)
        .validationFraction(validationFraction)
        .checkpointEvery(checkpointEvery)
        .gradClip(gradClip)
        .adam(adam);
  }

  /**
   * Builder for {@link TrainConfig}; defaults: 20 epochs, batch 100, lr 1e-3, seed 1, 5%
   * validation, fused Adam.
   */
  public static final class Builder {
    private int epochs = 20;
    private int batchSize = 100;
    private double learningRate = 1e-3;
    private long seed = 1;
    private double validationFraction = 0.05;
    private int checkpointEvery = 0;
    private double gradClip = 0;
    private AdamImpl adam = AdamImpl.FUSED;

    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder validationFraction(double v) {
      validationFraction = v;
      return this;
    }

    public Builder checkpointEvery(int v) {
      checkpointEvery = v;
      return this;
    }

    public Builder gradClip(double v) {
      gradClip = v;
      return this;
    }

    public Builder adam(AdamImpl v) {
      adam = v;
      return this;
    }

    public TrainConfig build() {
      return new TrainConfig(
          epochs,
          batchSize,
          learningRate,
          seed,
          validationFraction,
          checkpointEvery,
          gradClip,
          adam);
    }
  }
}
