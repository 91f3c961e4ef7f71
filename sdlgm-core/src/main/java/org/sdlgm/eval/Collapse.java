package org.sdlgm.eval;

import java.util.Locale;

/**
 * The check for posterior collapse, run on every evaluation: a model whose codes carry (almost)
 * nothing — the decoder has learned to ignore them — still has non-zeros, so the nnz statistics
 * alone do not show it. The sign is the effective support: the active dimensions whose removal
 * moves the reconstruction by more than δ. Fewer than half the non-zeros being effective is only
 * filler when dropping the others costs little: a wide budget on real data has many non-zeros that
 * each move x̂ by less than δ and together still carry detail, so the check also compares the
 * reconstruction error at the effective support alone with the full code's. {@link #message} is
 * null for a healthy model, otherwise one sentence that says what was seen and which options help;
 * the CLI summary, {@code metrics.json} and the report show it.
 */
public final class Collapse {
  /** Below this mean effective nnz the codes carry nothing: the model has collapsed. */
  public static final double COLLAPSED = 0.1;

  /** Below this share of the non-zeros being effective, a code may be mostly filler. */
  public static final double PARTIAL = 0.5;

  /**
   * The relative rise of the reconstruction error, when only the effective support is kept, below
   * which the other non-zeros count as filler. On Fashion-MNIST the plain ELBO's non-effective
   * entries cost 0.1–8% and the default objective's 40% and 108% at budgets 10 and 20
   * (docs/results.md §0).
   */
  public static final double FILLER_COST = 0.1;

  private Collapse() {}

  /** The largest KL weight of the values and the selection that still counts as down-weighted. */
  static final double LOW_KL_WEIGHT = 0.01;

  /**
   * The warning for a model whose codes average {@code nnzMean} non-zeros of which {@code
   * effectiveMean} are effective, with value KL {@code klV} (NaN where the method has none), and
   * reconstruction errors {@code recon} at the full codes and {@code reconEffective} at the
   * effective support alone; null when there is nothing to warn about. {@code klWeight} is the
   * largest of the value and selection KL weights (β_v, β_S), NaN for an autoencoder, which has no
   * KL terms to lower. Where those weights are already as low as the default objective's, lowering
   * them is not the advice: filler there comes from a budget wider than the data needs.
   */
  public static String message(
      double nnzMean,
      double effectiveMean,
      double klV,
      double klWeight,
      double recon,
      double reconEffective) {
    if (!(nnzMean > 0)) {
      return null;
    }
    String help;
    if (Double.isNaN(klWeight)) {
      help =
          " The codes are wider than the data needs: a smaller budget or cap gives about "
              + "the same reconstruction with fewer non-zeros.";
    } else if (klWeight > LOW_KL_WEIGHT) {
      help =
          " Train without --plain (the default objective down-weights the KL terms that make "
              + "the decoder ignore the code), or lower --beta-v and --beta-s (e.g. 0.01).";
    } else if (effectiveMean < COLLAPSED) {
      // The default objective's weights are already this low: telling the user to lower them to
      // 0.01 or to drop --plain would be no advice at all.
      help =
          " The KL weights are already at most 0.01: train longer (--epochs), set --beta-v and"
              + " --beta-s to 0, or check --delta against the scale of the data (a non-zero"
              + " counts only if it moves x̂ by more than δ).";
    } else {
      help =
          " The budget is wider than the data needs: a smaller --target-nnz gives about the "
              + "same reconstruction with fewer non-zeros.";
    }
    if (effectiveMean < COLLAPSED) {
      return String.format(
              Locale.ROOT,
              "posterior collapse: the codes carry no information "
                  + "(effective nnz %.2f of %.2f non-zeros%s).",
              effectiveMean,
              nnzMean,
              Double.isNaN(klV) ? "" : String.format(Locale.ROOT, ", KL_v %.2f nats", klV))
          + help;
    }
    if (effectiveMean < PARTIAL * nnzMean && isFiller(recon, reconEffective)) {
      String cost =
          reconEffective > recon
              ? String.format(
                  Locale.ROOT,
                  "raises the reconstruction error by only %.1f%%",
                  100 * (reconEffective / recon - 1))
              : "does not raise the reconstruction error";
      return String.format(
              Locale.ROOT,
              "partial collapse: only %.2f of %.2f non-zeros per code move the reconstruction "
                  + "by more than δ, and dropping the rest %s (%.3f to %.3f): they are filler.",
              effectiveMean,
              nnzMean,
              cost,
              recon,
              reconEffective)
          + help;
    }
    return null;
  }

  /**
   * Whether the non-effective entries add less than {@link #FILLER_COST} to the reconstruction
   * error. An unknown cost (NaN) counts as filler, so the effective-nnz share alone decides.
   */
  static boolean isFiller(double recon, double reconEffective) {
    if (Double.isNaN(recon) || Double.isNaN(reconEffective)) {
      return true;
    }
    if (!(recon > 0)) {
      return reconEffective <= 0;
    }
    return reconEffective <= (1 + FILLER_COST) * recon;
  }
}
