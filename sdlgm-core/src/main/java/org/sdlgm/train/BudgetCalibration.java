package org.sdlgm.train;

import org.sdlgm.SdlgmException;
import org.sdlgm.data.Dataset;
import org.sdlgm.model.BatchTopKBlock;
import org.sdlgm.model.LevelInference;
import org.sdlgm.model.Method;
import org.sdlgm.model.SdlgmBlock;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCoder;

/**
 * Sets a trained model's budget of non-zeros anew, without training: the step that after training
 * makes the codes meet the budget, repeated for another one. For {@code sdlgm} the level cost λ
 * (the budget's Lagrange multiplier) is set by bisection so that the mean level of exact (or
 * search) level inference over the given rows is the new budget; for {@code batchtopk-ae} the
 * inference threshold is estimated again so that the rows' mean number of non-zeros is the new k.
 * The parameters are otherwise unchanged, so one trained model gives codes at several budgets, each
 * within its cap L0. Methods whose sparsity is fixed by training (a k or a spike probability), a
 * model trained without a budget (it has no level cost), and the level head's inference (which
 * reads no cost) are refused with the reason.
 */
public final class BudgetCalibration {
  private BudgetCalibration() {}

  /**
   * What a calibration changed: the name of the parameter set, its value before and after, and the
   * mean level over the rows that the new value gives (NaN for {@code batchtopk-ae}, whose k is met
   * before the cap clips codes).
   */
  public record Result(String parameter, double before, double after, double meanLevel) {}

  /**
   * {@code config} with the budget {@code target}, after checking that this model's budget can be
   * set after training; {@link SdlgmException} says why not.
   */
  public static SdlgmConfig withBudget(SdlgmConfig config, double target) {
    Method m = config.method();
    if (m != Method.SDLGM && m != Method.BATCHTOPK_AE) {
      throw new SdlgmException(
          "a "
              + m.id()
              + " model has no budget to set after training ("
              + (m == Method.VAE
                  ? "its codes are dense"
                  : m == Method.VSC
                      ? "its budget is the prior's spike probability, which training uses"
                      : "every code has k = L0 non-zeros")
              + "); train it again with the budget you want");
    }
    if (!(target > 0) || target > config.maxLevel()) {
      throw new SdlgmException(
          "--target-nnz must be in (0, L0 = "
              + config.maxLevel()
              + "], the model's cap; got "
              + target);
    }
    if (m == Method.SDLGM) {
      if (config.targetNnz() <= 0) {
        throw new SdlgmException(
            "the model was trained without a budget, so it has no level cost to set; train it with"
                + " --target-nnz (the default of sdlgm train) and calibrate that model");
      }
      if (config.levelInference() == LevelInference.HEAD) {
        throw new SdlgmException(
            "the model reads its levels from the level head, which does not depend on the level"
                + " cost; give --level-inference exact (or search) to calibrate the level the"
                + " objective prefers");
      }
    }
    return config.toBuilder().targetNnz(target).build();
  }

  /**
   * Calibrates {@code coder}, built with a configuration from {@link #withBudget}, on {@code rows}
   * (scaled as the model expects: the training rows through the model's input scaling).
   */
  public static Result calibrate(SparseCoder coder, Dataset rows) {
    if (rows.size() == 0) {
      throw new SdlgmException(rows.name() + ": no rows to calibrate the budget on");
    }
    if (coder.block() instanceof SdlgmBlock b) {
      double before = b.levelCost(coder.store(), coder.manager());
      double mean = b.calibrate(coder.store(), coder.manager(), rows.features(), rows.size());
      return new Result("level cost λ", before, b.levelCost(coder.store(), coder.manager()), mean);
    }
    if (coder.block() instanceof BatchTopKBlock b) {
      double before = b.threshold(coder.store(), coder.manager());
      b.afterTraining(coder.store(), coder.manager(), rows.features(), rows.size());
      return new Result(
          "threshold θ", before, b.threshold(coder.store(), coder.manager()), Double.NaN);
    }
    throw new IllegalArgumentException(
        "not a model with a budget to calibrate: " + coder.config().method());
  }
}
