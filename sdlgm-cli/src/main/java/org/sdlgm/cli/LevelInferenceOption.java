package org.sdlgm.cli;

import org.sdlgm.io.ModelInfo;
import org.sdlgm.model.LevelInference;
import org.sdlgm.model.SdlgmConfig;
import picocli.CommandLine.Option;

/**
 * The {@code --level-inference} override of the commands that read a trained coder ({@code encode},
 * {@code eval}): how this one run chooses each code's level, in place of the mode the model was
 * trained with. Only encoding reads the mode, so the parameters serve either way, and comparing the
 * modes on one model needs no second training.
 */
public final class LevelInferenceOption {
  @Option(
      names = "--level-inference",
      paramLabel = "head|exact|search",
      description =
          "Override how this run chooses each code's L̂ (default: the model's own, config.json): "
              + "head reads the level head (fastest), exact scores every level with the decoder, "
              + "search scores the levels of a local climb from the head's mode.")
  String levelInference;

  /** {@code info} with the override applied, or as it is without one. */
  <D> ModelInfo<SdlgmConfig, D> apply(ModelInfo<SdlgmConfig, D> info) {
    if (levelInference == null) {
      return info;
    }
    ModelInfo<SdlgmConfig, D> read =
        info.withModel(info.model().withLevelInference(LevelInference.of(levelInference)));
    read.model().headAtCapNote().ifPresent(System.err::println);
    return read;
  }
}
