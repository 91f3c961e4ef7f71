package org.sdlgm.data;

import java.nio.file.Path;

/** Locates /work/shared/data: the surefire property, else ../../shared/data from the module. */
final class SharedData {
  private SharedData() {}

  static Path dir() {
    String p = System.getProperty("sdlgm.shared.data");
    return p != null && !p.isBlank() ? Path.of(p) : Path.of("../../shared/data");
  }
}
