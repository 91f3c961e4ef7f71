package org.sdlgm.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The parameters as one part of a split batch sees them: for each trainable parameter a leaf tensor
 * that shares the parameter's memory but collects this part's gradient on its own. The parts'
 * gradients can then be added in part order ({@link AdamUpdates#apply(java.util.List)}), which
 * makes the sum independent of which part finishes first for any number of parts — libtorch would
 * add them into the parameters' own gradient in completion order, exact for two parts but not for
 * three or more. It also spares zeroing and accumulating the parameters' gradients: each leaf's
 * gradient is the tensor its backward pass produced.
 *
 * <p>Used by one part's thread during its forward and backward pass, then read by the caller once
 * every part has finished. The leaves and their gradients belong to {@code owner}, closed after the
 * update.
 */
public final class PartGradients extends ParameterStore {
  private final NDManager owner;
  private final IdentityHashMap<Parameter, NDArray> leaves = new IdentityHashMap<>();
  private final IdentityHashMap<Parameter, NDArray> gradients = new IdentityHashMap<>();

  /** Leaves and gradients owned by {@code owner}. */
  public PartGradients(NDManager owner) {
    super(owner, false);
    this.owner = owner;
  }

  @Override
  public NDArray getValue(Parameter parameter, Device device, boolean training) {
    if (parameter == null) {
      return null;
    }
    NDArray leaf = leaves.get(parameter);
    if (leaf == null) {
      NDArray array = parameter.getArray();
      if (!parameter.requiresGradient()) {
        return array;
      }
      // detach() shares the parameter's memory, so the leaf sees every update in place.
      leaf = array.stopGradient();
      NDScope.unregister(leaf);
      leaf.attach(owner);
      leaf.setRequiresGradient(true);
      leaves.put(parameter, leaf);
    }
    return leaf;
  }

  /**
   * Takes hold of the gradients this part's backward pass left on its leaves; called once, on the
   * part's thread, after that pass. They belong to {@code owner} from then on.
   */
  public void collectGradients() {
    for (Map.Entry<Parameter, NDArray> e : leaves.entrySet()) {
      NDArray g = e.getValue().getGradient();
      NDScope.unregister(g);
      g.attach(owner);
      gradients.put(e.getKey(), g);
    }
  }

  /**
   * This part's gradient of {@code parameter} (after {@link #collectGradients}), or null when its
   * pass did not use it.
   */
  public NDArray gradient(Parameter parameter) {
    return gradients.get(parameter);
  }
}
