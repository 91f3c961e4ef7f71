package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The tool never lets DJL go online: offline mode is on in the CLI and in this test JVM. */
class OfflineTest {
  @Test
  void djlIsOfflineAfterRun() {
    String before = System.getProperty("ai.djl.offline");
    System.clearProperty("ai.djl.offline");
    try {
      Cli.ok("--version");
      assertEquals(
          "true", System.getProperty("ai.djl.offline"), "Main.run must set ai.djl.offline");
      assertTrue(ai.djl.util.Utils.isOfflineMode(), "DJL is not in offline mode");
    } finally {
      if (before != null) {
        System.setProperty("ai.djl.offline", before);
      }
    }
  }

  @Test
  void surefireSetsDjlOfflineInTheEnvironment() {
    assertEquals("true", System.getenv("DJL_OFFLINE"), "surefire should set DJL_OFFLINE=true");
  }
}
