package org.sdlgm.eval;

import java.util.Locale;

/**
 * The check for posterior collapse, run on every evaluation: a model whose codes carry (almost)
 * nothing — the decoder has learned to ignore them — still has non-zeros, so the nnz statistics
 * alone do not show it. The sign is the effective support: the active dimensions whose removal
 * moves the reconstruction by more than δ. {@link #message} is null for a healthy model, otherwise
 * one sentence that says what was seen and which options help; the CLI summary, {@code
 * metrics.json} and the report show it.
 */
public final class Collapse {
  /** Below this mean effective nnz the codes carry nothing: the model has collapsed. */
  public static final double COLLAPSED = 0.1;

  /** Below this share of the non-zeros being effective, most of a code is filler. */
  public static final double PARTIAL = 0.5;

  private Collapse() {}

  /** The largest KL weight of the values and the selection that still counts as down-weighted. */
  static final double LOW_KL_WEIGHT = 0.01;

  /**
   * The warning for a model whose codes average {@code nnzMean} non-zeros of which {@code
   * effectiveMean} are effective, with value KL {@code klV} (NaN where the method has none); null
   * when there is nothing to warn about. {@code klWeight} is the largest of the value and selection
   * KL weights (β_v, β_S), NaN for an autoencoder, which has no KL terms to lower. Where those
   * weights are already as low as the default objective's, lowering them is not the advice: filler
   * there comes from a budget wider than the data needs at this δ (the default objective at budgets
   * of 10 and 20 on Fashion-MNIST, docs/results.md §0).
   */
  public static String message(double nnzMean, double effectiveMean, double klV, double klWeight) {
    if (!(nnzMean > 0)) {
      return null;
    }
    String help;
    if (Double.isNaN(klWeight)) {
      help =
          " The codes are wider than the data needs at this δ: a smaller budget or cap gives "
              + "the same reconstruction with fewer non-zeros (or re-evaluate with a smaller --delta).";
    } else if (klWeight > LOW_KL_WEIGHT || effectiveMean < COLLAPSED) {
      help =
          " Train without --plain (the default objective down-weights the KL terms that make "
              + "the decoder ignore the code), or lower --beta-v and --beta-s (e.g. 0.01).";
    } else {
      help =
          " Most non-zeros are small corrections at this δ: a smaller --target-nnz makes each "
              + "one count, at some cost in reconstruction (or re-evaluate with a smaller --delta).";
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
    if (effectiveMean < PARTIAL * nnzMean) {
      return String.format(
              Locale.ROOT,
              "partial collapse: only %.2f of %.2f non-zeros per code "
                  + "change the reconstruction (effective nnz); the rest are filler.",
              effectiveMean,
              nnzMean)
          + help;
    }
    return null;
  }
}
