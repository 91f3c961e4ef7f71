package org.sdlgm.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.sdlgm.SdlgmException;

/**
 * Which model a run trains. {@code sdlgm} is the model of docs/model.md; the others are the
 * baselines that go through the same data, training, evaluation and encoding pipeline so that their
 * numbers are comparable: {@code sdlgm-fixed} (the ablation with L = L0 always), {@code vae} (a
 * dense Gaussian VAE with K latent dimensions), {@code topk-ae} (a k-sparse autoencoder with k =
 * L0, Makhzani and Frey 2013), {@code batchtopk-ae} (a BatchTopK autoencoder with a mean of k
 * non-zeros and a global threshold at inference, capped at L0, Bussmann et al. 2024) and {@code
 * vsc} (spike-and-slab variational sparse coding, Tonolini et al. 2020).
 */
public enum Method {
  SDLGM("sdlgm", SdlgmBlock::new, Budget.MEAN, true),
  SDLGM_FIXED("sdlgm-fixed", SdlgmBlock::new, Budget.CAP, true),
  VAE("vae", VaeBlock::new, Budget.NONE, true),
  TOPK_AE("topk-ae", TopKBlock::new, Budget.CAP, false),
  BATCHTOPK_AE("batchtopk-ae", BatchTopKBlock::new, Budget.MEAN, false),
  VSC("vsc", VscBlock::new, Budget.MEAN, true);

  /**
   * How a method takes a budget of non-zeros, so that methods can be compared at the same mean nnz:
   * {@code MEAN} aims at a target mean (the target is {@code --target-nnz}, the per-code cap L0
   * stays), {@code CAP} has exactly L0 non-zeros per code (so its budget is its cap), {@code NONE}
   * gives dense codes.
   */
  public enum Budget {
    MEAN,
    CAP,
    NONE
  }

  private final String id;

  @SuppressWarnings("ImmutableEnumChecker") // constructor references, which hold no state
  private final java.util.function.Function<SdlgmConfig, LatentBlock> block;

  private final Budget budget;
  private final boolean elbo;

  // A new method is one constant here and its block class: everything else asks these.
  Method(
      String id,
      java.util.function.Function<SdlgmConfig, LatentBlock> block,
      Budget budget,
      boolean elbo) {
    this.id = id;
    this.block = block;
    this.budget = budget;
    this.elbo = elbo;
  }

  @JsonValue
  public String id() {
    return id;
  }

  /** True for the two SDLGM variants, which share the two-step Gumbel-Softmax sampler. */
  public boolean isSdlgm() {
    return this == SDLGM || this == SDLGM_FIXED;
  }

  /** True when the model defines an ELBO (everything but the two autoencoders). */
  public boolean hasElbo() {
    return elbo;
  }

  /** How the method takes a budget of non-zeros. */
  public Budget budget() {
    return budget;
  }

  /** A new, uninitialised block of this method for {@code config}. */
  LatentBlock newBlock(SdlgmConfig config) {
    return block.apply(config);
  }

  @JsonCreator
  public static Method of(String id) {
    return Options.parse(Method.class, id, Method::id, "method");
  }

  @Override
  public String toString() {
    return id;
  }

  /** Shared lookup for the lower-case option enums of the model packages. */
  public static final class Options {
    private Options() {}

    /**
     * The constant whose {@code name} equals {@code id} ignoring case; else an error listing all.
     */
    public static <E extends Enum<E>> E parse(
        Class<E> type, String id, java.util.function.Function<E, String> name, String what) {
      for (E e : type.getEnumConstants()) {
        if (name.apply(e).equalsIgnoreCase(id)) {
          return e;
        }
      }
      throw new SdlgmException(
          "unknown "
              + what
              + " '"
              + id
              + "'; expected one of: "
              + Arrays.stream(type.getEnumConstants()).map(name).collect(Collectors.joining(", ")));
    }
  }
}
