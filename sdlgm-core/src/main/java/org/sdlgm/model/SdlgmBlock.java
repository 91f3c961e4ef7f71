package org.sdlgm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.Arrays;
import java.util.List;
import org.sdlgm.engine.Noise;
import org.sdlgm.engine.RelaxedLatent;
import org.sdlgm.engine.SelectionKl;
import org.sdlgm.engine.Tape;

/**
 * The unsupervised SDLGM of docs/model.md (and, with {@link Method#SDLGM_FIXED}, its ablation with
 * L = L0): heads for q(L | x), the selection logits α and q(v | x) on the encoder trunk; codes z =
 * s ⊙ v where the support s comes from the two-step Gumbel-Softmax sampler during training and from
 * exact Gumbel-max / Gumbel-top-k samples during evaluation.
 */
public final class SdlgmBlock extends LatentBlock implements TapedBlock {
  /** The name of the level term KL(q(L | x) ‖ p(L)). */
  public static final String KL_L = "kl_l";

  /** The name of the selection term KL_S. */
  public static final String KL_S = "kl_s";

  /** The name of the values term KL_v. */
  public static final String KL_V = "kl_v";

  private final boolean fixed;
  private final Linear levelHead;
  private final Linear selectHead;
  private final Linear muHead;
  private final Linear logSigmaHead;
  private final Parameter selectionPrior;
  private final Parameter levelPriorLogits;

  /**
   * With a budget ({@link SdlgmConfig#targetNnz}): the cost λ in nats per level of the geometric
   * prior π_l ∝ e^(−λ·l), steered after every step so that the training mean level E_q[L | x] meets
   * the budget (dual ascent on the constraint mean E_q[L | x] = target). The expected level rather
   * than the sampled one, so that the codes {@code encode} writes (L̂ = argmax q, close to the mean
   * when q is sharp) meet it too; rather than L̂ itself, which jumps from one level to another and
   * would make the steering oscillate. Not a gradient parameter, but a parameter all the same, so
   * that it is saved with the model and its checkpoints.
   */
  private final Parameter levelCost;

  SdlgmBlock(SdlgmConfig config) {
    super(config);
    fixed = config.method() == Method.SDLGM_FIXED;
    levelHead = fixed ? null : addChildBlock("levelHead", head(ordinal() ? 2 : config.maxLevel()));
    selectHead =
        config.selection() == Selection.HEAD
            ? addChildBlock("selectHead", head(config.latentDim()))
            : null;
    muHead = addChildBlock("muHead", head(config.latentDim()));
    logSigmaHead = addChildBlock("logSigmaHead", head(config.latentDim()));
    selectionPrior =
        config.learnSelectionPrior()
            ? addParameter(zeros("selectionPrior", config.latentDim()))
            : null;
    levelPriorLogits =
        !fixed && config.levelPrior() == LevelPrior.LEARNED
            ? addParameter(zeros("levelPrior", config.maxLevel()))
            : null;
    levelCost =
        !fixed && config.targetNnz() > 0
            ? addParameter(
                Parameter.builder()
                    .setName("levelCost")
                    .setType(Parameter.Type.OTHER)
                    .optShape(new Shape(1))
                    .optInitializer(new ConstantInitializer((float) -Math.log(config.rho())))
                    .optRequiresGrad(false)
                    .build())
            : null;
  }

  /**
   * Step size of the level cost's dual ascent, in nats per level per step for a miss of the whole
   * budget: the miss is taken relative to the budget, so that a cap of 40 does not step eight times
   * harder than a cap of 5. Fast enough to settle within an epoch of a few hundred steps, slow
   * beside Adam's updates of q(L | x), so the two do not chase each other.
   */
  static final double COST_RATE = 0.02;

  /**
   * Bound on |λ| in nats per level. q(L | x) follows a change of the prior only as fast as Adam
   * moves its head; without a bound, λ kept growing while q lagged (λ = 24 and KL_L = 373 nats with
   * a budget of 20 under a cap of 40, measured), and the prior's span over the levels, λ·L0, came
   * to dominate the loss.
   */
  static final double COST_BOUND = 10;

  @Override
  public void afterStep(ParameterStore ps, NDManager manager, double meanExpectedNnz) {
    if (levelCost == null) {
      return;
    }
    NDArray cost = ps.getValue(levelCost, manager.getDevice(), false);
    // Trained at the cap, every level pays for itself in training; the budget is met after
    // training, by the calibration (choice 42).
    double target = config.trainAtCap() ? config.maxLevel() : config.targetNnz();
    double next = cost.getFloat() + COST_RATE * (meanExpectedNnz - target) / target;
    cost.set(new float[] {(float) Math.max(-COST_BOUND, Math.min(COST_BOUND, next))});
  }

  /** How far below its row maximum a selection logit may lie (nats); see selectionLogits. */
  static final float ALPHA_RANGE = 60f;

  /** α: c times the selection head's output, or c·|μ| ({@link Selection#VALUES}). */
  private NDArray selectionLogits(ParameterStore ps, NDArray h, NDArray mu, boolean training) {
    float c = (float) config.selectionFactor();
    NDArray a;
    if (selectHead != null) {
      a = apply(selectHead, ps, h, training);
      // c = 1 leaves the plain model's graph (and its bits) untouched.
      a = c == 1f ? a : a.mul(Scalars.of(a.getManager(), c));
    } else {
      a = mu.abs().mul(Scalars.of(mu.getManager(), c));
    }
    // The selection KL normalises every step by the row's largest α and clamps exponentials
    // at e^−80 (never denormal); a step whose remaining α all lie further below would get a
    // wrong, even negative, KL (measured: KL_S = −89 nats with c = 20). Logits kept within
    // RANGE of the row maximum make the kernels exact for the distribution actually used; the
    // clamp is inactive (the same values and gradients) whenever the spread is below it.
    NDArray floor =
        a.max(new int[] {1}, true).stopGradient().sub(Scalars.of(a.getManager(), ALPHA_RANGE));
    return a.maximum(floor);
  }

  /** The current level cost λ (nats per level), or NaN without a budget. */
  public double levelCost(ParameterStore ps, NDManager manager) {
    return levelCost == null
        ? Double.NaN
        : ps.getValue(levelCost, manager.getDevice(), false).getFloat();
  }

  private static Parameter zeros(String name, int n) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.OTHER)
        .optShape(new Shape(n))
        .optInitializer(new ConstantInitializer(0f))
        .build();
  }

  @Override
  protected void initializeHeads(NDManager manager, DataType dataType, Shape hidden) {
    if (levelHead != null) {
      levelHead.initialize(manager, dataType, hidden);
    }
    if (selectHead != null) {
      selectHead.initialize(manager, dataType, hidden);
    }
    muHead.initialize(manager, dataType, hidden);
    logSigmaHead.initialize(manager, dataType, hidden);
  }

  /** log π over levels 1..L0, shape (1, L0), at phase-in weight w. */
  NDArray logPrior(ParameterStore ps, NDManager m, double w, boolean training) {
    int l0 = config.maxLevel();
    switch (config.levelPrior()) {
      case LEARNED:
        return ps.getValue(levelPriorLogits, m.getDevice(), training).logSoftmax(0).reshape(1, l0);
      case GEOMETRIC:
        {
          float[] logits = new float[l0];
          double logRho =
              levelCost == null
                  ? Math.log(config.rho())
                  : -ps.getValue(levelCost, m.getDevice(), false).getFloat();
          for (int l = 0; l < l0; l++) {
            logits[l] = (float) (w * (l + 1) * logRho);
          }
          return m.create(logits, new Shape(1, l0)).logSoftmax(1);
        }
      default:
        return m.full(new Shape(1, l0), (float) -Math.log(l0));
    }
  }

  @Override
  public Terms terms(
      ParameterStore ps, NDArray x, Schedule s, boolean hard, boolean training, Noise noise) {
    return terms(ps, x, s, hard, training, noise, null);
  }

  @Override
  public Terms terms(
      ParameterStore ps,
      NDArray x,
      Schedule s,
      boolean hard,
      boolean training,
      Noise noise,
      Tape tape) {
    NDManager m = x.getManager();
    int l0 = config.maxLevel();
    long b = x.getShape().get(0);
    long k = config.latentDim();
    NDArray h = hidden(ps, x, training);
    boolean exactLevel = !fixed && !hard && config.levelEstimator() != LevelEstimator.RELAXED;
    // The Java kernels take categorical level logits; the ordinal form runs in libtorch.
    boolean javaKernels = !exactLevel && !ordinal();
    if (tape != null && !hard && javaKernels) {
      // The latent layer in Java; the cut lets the trunk run backward once, after every
      // head's gradient has reached it.
      return tapedTerms(ps, x, tape.cut(h), s, training, noise, tape);
    }
    NDArray mu = apply(muHead, ps, h, training);
    NDArray alpha = selectionLogits(ps, h, mu, training);
    if (config.selectionGradient() == SelectionGradient.NONE) {
      alpha = alpha.stopGradient();
    }
    NDArray logSigma = boundedLogSigma(apply(logSigmaHead, ps, h, training));

    // Keys r = α + G′ and their top L0 dimensions, the prefix of the ordered draws.
    // The noise scale is 1 except in the settling epochs of training (Schedule.noiseScale).
    float ns = hard ? 1f : (float) s.noiseScale();
    NDArray keys = alpha.add(noisy(GumbelSoftmax.gumbel(noise, m, new Shape(b, k)), ns));
    NDArray order = GumbelSoftmax.order(keys.stopGradient(), l0);

    NDArray logQ = null;
    NDArray q = null;
    NDArray levelNoise = null;
    if (!fixed) {
      logQ = levelLogits(apply(levelHead, ps, h, training)).logSoftmax(1);
      q = logQ.exp();
      levelNoise = noisy(GumbelSoftmax.gumbel(noise, m, new Shape(b, l0)), ns);
    }

    if (exactLevel) {
      return exactLevelTerms(
          ps, x, s, training, noise, mu, alpha, logSigma, keys, order, logQ, q, levelNoise, ns);
    }
    NDArray mask;
    NDArray nnz;
    if (hard) {
      NDArray levels =
          fixed ? m.full(new Shape(b), l0, DataType.INT64) : logQ.add(levelNoise).argMax(1).add(1);
      mask = GumbelSoftmax.hardMask(order, levels, k);
      nnz = levels.toType(DataType.FLOAT32, false);
    } else {
      NDArray levelHard;
      NDArray level = null;
      if (fixed) {
        levelHard = m.full(new Shape(b), l0, DataType.INT64);
      } else {
        level = GumbelSoftmax.relaxedLevel(logQ, levelNoise, s.tau());
        levelHard = level.argMax(1).add(1);
      }
      mask = GumbelSoftmax.relaxedMask(keys, level, s.tau(), l0);
      if (config.straightThrough()) {
        NDArray hardMask = GumbelSoftmax.hardMask(order, levelHard, k);
        mask = hardMask.add(mask.sub(mask.stopGradient()));
      }
      nnz = levelHard.toType(DataType.FLOAT32, false);
    }

    NDArray eps = noisy(noise.normal(m, new Shape(b, k)), ns);
    NDArray z = mask.mul(mu.add(logSigma.exp().mul(eps)));
    NDArray logLik = logLikelihood(ps, x, decode(ps, z, training), training);

    return klTerms(m, ps, s, training, logLik, logQ, q, alpha, order, mu, logSigma, mask, nnz);
  }

  /**
   * The training pass of {@link LevelEstimator#EXACT}: the likelihood's expectation over the level
   * summed over l = 1..L0 with the one sampled selection order, Σ_l q_l·log p(x | z_l), z_l = m_l ⊙
   * v, m_l the first l steps of the relaxation (or, straight-through, the hard top-l mask forward
   * and the relaxed one backward). KL_v with {@link KlV#SELECTED} weighs each dimension by its
   * expected mask Σ_l q_l m_l; KL_L and KL_S are the relaxed pass's. The sampled level is drawn as
   * there (the same noise, in the same order) for the nnz statistics and the budget.
   */
  private Terms exactLevelTerms(
      ParameterStore ps,
      NDArray x,
      Schedule s,
      boolean training,
      Noise noise,
      NDArray mu,
      NDArray alpha,
      NDArray logSigma,
      NDArray keys,
      NDArray order,
      NDArray logQ,
      NDArray q,
      NDArray levelNoise,
      float ns) {
    NDManager m = x.getManager();
    int l0 = config.maxLevel();
    long b = x.getShape().get(0);
    long k = config.latentDim();
    long d = x.getShape().get(1);
    NDArray sampled =
        GumbelSoftmax.relaxedLevel(logQ, levelNoise, s.tau())
            .argMax(1)
            .add(1)
            .toType(DataType.FLOAT32, false);
    NDArray masks = GumbelSoftmax.successive(keys, s.tau(), l0);
    if (config.straightThrough()) {
      masks = prefixMasks(order, k).add(masks.sub(masks.stopGradient()));
    }
    NDArray eps = noisy(noise.normal(m, new Shape(b, k)), ns);
    NDArray v = mu.add(logSigma.exp().mul(eps));
    NDArray z = masks.mul(v.expandDims(1)).reshape(b * l0, k);
    NDArray xs = x.expandDims(1).broadcast(new Shape(b, l0, d)).reshape(b * l0, d);
    NDArray perLevel = logLikelihood(ps, xs, decode(ps, z, training), training).reshape(b, l0);
    if (config.levelEstimator() == LevelEstimator.MARGINAL) {
      return marginalTerms(
          ps, s, training, perLevel, logQ, levelNoise, alpha, order, mu, logSigma, masks);
    }
    NDArray logLik = perLevel.mul(q).sum(new int[] {1});
    NDArray expectedMask =
        config.klV() == KlV.SELECTED ? q.expandDims(1).matMul(masks).squeeze(1) : null;
    return klTerms(
        m, ps, s, training, logLik, logQ, q, alpha, order, mu, logSigma, expectedMask, sampled);
  }

  /**
   * The training pass of {@link LevelEstimator#MARGINAL}. With one sampled selection order and
   * value draw, the objective restricted to level l is F_l = log p(x | z_l) − s·(β_S·KL_S,l +
   * β_v·KL_v,l), KL_S,l and KL_v,l summed over the first l draws. The objective over q(L | x), Σ_l
   * q_l·F_l − s·β_L·KL(q ‖ π), is largest at q*(l) ∝ π_l·exp(F_l / (s·β_L)), and its value there is
   * s·β_L·log Σ_l π_l·exp(F_l / (s·β_L)): the level is marginalised exactly. The terms are returned
   * under q* held fixed, which gives that value and, since q* is the optimum, its gradient (the
   * derivative through q* vanishes). The level head is fitted to q* by the cross-entropy −Σ_l
   * q*_l·log q(l | x), whose gradient q − q* does not vanish on levels the head has given up (the
   * ELBO's does: it is proportional to q). The cross-entropy enters the loss as a term of value 0
   * (it minus itself without gradient), so every reported term keeps its meaning. The sampled level
   * (for the nnz statistics) is a Gumbel-max draw from q*, and the budget steers E_q*[L].
   */
  private Terms marginalTerms(
      ParameterStore ps,
      Schedule s,
      boolean training,
      NDArray perLevelLogLik,
      NDArray logQ,
      NDArray levelNoise,
      NDArray alpha,
      NDArray order,
      NDArray mu,
      NDArray logSigma,
      NDArray masks) {
    NDManager m = perLevelLogLik.getManager();
    int l0 = config.maxLevel();
    NDArray[] kl = levelKl(ps, alpha, order, mu, logSigma, masks, training);
    NDArray klS = kl[0];
    NDArray klV = kl[1];
    double scale = s.klScale();
    NDArray logPrior = logPrior(ps, m, s.priorWeight(), training);
    NDArray f = levelObjective(perLevelLogLik, klS, klV, scale);
    // A KL weight of 0 (warm-up) leaves only the likelihood: q* is then the best level, a limit
    // approached by a small temperature rather than divided by zero.
    double temperature = Math.max(MIN_LEVEL_TEMPERATURE, scale * config.betaL());
    NDArray logQStar =
        f.stopGradient()
            .div(Scalars.of(m, (float) temperature))
            .add(logPrior.stopGradient())
            .logSoftmax(1);
    NDArray qStar = logQStar.exp();
    NDArray klL = qStar.mul(logQStar.sub(logPrior)).sum(new int[] {1});
    NDArray headFit = qStar.mul(logQ).sum(new int[] {1});
    NDArray logLik =
        perLevelLogLik.mul(qStar).sum(new int[] {1}).add(headFit.sub(headFit.stopGradient()));
    NDArray levels = m.arange(1f, l0 + 1f).reshape(1, l0);
    NDArray sampled = logQStar.add(levelNoise).argMax(1).add(1).toType(DataType.FLOAT32, false);
    return terms(
        logLik,
        klL,
        klS.mul(qStar).sum(new int[] {1}),
        klV.mul(qStar).sum(new int[] {1}),
        sampled,
        qStar.mul(levels).sum(new int[] {1}));
  }

  /**
   * log q*(l | x) for {@link LevelInference#EXACT}, shape (B, L0): the optimal level posterior of
   * marginalTerms at the end of training (KL scale 1, the prior at full weight), for the
   * deterministic code — the selection order of α without noise and the values μ — so that L̂ is
   * the level the objective itself prefers for this code. One decoder pass per level.
   */
  private NDArray optimalLevels(ParameterStore ps, NDArray x, NDArray h, NDArray mu) {
    long b = x.getShape().get(0);
    // The decoder runs on rows × L0 codes at once; chunks of rows keep that within
    // LEVEL_ROWS, so that a batch of 1,000 rows with L0 = 20 does not hold 20,000 decoded rows
    // and their activations at the same time.
    long chunk = Math.max(1, LEVEL_ROWS / config.maxLevel());
    NDArray scores;
    if (b <= chunk) {
      scores = levelScores(ps, x, h, mu);
    } else {
      NDList parts = new NDList();
      for (long from = 0; from < b; from += chunk) {
        String rows = from + ":" + Math.min(b, from + chunk);
        // Each chunk's decoded rows are freed as soon as its scores are taken.
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray part = levelScores(ps, x.get(rows), h.get(rows), mu.get(rows));
          NDScope.unregister(part);
          parts.add(part);
        }
      }
      scores = NDArrays.concat(parts, 0);
    }
    return scores.add(logPrior(ps, x.getManager(), 1.0, false)).logSoftmax(1);
  }

  /**
   * log q*(l | x) for {@link LevelInference#SEARCH}, shape (B, L0): the same scores as {@link
   * #optimalLevels}, but only on the levels a local search visits. Each row starts from the level
   * head's mode m (the budget for a model trained at the cap, {@link #searchStart}) and scores m −
   * 1, m, m + 1; while the best scored level is at the edge of the scored range (and not at 1 or
   * L0) the next level beyond it is scored. The search stops at a local maximum of F_l / β_L + log
   * π_l, which is the exact mode wherever that profile has one peak; levels never scored get
   * probability 0. Every round decodes only the (row, level) pairs it asks for, so a row costs
   * about three decoder passes instead of L0.
   */
  private NDArray searchedLevels(
      ParameterStore ps, NDArray x, NDArray h, NDArray mu, NDArray headLogits) {
    NDManager m = x.getManager();
    int l0 = config.maxLevel();
    int b = (int) x.getShape().get(0);
    long k = config.latentDim();
    Prefixes prefixes = prefixes(ps, h, mu);
    // rank[j] = the step at which dimension j is drawn (1..L0), L0 + 1 if it is not: level l's
    // code keeps the dimensions of rank ≤ l.
    NDArray rank =
        m.full(new Shape(b, k), l0 + 1f)
            .scatter(
                prefixes.order(),
                m.arange(1f, l0 + 1f).reshape(1, l0).broadcast(new Shape(b, l0)),
                1);
    float[] penalty =
        levelObjective(m.zeros(new Shape(b, l0)), prefixes.klS(), prefixes.klV(), 1.0)
            .toFloatArray();
    float[] prior = logPrior(ps, m, 1.0, false).toFloatArray();
    int[] start = searchStart(headLogits, b);
    double temperature = Math.max(MIN_LEVEL_TEMPERATURE, config.betaL());
    float[] score = new float[b * l0];
    Arrays.fill(score, Float.NaN);
    int[] lo = new int[b];
    int[] hi = new int[b];
    int[] rows = new int[b * (2 * SEARCH_RADIUS + 1)];
    int[] levels = new int[rows.length];
    int pairs = 0;
    for (int r = 0; r < b; r++) {
      lo[r] = Math.max(0, start[r] - SEARCH_RADIUS);
      hi[r] = Math.min(l0 - 1, start[r] + SEARCH_RADIUS);
      for (int l = lo[r]; l <= hi[r]; l++) {
        rows[pairs] = r;
        levels[pairs++] = l;
      }
    }
    while (pairs > 0) {
      float[] logLik = pairLogLik(ps, x, mu, rank, rows, levels, pairs);
      for (int p = 0; p < pairs; p++) {
        int i = rows[p] * l0 + levels[p];
        score[i] = (float) ((logLik[p] + penalty[i]) / temperature + prior[levels[p]]);
      }
      pairs = 0;
      for (int r = 0; r < b; r++) {
        int best = lo[r];
        for (int l = lo[r] + 1; l <= hi[r]; l++) {
          if (score[r * l0 + l] > score[r * l0 + best]) {
            best = l;
          }
        }
        if (best == lo[r] && lo[r] > 0) {
          rows[pairs] = r;
          levels[pairs++] = --lo[r];
        } else if (best == hi[r] && hi[r] < l0 - 1) {
          rows[pairs] = r;
          levels[pairs++] = ++hi[r];
        }
      }
    }
    for (int i = 0; i < score.length; i++) {
      if (Float.isNaN(score[i])) {
        score[i] = UNSCORED;
      }
    }
    return m.create(score, new Shape(b, l0)).logSoftmax(1);
  }

  /**
   * Where each row's search starts (0-based level): the level head's mode, or for a model trained
   * at the cap, whose head learned the cap rather than the levels its codes take after the level
   * cost is set, the budget — the mean of those levels over the training rows.
   */
  private int[] searchStart(NDArray headLogits, int b) {
    // The config refuses training at the cap without a budget, so targetNnz > 0 here.
    if (config.trainAtCap()) {
      int budget = (int) Math.max(1, Math.min(config.maxLevel(), Math.round(config.targetNnz())));
      int[] start = new int[b];
      Arrays.fill(start, budget - 1);
      return start;
    }
    return headLogits.argMax(1).toType(DataType.INT32, false).toIntArray();
  }

  /** The levels on either side of the start that the search scores first. */
  static final int SEARCH_RADIUS = 1;

  /** The score of a level the search never reached: probability 0 without an infinity. */
  private static final float UNSCORED = -1e30f;

  /**
   * log p(x_r | z_{r,l}) for the first {@code n} (row, level) pairs, level 0-based: each row's
   * deterministic code on its first l + 1 dimensions of α's order, decoded in chunks of {@link
   * #LEVEL_ROWS} pairs.
   */
  private float[] pairLogLik(
      ParameterStore ps, NDArray x, NDArray mu, NDArray rank, int[] rows, int[] levels, int n) {
    NDManager m = x.getManager();
    float[] out = new float[n];
    for (int from = 0; from < n; from += (int) LEVEL_ROWS) {
      int len = (int) Math.min(LEVEL_ROWS, n - from);
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray idx = m.create(Arrays.copyOfRange(rows, from, from + len));
        float[] cut = new float[len];
        for (int p = 0; p < len; p++) {
          cut[p] = levels[from + p] + 1f;
        }
        NDArray keep = rank.get(idx).lte(m.create(cut, new Shape(len, 1)));
        NDArray z = keep.toType(DataType.FLOAT32, false).mul(mu.get(idx));
        NDArray xs = x.get(idx);
        float[] part = logLikelihood(ps, xs, decode(ps, z, false), false).toFloatArray();
        System.arraycopy(part, 0, out, from, len);
      }
    }
    return out;
  }

  /** The most rows × levels that exact level inference decodes in one pass. */
  private static final long LEVEL_ROWS = 2048;

  /**
   * F_l / β_L for l = 1..L0 at the deterministic code, shape (B, L0): F_l = log p(x | z_l) −
   * β_S·KL_S,l − β_v·KL_v,l with z_l the values μ on the first l dimensions of α's order.
   */
  private NDArray levelScores(ParameterStore ps, NDArray x, NDArray h, NDArray mu) {
    NDManager m = x.getManager();
    int l0 = config.maxLevel();
    long b = x.getShape().get(0);
    long k = config.latentDim();
    long d = x.getShape().get(1);
    Prefixes p = prefixes(ps, h, mu);
    NDArray z = p.masks().mul(mu.expandDims(1)).reshape(b * l0, k);
    NDArray xs = x.expandDims(1).broadcast(new Shape(b, l0, d)).reshape(b * l0, d);
    NDArray logLik = logLikelihood(ps, xs, decode(ps, z, false), false).reshape(b, l0);
    return levelObjective(logLik, p.klS(), p.klV(), 1.0)
        .div(Scalars.of(m, (float) Math.max(MIN_LEVEL_TEMPERATURE, config.betaL())));
  }

  /**
   * The deterministic codes of every level for exact and searched level inference: α's order
   * without noise (B, L0), its prefix masks (B, L0, K) and the selection and value KLs of each
   * level (B, L0).
   */
  private record Prefixes(NDArray order, NDArray masks, NDArray klS, NDArray klV) {}

  private Prefixes prefixes(ParameterStore ps, NDArray h, NDArray mu) {
    NDArray alpha = selectionLogits(ps, h, mu, false);
    NDArray logSigma = boundedLogSigma(apply(logSigmaHead, ps, h, false));
    NDArray order = GumbelSoftmax.order(alpha, config.maxLevel());
    NDArray masks = prefixMasks(order, config.latentDim());
    NDArray[] kl = levelKl(ps, alpha, order, mu, logSigma, masks, false);
    return new Prefixes(order, masks, kl[0], kl[1]);
  }

  /**
   * The hard masks of the first l draws of {@code order} (B, L0), for l = 1..L0: shape (B, L0, K),
   * row l − 1 of each example holding ones on its first l selected dimensions.
   */
  private static NDArray prefixMasks(NDArray order, long k) {
    NDManager m = order.getManager();
    long b = order.getShape().get(0);
    long l0 = order.getShape().get(1);
    return m.zeros(new Shape(b, l0, k))
        .scatter(order.reshape(b, l0, 1), m.ones(new Shape(b, l0, 1)), 2)
        .cumSum(1);
  }

  /**
   * KL_S,l and KL_v,l for l = 1..L0, each (B, L0): the selection KL of the first l draws of {@code
   * order}, and the value KL over the dimensions of {@code masks} (with {@link KlV#SELECTED}) or
   * over all of them.
   */
  private NDArray[] levelKl(
      ParameterStore ps,
      NDArray alpha,
      NDArray order,
      NDArray mu,
      NDArray logSigma,
      NDArray masks,
      boolean training) {
    int l0 = config.maxLevel();
    long b = alpha.getShape().get(0);
    NDArray beta =
        selectionPrior == null
            ? null
            : ps.getValue(selectionPrior, alpha.getManager().getDevice(), training);
    NDArray klS = GumbelSoftmax.stepKl(alpha, beta, order, l0).cumSum(1);
    NDArray klDim = gaussianKl(mu, logSigma);
    NDArray klV =
        config.klV() == KlV.SELECTED
            ? masks.matMul(klDim.expandDims(2)).squeeze(2)
            : klDim.sum(new int[] {1}, true).broadcast(new Shape(b, l0));
    return new NDArray[] {klS, klV};
  }

  /** F_l = log p(x | z_l) − s·(β_S·KL_S,l + β_v·KL_v,l), shape (B, L0), at KL scale s. */
  private NDArray levelObjective(NDArray logLik, NDArray klS, NDArray klV, double scale) {
    NDManager m = logLik.getManager();
    return logLik
        .sub(klS.mul(Scalars.of(m, (float) (scale * config.betaS()))))
        .sub(klV.mul(Scalars.of(m, (float) (scale * config.betaV()))));
  }

  /** Rows per pass when the level cost is calibrated after training. */
  private static final int CALIBRATION_BATCH = 1000;

  /**
   * With a budget and a level inference that scores levels with the decoder ({@link
   * LevelInference#EXACT}, {@link LevelInference#SEARCH}), sets the level cost λ so that the codes'
   * mean level over the training rows meets the budget. Training steers λ with the level of its own
   * passes, which the exact mode of the final model need not match (the codes landed 0.6 above a
   * budget of 5 on Fashion-MNIST); λ is the budget's Lagrange multiplier, so this is its last dual
   * step, taken on the codes that encoding gives. L̂(λ) = argmax_l (F_l / β_L − λ·l) falls as λ
   * grows, and λ is found by bisection, within the widest spread of a row's scores (beyond it no
   * row's level moves); F is computed once per row.
   */
  @Override
  public void afterTraining(ParameterStore ps, NDManager manager, float[] rows, int n) {
    calibrate(ps, manager, rows, n);
  }

  /**
   * What {@link #afterTraining} does, returning the mean level over the rows that the calibrated
   * level cost gives (NaN when there is nothing to calibrate: no budget, the head's level
   * inference, or no rows).
   */
  public double calibrate(ParameterStore ps, NDManager manager, float[] rows, int n) {
    if (levelCost == null || config.levelInference() == LevelInference.HEAD || n == 0) {
      return Double.NaN;
    }
    int d = config.inputDim();
    int l0 = config.maxLevel();
    float[] scores = new float[n * l0];
    for (int from = 0; from < n; from += CALIBRATION_BATCH) {
      int b = Math.min(CALIBRATION_BATCH, n - from);
      try (NDManager sub = manager.newSubManager();
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray x = SparseCoder.tensor(sub, rows, from * d, new Shape(b, d));
        NDArray h = hidden(ps, x, false);
        NDArray f = levelScores(ps, x, h, apply(muHead, ps, h, false));
        System.arraycopy(f.toFloatArray(), 0, scores, from * l0, b * l0);
      }
    }
    return calibrateLevelCost(ps, manager, scores, n);
  }

  private double calibrateLevelCost(ParameterStore ps, NDManager manager, float[] scores, int n) {
    int l0 = config.maxLevel();
    // Training bounds λ at ±COST_BOUND because the head lags a moving prior; here nothing lags,
    // and a budget far below what the objective prefers needs more (on Fashion-MNIST, 3 non-zeros
    // under a cap of 6 stayed at 3.97 within ±10). A cost above the largest spread of a row's
    // scores sends every row to level 1, and its negative every row to L0, so the bisection runs
    // within that spread.
    double spread = COST_BOUND;
    for (int r = 0; r < n; r++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int l = 0; l < l0; l++) {
        min = Math.min(min, scores[r * l0 + l]);
        max = Math.max(max, scores[r * l0 + l]);
      }
      if (max - min < Double.POSITIVE_INFINITY) {
        spread = Math.max(spread, max - min + 1);
      }
    }
    double lo = -spread;
    double hi = spread;
    for (int i = 0; i < 60; i++) {
      double mid = (lo + hi) / 2;
      if (meanLevel(scores, n, l0, mid) > config.targetNnz()) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double target = config.targetNnz();
    double lambda =
        Math.abs(meanLevel(scores, n, l0, lo) - target)
                < Math.abs(meanLevel(scores, n, l0, hi) - target)
            ? lo
            : hi;
    ps.getValue(levelCost, manager.getDevice(), false).set(new float[] {(float) lambda});
    return meanLevel(scores, n, l0, (float) lambda);
  }

  /** The mean of argmax_l (scores_l − λ·l) over the rows (the first maximum on ties). */
  static double meanLevel(float[] scores, int n, int l0, double lambda) {
    long total = 0;
    for (int r = 0; r < n; r++) {
      int best = 0;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int l = 0; l < l0; l++) {
        double v = scores[r * l0 + l] - lambda * (l + 1);
        if (v > bestValue) {
          bestValue = v;
          best = l;
        }
      }
      total += best + 1;
    }
    return total / (double) n;
  }

  /** The smallest temperature s·β_L of the optimal level posterior q* (see marginalTerms). */
  static final double MIN_LEVEL_TEMPERATURE = 1e-3;

  /**
   * The KL terms of a libtorch pass and E_q[L | x], with {@code logLik} and {@code nnz} into {@link
   * Terms}: KL_L against the level prior, KL_S = Σ_j q(L ≥ j | x) kl_j, KL_v over all dimensions or
   * weighted by {@code selected} ({@link KlV#SELECTED}). For sdlgm-fixed (q null) KL_L is 0, every
   * step counts, and the expected level is {@code nnz}.
   */
  private Terms klTerms(
      NDManager m,
      ParameterStore ps,
      Schedule s,
      boolean training,
      NDArray logLik,
      NDArray logQ,
      NDArray q,
      NDArray alpha,
      NDArray order,
      NDArray mu,
      NDArray logSigma,
      NDArray selected,
      NDArray nnz) {
    int l0 = config.maxLevel();
    long b = alpha.getShape().get(0);
    NDArray klL;
    NDArray survival;
    if (fixed) {
      klL = m.zeros(new Shape(b));
      survival = m.ones(new Shape(b, l0));
    } else {
      klL = q.mul(logQ.sub(logPrior(ps, m, s.priorWeight(), training))).sum(new int[] {1});
      survival = GumbelSoftmax.survival(q);
    }
    NDArray beta =
        selectionPrior == null ? null : ps.getValue(selectionPrior, m.getDevice(), training);
    NDArray klS = survival.mul(GumbelSoftmax.stepKl(alpha, beta, order, l0)).sum(new int[] {1});
    NDArray klDim = gaussianKl(mu, logSigma);
    NDArray klV =
        config.klV() == KlV.SELECTED
            ? klDim.mul(selected).sum(new int[] {1})
            : klDim.sum(new int[] {1});
    NDArray expected = fixed ? nnz : q.mul(m.arange(1f, l0 + 1f).reshape(1, l0)).sum(new int[] {1});
    return terms(logLik, klL, klS, klV, nnz, expected);
  }

  /**
   * The terms of every sdlgm pass: log p(x | z), then KL_L (level), KL_S (selection) and KL_v
   * (values), weighted in the loss by β_L, β_S and β_v.
   */
  private Terms terms(
      NDArray logLik, NDArray klL, NDArray klS, NDArray klV, NDArray nnz, NDArray expected) {
    return new Terms(
        List.of(
            Terms.Term.likelihood(logLik),
            Terms.Term.kl(KL_L, config.betaL(), klL),
            Terms.Term.kl(KL_S, config.betaS(), klS),
            Terms.Term.kl(KL_V, config.betaV(), klV)),
        nnz,
        expected);
  }

  /**
   * The relaxed pass with the latent layer in Java ({@link RelaxedLatent}): the heads' outputs are
   * read as tape inputs, and z and the three KL terms come back as leaves. Draws the same noise, in
   * the same order, as the libtorch path below it.
   */
  private Terms tapedTerms(
      ParameterStore ps,
      NDArray x,
      NDArray h,
      Schedule s,
      boolean training,
      Noise noise,
      Tape tape) {
    NDManager m = x.getManager();
    int l0 = config.maxLevel();
    int b = (int) x.getShape().get(0);
    int k = config.latentDim();
    NDArray muOut = apply(muHead, ps, h, training);
    Tape.Input alpha = tape.input(selectionLogits(ps, h, muOut, training));
    Tape.Input mu = tape.input(muOut);
    Tape.Input logSigma = tape.input(apply(logSigmaHead, ps, h, training));
    float[] keys = GumbelSoftmax.gumbel(noise, m, new Shape(b, k)).toFloatArray();
    float[] a = alpha.values();
    float ns = (float) s.noiseScale();
    for (int i = 0; i < keys.length; i++) {
      keys[i] = a[i] + (ns == 1f ? keys[i] : ns * keys[i]);
    }
    int[] prefix = SelectionKl.order(keys, b, k, l0);
    Tape.Input levelLogits = fixed ? null : tape.input(apply(levelHead, ps, h, training));
    float[] levelNoise =
        fixed ? null : GumbelSoftmax.gumbel(noise, m, new Shape(b, l0)).toFloatArray();
    float[] eps = noise.normal(m, new Shape(b, k)).toFloatArray();
    if (ns != 1f) {
      scale(levelNoise, ns);
      scale(eps, ns);
    }
    Tape.Input beta =
        selectionPrior == null
            ? null
            : tape.input(ps.getValue(selectionPrior, m.getDevice(), training));
    boolean learnedPrior = !fixed && levelPriorLogits != null;
    Tape.Input prior =
        learnedPrior ? tape.input(ps.getValue(levelPriorLogits, m.getDevice(), training)) : null;
    float[] logPrior =
        fixed
            ? null
            : learnedPrior
                ? prior.values()
                : logPrior(ps, m, s.priorWeight(), training).toFloatArray();
    RelaxedLatent latent =
        new RelaxedLatent(
            keys,
            prefix,
            a,
            beta == null ? null : beta.values(),
            fixed ? null : levelLogits.values(),
            levelNoise,
            logPrior,
            learnedPrior,
            mu.values(),
            logSigma.values(),
            eps,
            b,
            k,
            l0,
            s.tau(),
            config.straightThrough(),
            config.klV() == KlV.SELECTED);
    Shape rows = new Shape(b);
    NDArray[] out =
        tape.outputs(
            m,
            new float[][] {latent.z(), latent.klL(), latent.klS(), latent.klV()},
            new Shape[] {new Shape(b, k), rows, rows, rows},
            g ->
                latent.backward(
                    g[0],
                    g[1],
                    g[2],
                    g[3],
                    // SelectionGradient.NONE: α takes no gradient of its own.
                    config.selectionGradient() == SelectionGradient.NONE ? null : alpha.gradient(),
                    beta == null ? null : beta.gradient(),
                    fixed ? null : levelLogits.gradient(),
                    prior == null ? null : prior.gradient(),
                    mu.gradient(),
                    logSigma.gradient()));
    NDArray logLik = logLikelihood(ps, x, decode(ps, out[0], training), training);
    NDArray sampled = SparseCoder.tensor(m, latent.levels(), rows);
    return terms(
        logLik,
        out[1],
        out[2],
        out[3],
        sampled,
        fixed ? sampled : SparseCoder.tensor(m, latent.expectedLevels(), rows));
  }

  private boolean ordinal() {
    return config.levelPosterior() == LevelPosterior.ORDINAL;
  }

  /**
   * The L0 level logits from the level head's output: the output itself (categorical), or for the
   * ordinal form −(l − m)² / (2 s²) with m = o₀ + (L0 + 1)/2 and s = softplus(o₁) + s_min.
   */
  private NDArray levelLogits(NDArray out) {
    if (!ordinal()) {
      return out;
    }
    NDManager m = out.getManager();
    int l0 = config.maxLevel();
    NDArray location = out.get(":, 0:1").add(Scalars.of(m, (l0 + 1) / 2f));
    NDArray spread =
        Activation.softPlus(out.get(":, 1:2")).add(Scalars.of(m, LevelPosterior.MIN_SPREAD));
    return m.arange(1f, l0 + 1f)
        .reshape(1, l0)
        .sub(location)
        .div(spread)
        .square()
        .mul(Scalars.of(m, -0.5f));
  }

  private static NDArray noisy(NDArray draw, float f) {
    return f == 1f ? draw : draw.mul(Scalars.of(draw.getManager(), f));
  }

  private static void scale(float[] x, float f) {
    if (x != null) {
      for (int i = 0; i < x.length; i++) {
        x[i] *= f;
      }
    }
  }

  @Override
  public CodeBatch encode(ParameterStore ps, NDArray x) {
    NDManager m = x.getManager();
    long b = x.getShape().get(0);
    int k = config.latentDim();
    NDArray heads = encodeHeads(ps, x, encodingWeights(ps, m));
    NDArray mu = heads.get(":, " + k + ":" + 2 * k);
    NDArray alpha = heads.get(":, 0:" + k);
    NDArray levels;
    NDArray probs = null;
    if (fixed) {
      levels = m.full(new Shape(b), config.maxLevel(), DataType.INT64);
    } else {
      NDArray logits = heads.get(":, " + 2 * k + ":");
      probs = logits.softmax(1);
      levels = logits.argMax(1).add(1);
    }
    NDArray mask =
        GumbelSoftmax.hardMask(
            GumbelSoftmax.order(alpha, config.maxLevel()), levels, config.latentDim());
    return new CodeBatch(mask.mul(mu), levels, probs);
  }

  /**
   * The selection, value and (with a count head) level heads as one linear map: weight rows α (K),
   * μ (K), level logits (L0), and the matching bias. One product per batch instead of three, and no
   * concatenation of their outputs.
   */
  @Override
  public NDList encodingWeights(ParameterStore ps, NDManager manager) {
    NDList weights = new NDList();
    NDList biases = new NDList();
    List<Linear> heads = new java.util.ArrayList<>();
    if (selectHead != null) {
      heads.add(selectHead);
    }
    heads.add(muHead);
    if (!fixed) {
      heads.add(levelHead);
    }
    for (Linear head : heads) {
      weights.add(ps.getValue(head.getParameters().get("weight"), manager.getDevice(), false));
      biases.add(ps.getValue(head.getParameters().get("bias"), manager.getDevice(), false));
    }
    NDArray w = NDArrays.concat(weights, 0);
    NDArray bias = NDArrays.concat(biases, 0);
    w.attach(manager);
    bias.attach(manager);
    return new NDList(w, bias);
  }

  @Override
  public NDArray encodeHeads(ParameterStore ps, NDArray x, NDList weights) {
    NDArray h = hidden(ps, x, false);
    NDArray out = Linear.linear(h, weights.get(0), weights.get(1)).head();
    if (!fixed && config.levelInference() != LevelInference.HEAD) {
      long lead = out.getShape().get(1) - (ordinal() ? 2 : config.maxLevel());
      long k = config.latentDim();
      NDArray mu = out.get(":, " + (lead - k) + ":" + lead);
      NDArray levels =
          config.levelInference() == LevelInference.EXACT
              ? optimalLevels(ps, x, h, mu)
              : searchedLevels(ps, x, h, mu, levelLogits(out.get(":, " + lead + ":")));
      out = NDArrays.concat(new NDList(out.get(":, 0:" + lead), levels), 1);
    } else if (ordinal() && !fixed) {
      // The level head's (m, s) become the L0 level logits the encoding reads.
      long lead = out.getShape().get(1) - 2;
      out =
          NDArrays.concat(
              new NDList(out.get(":, 0:" + lead), levelLogits(out.get(":, " + lead + ":"))), 1);
    }
    if (selectHead != null) {
      return out;
    }
    // (μ, levels) from the map; α's columns are |μ| (the top-L̂ of c·|μ| is the top-L̂ of |μ|).
    return NDArrays.concat(new NDList(out.get(":, 0:" + config.latentDim()).abs(), out), 1);
  }
}
