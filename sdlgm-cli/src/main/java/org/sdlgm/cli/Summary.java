package org.sdlgm.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.sdlgm.eval.Evaluation;
import org.sdlgm.eval.Recovery;
import org.sdlgm.model.Terms;

/** Prints an {@link Evaluation} as the short human-readable table the CLI shows. */
final class Summary {
  private Summary() {}

  /** Each term as {@code name value}, comma-separated, in the method's order. */
  static String terms(Map<String, Double> terms) {
    StringJoiner j = new StringJoiner(", ");
    terms.forEach((name, v) -> j.add(String.format(Locale.ROOT, "%s %.3f", name, v)));
    return j.toString();
  }

  /** A budget or option value as a user types it: 10 rather than 10.0, 1.5 as it is. */
  static String number(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  static void print(PrintStream out, Evaluation e) {
    out.println(String.format(Locale.ROOT, "%-34s %s", "method", e.method()));
    out.println(String.format(Locale.ROOT, "%-34s %d", "test examples", e.testSize()));
    if (!Double.isNaN(e.elbo())) {
      out.println(
          String.format(
              Locale.ROOT,
              "%-34s %.2f  (%s)",
              "test ELBO (nats/example, hard)",
              e.elbo(),
              terms(e.terms())));
    } else {
      out.println(
          String.format(
              Locale.ROOT, "%-34s %.2f", "test log p(x|z) (no ELBO)", e.term(Terms.LOGLIK)));
    }
    out.println(
        String.format(Locale.ROOT, "%-34s %.3f", "reconstruction error Σ(x−x̂)²", e.reconError()));
    out.println(
        String.format(
            Locale.ROOT,
            "%-34s mean %.2f  median %.1f  max %d  (cap %d; %.1f%% at cap)",
            "nnz per code",
            e.nnz().mean(),
            e.nnz().median(),
            e.nnz().max(),
            e.cap(),
            100 * e.nnz().shareAtCap()));
    out.println(
        String.format(
            Locale.ROOT,
            "%-34s mean %.2f  median %.1f  max %d  (δ = %.3g; mean input norm %.3g)",
            "effective nnz",
            e.effectiveNnz().mean(),
            e.effectiveNnz().median(),
            e.effectiveNnz().max(),
            e.delta(),
            e.meanInputNorm()));
    out.println(
        String.format(
            Locale.ROOT, "%-34s %.3f", "reconstruction, effective only", e.reconErrorEffective()));
    out.println(
        String.format(
            Locale.ROOT,
            "%-34s %d of %d",
            "latent dimensions used",
            e.activeDimensions(),
            e.dimensionUsage().length));
    if (e.collapseWarning() != null) {
      out.println("WARNING: " + e.collapseWarning());
    }
    if (e.nnzPerClass() != null) {
      StringBuilder sb = new StringBuilder();
      for (double v : e.nnzPerClass()) {
        sb.append(String.format(Locale.ROOT, "%.2f ", v));
      }
      out.println(
          String.format(Locale.ROOT, "%-34s %s", "mean nnz per class", sb.toString().trim()));
    }
    if (e.probe() != null) {
      out.println(
          String.format(
              Locale.ROOT,
              "%-34s %.4f (train %.4f)",
              "linear-probe accuracy",
              e.probe().testAccuracy(),
              e.probe().trainAccuracy()));
    }
    Recovery r = e.recovery();
    if (r != null) {
      out.println(
          String.format(Locale.ROOT, "%-34s %.3f", "Spearman(L̂, L_true)", r.spearmanLevel()));
      out.println(
          String.format(
              Locale.ROOT, "%-34s %.3f", "Spearman(effective nnz, L_true)", r.spearmanEffective()));
      out.println(
          String.format(
              Locale.ROOT,
              "%-34s %.1f%%  (L̂ = L_true: %.1f%%, mean L̂ − L_true %+.2f)",
              "effective support size = L_true",
              100 * r.effectiveExactShare(),
              100 * r.levelExactShare(),
              r.meanLevelMinusTrue()));
      if (r.support() != null) {
        out.println(
            String.format(
                Locale.ROOT,
                "%-34s precision %.3f  recall %.3f  exact %.1f%%",
                "support vs true atoms",
                r.support().precision(),
                r.support().recall(),
                100 * r.support().exactShare()));
      }
      if (r.dictionary() != null) {
        out.println(
            String.format(
                Locale.ROOT,
                "%-34s mean max|cos| %.3f  (%.0f%% of atoms > 0.9)",
                "dictionary recovery",
                r.dictionary().mean(),
                100 * r.dictionary().share90()));
      }
      out.println("L̂ (columns) vs L_true (rows):");
      out.println(r.levelConfusion().toText());
    }
  }
}
