package org.sdlgm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

/** DJL must never call home: offline mode on, tracking opted out, in the test JVM too. */
class OfflineModeTest {
  @Test
  void djlRunsOffline() {
    SdlgmRuntime.configure(0);
    Engine.getInstance();
    assertTrue(ai.djl.util.Utils.isOfflineMode(), "DJL offline mode must be on");
    assertEquals("true", System.getenv("DJL_OFFLINE"), "surefire must set DJL_OFFLINE");
    assertEquals("true", System.getenv("OPT_OUT_TRACKING"), "surefire must set OPT_OUT_TRACKING");
  }
}
