package org.sdlgm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Where the tests look for the shared data when neither the property nor the variable is set. */
class SharedDataTest {
  @Test
  void projectRootIsTheFolderWhosePomListsTheModules() throws IOException {
    Path root = SharedData.projectRoot();
    assertNotNull(root, "no pom.xml listing sdlgm-core above " + Path.of("").toAbsolutePath());
    assertTrue(
        Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8)
            .contains("<module>sdlgm-core</module>"));
    assertTrue(Files.isDirectory(root.resolve("sdlgm-core")), root::toString);
  }

  @Test
  void defaultIsSharedDataBesideTheProject() {
    Path root = SharedData.projectRoot();
    assertNotNull(root);
    assertEquals(root.getParent().resolve("shared").resolve("data"), SharedData.besideProject());
  }
}
