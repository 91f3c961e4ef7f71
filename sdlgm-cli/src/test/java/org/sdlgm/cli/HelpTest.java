package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --help} and {@code --version}. */
class HelpTest {
  @ParameterizedTest
  @ValueSource(strings = {"train", "eval", "encode", "calibrate", "bench"})
  void subcommandHelpShowsAnExample(String command) {
    Cli.Result r = Cli.ok(command, "--help");
    assertTrue(r.out().contains("Usage: sdlgm " + command), r::toString);
    assertTrue(r.out().contains("Example: sdlgm " + command), r::toString);
    assertEquals("", r.err(), "help must not print to stderr");
  }

  @Test
  void demoHelpShowsAnExample() {
    Cli.Result r = Cli.ok("demo", "--help");
    assertTrue(r.out().contains("Example: sdlgm demo"), r::toString);
  }

  @Test
  void demoHelpExits0() {
    Cli.Result r = Cli.ok("demo", "--help");
    assertTrue(r.out().contains("Usage: sdlgm demo"), r::toString);
    assertTrue(r.out().contains("--out"), r::toString);
  }

  @Test
  void helpSubcommand() {
    Cli.Result r = Cli.ok("help", "encode");
    assertTrue(r.out().contains("Usage: sdlgm encode"), r::toString);
  }

  @Test
  void topLevelHelpListsTheCommands() {
    Cli.Result r = Cli.ok("--help");
    for (String c :
        new String[] {
          "train", "eval", "encode", "predict", "demo", "bench", "report", "experiment"
        }) {
      assertTrue(r.out().contains(c), () -> c + " not listed\n" + r);
    }
  }

  @Test
  void everyCommandHasHelpWithAnExample() {
    for (String c :
        new String[] {
          "train", "eval", "encode", "predict", "demo", "bench", "report", "experiment"
        }) {
      Cli.Result r = Cli.ok(c, "--help");
      assertTrue(r.out().contains("Usage: sdlgm " + c), () -> c + "\n" + r);
      assertTrue(r.out().contains("Example: sdlgm " + c), () -> c + " help has no example\n" + r);
    }
  }

  @Test
  void version() {
    Cli.Result r = Cli.ok("--version");
    assertTrue(r.out().startsWith("sdlgm "), r::toString);
    assertTrue(r.out().contains("DJL"), r::toString);
    // The versions come from the filtered sdlgm-versions.properties (the root pom's properties).
    assertTrue(
        r.out().contains("(DJL " + ai.djl.engine.Engine.getDjlVersion() + ", PyTorch engine "),
        r::toString);
    assertTrue(!r.out().contains("unknown") && !r.out().contains("${"), r::toString);
  }

  @Test
  void subcommandVersion() {
    assertTrue(Cli.ok("train", "--version").out().contains("sdlgm"));
  }

  @Test
  void noSubcommandIsAUsageError() {
    Cli.Result r = Cli.run();
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("Usage: sdlgm"), r::toString);
  }

  @Test
  void unknownOptionIsAUsageError() {
    Cli.Result r = Cli.run("train", "--out", "unused", "--no-such-option");
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("--no-such-option"), r::toString);
  }
}
