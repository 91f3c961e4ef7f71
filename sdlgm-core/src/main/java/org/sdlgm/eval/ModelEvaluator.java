package org.sdlgm.eval;

import org.sdlgm.model.TrainedModel;

/**
 * Scores a trained model on data: the one evaluator contract, implemented by {@link Evaluator} (the
 * unsupervised model on a train/test pair: test metrics, with the training part feeding the linear
 * probe) and the multi-label {@code TaggerEvaluator} (a labelled data set, under each set rule the
 * model reports). Evaluation is a step of its own, separate from training: it needs only the model
 * and the data, and returns metrics that are written to {@code metrics.json} as they are.
 *
 * @param <M> the model type
 * @param <D> the data it is scored on
 * @param <R> the evaluation it returns
 */
public interface ModelEvaluator<M extends TrainedModel<?>, D, R> {
  /** The metrics of {@code model} on {@code data}. */
  R evaluate(M model, D data);
}
