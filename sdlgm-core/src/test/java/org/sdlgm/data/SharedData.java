package org.sdlgm.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Locates the shared real data ({@code shared/data}, the folder beside the repository): the system
 * property {@code sdlgm.shared.data} (the pom sets it for surefire), else the environment variable
 * {@code SDLGM_SHARED_DATA}, else {@code ../shared/data} relative to the project's root directory —
 * the nearest folder, upwards from the working directory, whose {@code pom.xml} lists the module
 * {@code sdlgm-core}. Tests that need the data skip, with a message, when the folder does not
 * exist. sdlgm-cli's {@code Cli.sharedData} and sdlgm-report's {@code TinyRuns.sharedData} follow
 * the same rule.
 */
public final class SharedData {
  private SharedData() {}

  public static Path dir() {
    return Stream.of(System.getProperty("sdlgm.shared.data"), System.getenv("SDLGM_SHARED_DATA"))
        .filter(p -> p != null && !p.isBlank())
        .map(Path::of)
        .filter(Files::isDirectory)
        .findFirst()
        .orElseGet(SharedData::besideProject);
  }

  /** {@code ../shared/data} relative to the project root (else to the working directory). */
  static Path besideProject() {
    Path root = projectRoot();
    Path base = root != null ? root : Path.of("").toAbsolutePath();
    return base.resolve("..").resolve("shared").resolve("data").normalize();
  }

  /**
   * The nearest folder upwards from the working directory whose pom.xml lists sdlgm-core; null if
   * none.
   */
  static Path projectRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path pom = d.resolve("pom.xml");
      try {
        if (Files.isRegularFile(pom)
            && Files.readString(pom, StandardCharsets.UTF_8)
                .contains("<module>sdlgm-core</module>")) {
          return d;
        }
      } catch (IOException e) {
        // an unreadable pom.xml is not the root; keep walking up
      }
    }
    return null;
  }
}
