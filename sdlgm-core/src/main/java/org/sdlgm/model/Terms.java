package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The per-example terms of the objective for one batch, each a named {@link Term} of shape (B),
 * plus the number of non-zeros of the sampled mask and its expectation ({@code expectedNnz}: E_q[L
 * | x] for sdlgm, which a budget steers; the sample's count for the other methods). Each block
 * declares its own terms, in its own order and under its own names ({@code loglik}, {@code kl_l},
 * …); the trainer, {@code history.csv}, {@code metrics.json} and the report carry them by name, so
 * that a method with other terms needs no change outside its block. {@link #loss} combines them
 * into the minimised objective, {@link #elbo} into the evidence lower bound.
 */
public final class Terms {
  /** What a term is in the objective. */
  public enum Role {
    /** log p(x | z): the ELBO's first term, maximised. */
    LIKELIHOOD,
    /**
     * A KL divergence: subtracted in the ELBO, and in the loss weighted by its β and the warm-up
     * factor of the schedule.
     */
    KL,
    /**
     * A term that enters the minimised loss, weighted, but not the ELBO (a regulariser that is not
     * part of the model's bound).
     */
    AUXILIARY
  }

  /**
   * One named per-example term.
   *
   * @param name its name in {@code history.csv} ({@code train_<name>}, {@code val_<name>}) and
   *     {@code metrics.json}: lower case, digits and '_'
   * @param role where it enters the objective
   * @param weight its weight in the loss: β of a KL term, the factor of an auxiliary term (unused
   *     for the likelihood)
   * @param value per-example values, shape (B)
   */
  public record Term(String name, Role role, double weight, NDArray value) {
    public Term {
      if (!name.matches("[a-z][a-z0-9_]*")) {
        throw new IllegalArgumentException("term name must match [a-z][a-z0-9_]*: " + name);
      }
    }

    /** The expected log-likelihood log p(x | z), named {@code loglik}. */
    public static Term likelihood(NDArray value) {
      return new Term(LOGLIK, Role.LIKELIHOOD, 1, value);
    }

    /** A KL divergence weighted by β in the loss. */
    public static Term kl(String name, double beta, NDArray value) {
      return new Term(name, Role.KL, beta, value);
    }

    /** A term added, times {@code weight}, to the minimised loss only. */
    public static Term auxiliary(String name, double weight, NDArray value) {
      return new Term(name, Role.AUXILIARY, weight, value);
    }
  }

  /** The name of the likelihood term. */
  public static final String LOGLIK = "loglik";

  private final List<Term> terms;
  private final NDArray nnz;
  private final NDArray expectedNnz;

  /**
   * Terms whose expected number of non-zeros is {@code expectedNnz}.
   *
   * @param terms exactly one {@link Role#LIKELIHOOD} term, then any others, in the order the loss
   *     adds them; names unique
   */
  public Terms(List<Term> terms, NDArray nnz, NDArray expectedNnz) {
    long likelihoods = terms.stream().filter(t -> t.role() == Role.LIKELIHOOD).count();
    if (likelihoods != 1) {
      throw new IllegalArgumentException("need exactly one likelihood term, got " + likelihoods);
    }
    if (terms.stream().map(Term::name).distinct().count() != terms.size()) {
      throw new IllegalArgumentException("term names must be unique: " + names(terms));
    }
    this.terms = Collections.unmodifiableList(new ArrayList<>(terms));
    this.nnz = nnz;
    this.expectedNnz = expectedNnz;
  }

  /** Terms whose expected number of non-zeros is the sample's ({@code expectedNnz = nnz}). */
  public Terms(List<Term> terms, NDArray nnz) {
    this(terms, nnz, nnz);
  }

  /** The terms, likelihood among them, in the block's order. */
  public List<Term> terms() {
    return terms;
  }

  /** The terms' names, in order. */
  public List<String> names() {
    return names(terms);
  }

  private static List<String> names(List<Term> terms) {
    return terms.stream().map(Term::name).toList();
  }

  /** The per-example values of the term called {@code name}. */
  public NDArray value(String name) {
    for (Term t : terms) {
      if (t.name().equals(name)) {
        return t.value();
      }
    }
    throw new IllegalArgumentException("no term " + name + " among " + names());
  }

  /** log p(x | z) per example. */
  public NDArray logLik() {
    return likelihood().value();
  }

  private Term likelihood() {
    for (Term t : terms) {
      if (t.role() == Role.LIKELIHOOD) {
        return t;
      }
    }
    throw new IllegalStateException("no likelihood term");
  }

  /** The number of non-zeros of each example's sampled mask, shape (B). */
  public NDArray nnz() {
    return nnz;
  }

  /** Each example's expected number of non-zeros, shape (B). */
  public NDArray expectedNnz() {
    return expectedNnz;
  }

  /**
   * Mean over the batch of −[log p − s·Σ_k β_k KL_k − Σ_a w_a A_a], with s the warm-up factor of
   * the schedule, KL_k the KL terms and A_a the auxiliary terms in their declared order.
   */
  public NDArray loss(Schedule s) {
    return loss(s, logLik().getShape().get(0));
  }

  /**
   * The share of a batch of {@code batchRows} rows in {@link #loss} that these rows (a part of that
   * batch) contribute: their sum divided by {@code batchRows}. The parts' shares add up to the
   * batch's loss, and so do their gradients.
   */
  public NDArray loss(Schedule s, long batchRows) {
    NDArray logLik = logLik();
    NDManager m = logLik.getManager();
    // The KL terms are summed first, in their order, then scaled once: the same operations, in
    // the same order, for any number of them.
    NDArray kl = null;
    for (Term t : terms) {
      if (t.role() == Role.KL) {
        NDArray weighted = t.value().mul(Scalars.of(m, (float) t.weight()));
        kl = kl == null ? weighted : kl.add(weighted);
      }
    }
    NDArray objective =
        kl == null ? logLik : logLik.sub(kl.mul(Scalars.of(m, (float) s.klScale())));
    for (Term t : terms) {
      if (t.role() == Role.AUXILIARY) {
        objective = objective.sub(t.value().mul(Scalars.of(m, (float) t.weight())));
      }
    }
    return objective.sum().mul(Scalars.of(m, (float) (-1.0 / batchRows)));
  }

  /** Per-example ELBO = log p − Σ_k KL_k (unweighted), shape (B). */
  public NDArray elbo() {
    NDArray e = logLik();
    for (Term t : terms) {
      if (t.role() == Role.KL) {
        e = e.sub(t.value());
      }
    }
    return e;
  }
}
