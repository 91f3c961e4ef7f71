package org.sdlgm.cli;

import java.util.List;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.multilabel.FeatureTransform;
import org.sdlgm.model.multilabel.SetObjective;
import org.sdlgm.model.multilabel.TaggerConfig;
import org.sdlgm.model.multilabel.TaggerMethod;
import picocli.CommandLine.Option;

/**
 * Options of {@code train --task multilabel} (a picocli mixin). The shared model options ({@code
 * --method}, {@code -L}, {@code --hard}, {@code --tau0}, {@code --tau-min}, {@code --tau-rate}) are
 * read from {@link ModelOptions}; only options given override {@link TaggerConfig}'s defaults.
 */
public final class MultiLabelOptions {
  @Option(
      names = "--labels",
      paramLabel = "SRC",
      description = {
        "Multi-label data: which ARFF attributes are labels — a Mulan XML file, first:C or last:C",
        "(overrides the data spec's own; default: the XML next to the file, else MEKA's -C)."
      })
  String labels;

  @Option(
      names = "--objective",
      paramLabel = "O",
      description = "Multi-label set loss: relaxed-bce (default) or plackett-luce.")
  String objective;

  @Option(
      names = "--hidden",
      split = ",",
      paramLabel = "H1,...",
      description = "Multi-label trunk hidden sizes (default 512; empty for a linear model).")
  List<Integer> hidden;

  @Option(
      names = "--dropout",
      paramLabel = "P",
      description = "Multi-label trunk dropout rate (default 0).")
  Double dropout;

  @Option(
      names = "--count-weight",
      paramLabel = "λ",
      description = "Weight λ of the count term −log q(n(Y)|x) (default 1).")
  Double countWeight;

  @Option(
      names = "--min-level",
      paramLabel = "auto|0|1",
      description =
          "Smallest predicted set size: 0 allows empty sets (default auto: 0 if a training row has no label).")
  String minLevel;

  @Option(
      names = "--features",
      paramLabel = "KIND",
      description =
          "Feature preprocessing fitted on the training rows: auto (default), none, binary, tfidf, standardize.")
  String features;

  @Option(
      names = "--threshold",
      paramLabel = "T",
      description = "br-mlp: probability threshold of the threshold rule (default 0.5).")
  Double threshold;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      description =
          "br-mlp: k of the top-k rule (default: the training label cardinality, rounded).")
  Integer topK;

  @Option(
      names = "--bce-epsilon",
      paramLabel = "E",
      description = "Squash ε_b of the relaxed mask in the BCE (default 1e-6).")
  Double bceEpsilon;

  @Option(
      names = "--keep-best",
      description = "Keep the epoch with the best validation example-F1 instead of the last.")
  boolean keepBest;

  @Option(
      names = "--sparse-rows",
      paramLabel = "auto|on|off",
      description =
          "How training reads rows: auto (sparse rows, with the first layer's weights updated "
              + "only where a batch has non-zeros, from 10,000 features when fewer than 10%% are "
              + "non-zero; the default), on or off.")
  String sparseRows;

  /** {@code --sparse-rows} as the trainer takes it: null for auto. */
  Boolean sparseRows() {
    if (sparseRows == null || sparseRows.equals("auto")) {
      return null;
    }
    if (sparseRows.equals("on") || sparseRows.equals("off")) {
      return sparseRows.equals("on");
    }
    throw new SdlgmException("--sparse-rows must be auto, on or off, got '" + sparseRows + "'");
  }

  /** Options of the unsupervised model that make no sense with --task multilabel. */
  static final List<String> UNSUPERVISED_ONLY =
      List.of(
          "--latent-dim",
          "--encoder",
          "--decoder",
          "--decoder-hidden",
          "--likelihood",
          "--sigma-x",
          "--fixed-sigma-x",
          "--kl-v",
          "--tau-per-epoch",
          "--prior",
          "--rho",
          "--prior-phase",
          "--learn-selection-prior",
          "--beta-l",
          "--beta-s",
          "--beta-v",
          "--warmup",
          "--checkpoint-every",
          "--delta",
          "--plain",
          "--target-nnz",
          "--settle",
          "--train-at-cap",
          "--selection",
          "--selection-scale",
          "--level-estimator",
          "--level-posterior",
          "--selection-gradient",
          "--clip-mean",
          "--level-inference");

  /** Options of this mixin that make no sense for an unsupervised run. */
  static final List<String> MULTILABEL_ONLY =
      List.of(
          "--labels",
          "--objective",
          "--hidden",
          "--dropout",
          "--count-weight",
          "--min-level",
          "--features",
          "--threshold",
          "--top-k",
          "--bce-epsilon",
          "--keep-best",
          "--sparse-rows");

  boolean autoMinLevel() {
    return minLevel == null || minLevel.equals("auto");
  }

  FeatureTransform.Kind featureKind() {
    return FeatureTransform.Kind.of(features == null ? "auto" : features);
  }

  TaggerConfig apply(ModelOptions model) {
    model.check();
    TaggerConfig.Builder b = TaggerConfig.builder();
    if (model.method != null) {
      b.method(TaggerMethod.of(model.method));
    }
    if (model.maxLevel != null) {
      b.maxLevel(model.maxLevel);
    }
    if (model.hard != null) {
      b.straightThrough(model.hard);
    }
    if (model.tau0 != null) {
      b.tau0(model.tau0);
    }
    if (model.tauMin != null) {
      b.tauMin(model.tauMin);
    }
    if (model.tauRate != null) {
      b.tauRate(model.tauRate);
    }
    if (objective != null) {
      b.objective(SetObjective.of(objective));
    }
    if (hidden != null) {
      b.hidden(hidden);
    }
    if (dropout != null) {
      b.dropout(dropout);
    }
    if (countWeight != null) {
      b.countWeight(countWeight);
    }
    if (!autoMinLevel()) {
      switch (minLevel) {
        case "0":
          b.minLevel(0);
          break;
        case "1":
          b.minLevel(1);
          break;
        default:
          throw new SdlgmException("--min-level takes auto, 0 or 1; got '" + minLevel + "'");
      }
    }
    if (threshold != null) {
      b.threshold(threshold);
    }
    if (topK != null) {
      if (topK < 1) {
        throw new SdlgmException("--top-k must be ≥ 1, got " + topK);
      }
      b.topK(topK);
    }
    if (bceEpsilon != null) {
      b.bceEpsilon(bceEpsilon);
    }
    return b.build();
  }
}
