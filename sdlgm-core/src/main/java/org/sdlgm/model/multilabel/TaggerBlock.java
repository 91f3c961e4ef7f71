package org.sdlgm.model.multilabel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import java.util.List;
import org.sdlgm.model.GumbelSoftmax;
import org.sdlgm.model.Scalars;

/**
 * The network of the supervised model (docs/multilabel.md, "The model"): an MLP trunk h = f(x),
 * label logits α = W_α h (K = C, the sparse representation is the label indicator itself) and, for
 * {@code sdlgm}, a count head q(L | x) over L_min..L0. {@link #loss} computes the training
 * objective of the configured method; {@link #forwardInternal} returns α and the level
 * probabilities for prediction.
 */
public final class TaggerBlock extends AbstractBlock {
  private final TaggerConfig config;
  private final SequentialBlock trunk;
  private final Linear labelHead;
  private final Linear levelHead;

  TaggerBlock(TaggerConfig config) {
    super((byte) 1);
    if (config.numFeatures() < 1 || config.numLabels() < 1) {
      throw new IllegalArgumentException(
          "numFeatures and numLabels must be resolved before building");
    }
    this.config = config;
    SequentialBlock t = new SequentialBlock();
    for (int h : config.hidden()) {
      t.add(Linear.builder().setUnits(h).build()).add(Activation.reluBlock());
      if (config.dropout() > 0) {
        t.add(Dropout.builder().optRate((float) config.dropout()).build());
      }
    }
    trunk = addChildBlock("trunk", t);
    labelHead = addChildBlock("labelHead", Linear.builder().setUnits(config.numLabels()).build());
    levelHead =
        config.method().hasCountHead()
            ? addChildBlock("levelHead", Linear.builder().setUnits(config.numLevels()).build())
            : null;
  }

  public TaggerConfig config() {
    return config;
  }

  private long hiddenWidth() {
    return config.hidden().isEmpty()
        ? config.numFeatures()
        : config.hidden().get(config.hidden().size() - 1);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // PyTorch's default Linear initialisation, as in the unsupervised model (docs/model.md).
    setInitializer(
        new XavierInitializer(
            XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1f),
        Parameter.Type.WEIGHT);
    long b = inputShapes[0].get(0);
    trunk.initialize(manager, dataType, inputShapes[0]);
    Shape h = new Shape(b, hiddenWidth());
    labelHead.initialize(manager, dataType, h);
    if (levelHead != null) {
      levelHead.initialize(manager, dataType, h);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long b = inputShapes[0].get(0);
    return levelHead == null
        ? new Shape[] {new Shape(b, config.numLabels())}
        : new Shape[] {new Shape(b, config.numLabels()), new Shape(b, config.numLevels())};
  }

  /** α (B, C) and, with a count head, q(L | x) (B, L0 − L_min + 1): the prediction pass. */
  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray h = apply(trunk, ps, inputs.singletonOrThrow(), training);
    NDArray alpha = apply(labelHead, ps, h, training);
    if (levelHead == null) {
      return new NDList(alpha);
    }
    return new NDList(alpha, apply(levelHead, ps, h, training).softmax(1));
  }

  /**
   * {@link #forwardInternal}'s prediction pass for sparse rows: α (B, C) and, with a count head,
   * q(L | x), with the first layer computed from the rows' non-zeros ({@link #sparseHidden}).
   */
  public NDList sparseForward(ParameterStore ps, NDArray indices, NDArray values) {
    NDArray h = sparseHidden(ps, indices, values);
    NDArray alpha = apply(labelHead, ps, h, false);
    if (levelHead == null) {
      return new NDList(alpha);
    }
    return new NDList(alpha, apply(levelHead, ps, h, false).softmax(1));
  }

  /** True when the network has a hidden layer, whose first product {@link #sparseHidden} reads. */
  public boolean readsSparseRows() {
    return !config.hidden().isEmpty();
  }

  /**
   * The trunk's output for sparse rows: the first layer's product W x + b gathered from the columns
   * of W at each row's non-zeros and summed with their values, (B, M, H) → (B, H), then the rest of
   * the trunk as usual — B·M·H operations instead of B·D·H. For prediction; training uses {@link
   * #sparseLoss}, whose gradient covers only the columns a batch uses.
   *
   * @param indices feature indices (B, M), int64, padded with any index
   * @param values their values (B, M), 0 at padding
   */
  NDArray sparseHidden(ParameterStore ps, NDArray indices, NDArray values) {
    return hiddenFromColumns(
        ps, firstWeight(ps, indices.getDevice(), false), indices, values, false);
  }

  /** The first layer's weight W (H, D), the parameter sparse training updates column-wise. */
  public Parameter firstWeight() {
    if (!readsSparseRows()) {
      throw new IllegalStateException("a network without hidden layers reads dense rows only");
    }
    return ((Linear) trunk.getChildren().values().get(0)).getParameters().get("weight");
  }

  private NDArray firstWeight(ParameterStore ps, ai.djl.Device device, boolean training) {
    return ps.getValue(firstWeight(), device, training);
  }

  /**
   * The trunk's output when the first layer's product reads {@code columns} (H, U) of W at
   * positions {@code indices} (B, M) of those columns, weighted by {@code values} (B, M).
   */
  private NDArray hiddenFromColumns(
      ParameterStore ps, NDArray columns, NDArray indices, NDArray values, boolean training) {
    java.util.List<Block> layers = trunk.getChildren().values();
    Linear first = (Linear) layers.get(0);
    NDArray bias = ps.getValue(first.getParameters().get("bias"), indices.getDevice(), training);
    long b = indices.getShape().get(0);
    long width = indices.getShape().get(1);
    // Columns at the batch's positions: (H, B·M), then rows of the batch. Values first, so that
    // the results belong to the batch's manager, not the parameters'.
    NDArray picked =
        columns.get(new ai.djl.ndarray.index.NDIndex(":, {}", indices.reshape(b * width)));
    NDArray h =
        values
            .expandDims(2)
            .mul(picked.transpose().reshape(b, width, -1))
            .sum(new int[] {1})
            .add(bias);
    for (int i = 1; i < layers.size(); i++) {
      h = apply(layers.get(i), ps, h, training);
    }
    return h;
  }

  /**
   * {@link #loss} for a batch of sparse rows whose first layer reads only the columns of W its rows
   * use: {@code columns} (H, U) holds them (a leaf of its own, so that the gradient is (H, U), not
   * W's whole (H, D)), {@code indices} (B, M, int64) the rows' positions among them and {@code
   * values} (B, M) their values (0 at padding).
   */
  public NDList sparseLoss(
      ParameterStore ps,
      NDArray columns,
      NDArray indices,
      NDArray values,
      NDArray y,
      NDArray countOneHot,
      double tau,
      boolean training) {
    return lossAt(
        ps,
        hiddenFromColumns(ps, columns, indices, values, training),
        y,
        countOneHot,
        tau,
        training);
  }

  private static NDArray apply(Block b, ParameterStore ps, NDArray x, boolean training) {
    return b.forward(ps, new NDList(x), training).singletonOrThrow();
  }

  /**
   * The names of {@link #loss}'s per-example outputs after the total, in their order: the count
   * term −log q(n(Y) | x), the set loss, and the level of the relaxed sample (a statistic). The
   * trainer's {@code history.csv} has a column {@code train_<name>} for each.
   */
  public static final List<String> TERMS = List.of("count_nll", "set_loss", "level");

  /**
   * Per-example training terms for a batch: the total, then {@link #TERMS} ({@code countNll,
   * setLoss, relaxedLevel}), each of shape (B). {@code total = λ·countNll + setLoss}.
   *
   * @param x features (B, D), already transformed
   * @param y label indicator (B, C)
   * @param countOneHot one-hot of the count target n(Y) − L_min, (B, L0 − L_min + 1); ignored
   *     without a count head
   * @param tau Gumbel-Softmax temperature
   */
  public NDList loss(
      ParameterStore ps, NDArray x, NDArray y, NDArray countOneHot, double tau, boolean training) {
    return lossAt(ps, apply(trunk, ps, x, training), y, countOneHot, tau, training);
  }

  private NDList lossAt(
      ParameterStore ps, NDArray h, NDArray y, NDArray countOneHot, double tau, boolean training) {
    NDManager m = y.getManager();
    long b = y.getShape().get(0);
    long c = config.numLabels();
    NDArray alpha = apply(labelHead, ps, h, training);
    if (config.method() == TaggerMethod.BR_MLP) {
      NDArray bce = softplus(alpha).sub(y.mul(alpha)).sum(new int[] {1});
      return new NDList(bce, m.zeros(new Shape(b)), bce, y.sum(new int[] {1}));
    }
    int l0 = config.maxLevel();
    NDArray logQ = null;
    NDArray countNll;
    if (levelHead != null) {
      logQ = apply(levelHead, ps, h, training).logSoftmax(1);
      countNll = logQ.mul(countOneHot).sum(new int[] {1}).neg();
    } else {
      countNll = m.zeros(new Shape(b));
    }
    NDArray setLoss;
    NDArray level;
    if (config.objective() == SetObjective.PLACKETT_LUCE) {
      setLoss = plackettLuce(alpha, y, l0);
      level = y.sum(new int[] {1}).minimum(Scalars.of(m, (float) l0));
    } else {
      NDArray keys = alpha.add(GumbelSoftmax.gumbel(m, new Shape(b, c)));
      NDArray cj = GumbelSoftmax.successive(keys, tau, l0);
      NDArray mask;
      NDArray levelHard;
      if (logQ == null) {
        mask = cj.get(":, " + (l0 - 1) + ", :");
        levelHard = m.full(new Shape(b), l0, DataType.INT64);
      } else {
        NDArray ell =
            GumbelSoftmax.relaxedLevel(
                logQ, GumbelSoftmax.gumbel(m, new Shape(b, config.numLevels())), tau);
        // With L_min = 0 the first level is the empty set, whose relaxed j-hot vector is 0.
        NDArray ellPos = config.minLevel() == 0 ? ell.get(":, 1:") : ell;
        mask = GumbelSoftmax.relaxedMask(ellPos, cj);
        levelHard = ell.argMax(1).add(config.minLevel());
      }
      if (config.straightThrough()) {
        NDArray hard =
            GumbelSoftmax.hardMask(GumbelSoftmax.order(keys.stopGradient(), l0), levelHard, c);
        mask = hard.add(mask.sub(mask.stopGradient()));
      }
      // An affine squash rather than a clamp: a clamp kills the gradient where m saturates.
      float eps = (float) config.bceEpsilon();
      NDArray sq = mask.mul(Scalars.of(m, 1f - 2f * eps)).add(Scalars.of(m, eps));
      NDArray one = Scalars.of(m, 1f);
      setLoss = y.mul(sq.log()).add(one.sub(y).mul(one.sub(sq).log())).sum(new int[] {1}).neg();
      level = levelHard.toType(DataType.FLOAT32, false);
    }
    NDArray total =
        config.countWeight() == 1.0
            ? countNll.add(setLoss)
            : countNll.mul(Scalars.of(m, (float) config.countWeight())).add(setLoss);
    return new NDList(total, countNll, setLoss, level);
  }

  /**
   * The Plackett–Luce bound −log P(o | x) for a uniformly random order o of Y′, with Y′ = Y when
   * |Y| ≤ L0 and otherwise the L0 labels of Y that the model currently ranks highest (no gradient
   * through that choice). Each step's normaliser sums e^α over the labels outside Y′ plus a suffix
   * sum over the remaining positions of o — sums of positive terms, so nothing cancels (the same
   * device as {@link GumbelSoftmax#stepKl}). Rows with Y = ∅ contribute 0.
   */
  static NDArray plackettLuce(NDArray alpha, NDArray y, int l0) {
    NDManager m = alpha.getManager();
    long b = alpha.getShape().get(0);
    int k = (int) Math.min(l0, alpha.getShape().get(1));
    // Y′: the k highest-scoring labels among Y (non-labels pushed far below any logit).
    NDArray one = Scalars.of(m, 1f);
    NDArray pick = alpha.stopGradient().add(y.sub(one).mul(Scalars.of(m, 1e9f)));
    NDArray idx = pick.topK(k, 1, true, true).get(1);
    NDArray valid = y.gather(idx, 1);
    // A uniformly random order of the chosen labels, invalid slots last.
    NDArray perm =
        m.randomUniform(0f, 1f, new Shape(b, k))
            .add(valid.neg().add(one).mul(Scalars.of(m, 2f)))
            .argSort(1, true);
    NDArray order = idx.gather(perm, 1);
    NDArray ok = valid.gather(perm, 1);
    NDArray chosen = m.zeros(alpha.getShape()).scatter(order, ok, 1);

    NDArray maxA = alpha.max(new int[] {1}, true).stopGradient();
    NDArray e = alpha.sub(maxA).maximum(Scalars.of(m, -80f)).exp();
    NDArray outside = e.mul(chosen.neg().add(one)).sum(new int[] {1}, true);
    NDArray eo = e.gather(order, 1).mul(ok);
    NDArray suffix = GumbelSoftmax.triangle(m, k);
    NDArray logZ = outside.add(eo.matMul(suffix)).log().add(maxA);
    return logZ.sub(alpha.gather(order, 1)).mul(ok).sum(new int[] {1});
  }

  /** softplus(a) = log(1 + e^a): libtorch's, stable for any a. */
  private static NDArray softplus(NDArray a) {
    return Activation.softPlus(a);
  }
}
