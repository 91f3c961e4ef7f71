package org.sdlgm.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Locates the shared real data ({@code shared/data}): the surefire property (the repository's
 * sibling {@code ../shared/data}), else the environment variable {@code SDLGM_SHARED_DATA},
 * else the workplace's {@code /work/shared/data}. Tests that need it skip, with a message,
 * when none exists.
 */
public final class SharedData {
  private SharedData() {}

  public static Path dir() {
    return Stream.of(System.getProperty("sdlgm.shared.data"), System.getenv("SDLGM_SHARED_DATA"),
            "/work/shared/data")
        .filter(p -> p != null && !p.isBlank())
        .map(Path::of)
        .filter(Files::isDirectory)
        .findFirst()
        .orElse(Path.of("../shared/data"));
  }
}
