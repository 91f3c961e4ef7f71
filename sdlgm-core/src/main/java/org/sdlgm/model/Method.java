package org.sdlgm.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.sdlgm.SdlgmException;

/**
 * Which model a run trains. {@code sdlgm} is the model of docs/model.md; the others are the
 * baselines that go through the same data, training, evaluation and encoding pipeline so that their
 * numbers are comparable: {@code sdlgm-fixed} (the ablation with L = L0 always), {@code vae}
 * (a dense Gaussian VAE with K latent dimensions), {@code topk-ae} (a k-sparse autoencoder
 * with k = L0, Makhzani and Frey 2013), {@code batchtopk-ae} (a BatchTopK autoencoder with a
 * mean of k non-zeros and a global threshold at inference, capped at L0, Bussmann et al.
 * 2024) and {@code vsc} (spike-and-slab variational sparse coding, Tonolini et al. 2020).
 */
public enum Method {
  SDLGM("sdlgm"),
  SDLGM_FIXED("sdlgm-fixed"),
  VAE("vae"),
  TOPK_AE("topk-ae"),
  BATCHTOPK_AE("batchtopk-ae"),
  VSC("vsc");

  private final String id;

  Method(String id) {
    this.id = id;
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
    return this != TOPK_AE && this != BATCHTOPK_AE;
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

    /** The constant whose {@code name} equals {@code id} ignoring case; else an error listing all. */
    public static <E extends Enum<E>> E parse(
        Class<E> type, String id, java.util.function.Function<E, String> name, String what) {
      for (E e : type.getEnumConstants()) {
        if (name.apply(e).equalsIgnoreCase(id)) {
          return e;
        }
      }
      throw new SdlgmException(
          "unknown " + what + " '" + id + "'; expected one of: "
              + Arrays.stream(type.getEnumConstants()).map(name).collect(Collectors.joining(", ")));
    }
  }
}
