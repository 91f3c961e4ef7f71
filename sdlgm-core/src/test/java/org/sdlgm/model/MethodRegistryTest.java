package org.sdlgm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A method is one {@link Method} constant and its block class: every constant builds its block
 * through {@link LatentBlock#of}, names its budget, and round-trips through its id.
 */
class MethodRegistryTest {
  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void everyMethodBuildsItsBlockAndNamesItsBudget() {
    for (Method m : Method.values()) {
      SdlgmConfig c =
          SdlgmConfig.builder()
              .method(m)
              .inputDim(8)
              .latentDim(6)
              .maxLevel(3)
              .encoderHidden(List.of(8))
              .decoderHidden(List.of(8))
              .build();
      try (SparseCoder coder = SparseCoder.create(c)) {
        assertNotNull(coder.block(), m.id());
        assertEquals(m, coder.config().method());
      }
      assertNotNull(m.budget(), m.id());
      assertEquals(m, Method.of(m.id()));
    }
  }
}
