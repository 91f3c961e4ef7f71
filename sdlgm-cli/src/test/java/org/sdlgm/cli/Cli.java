package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Runs {@link Main#run} in-process with stdout and stderr captured; shared test fixtures. */
final class Cli {
  /** A tiny synthetic source: 300 train / 100 test rows of 64 features, 8 atoms, L_true ≤ 3. */
  static final String SYN = "synthetic:n=300,test=100,seed=1,dim=64,atoms=8,lmax=3";

  /**
   * A tiny model: K = 16, L0 = 4, one hidden layer of 32 each way, no validation split, no report
   * (ReportCommandTest checks that train writes one by default).
   */
  static final List<String> TINY =
      List.of(
          "-K",
          "16",
          "-L",
          "4",
          "--encoder",
          "32",
          "--decoder-hidden",
          "32",
          "--validation",
          "0",
          "--no-report");

  static final ObjectMapper JSON = new ObjectMapper();

  private Cli() {}

  /** What one invocation produced. */
  record Result(int code, String out, String err) {
    /** stderr lines that start with {@code error:}. */
    List<String> errorLines() {
      return err.lines().filter(l -> l.startsWith("error:")).toList();
    }

    /** The single {@code error:} line; fails unless there is exactly one. */
    String error() {
      List<String> e = errorLines();
      assertEquals(1, e.size(), () -> "expected one 'error:' line; " + this);
      return e.get(0);
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
    }
  }

  /** Runs the tool with {@code args}, capturing what it prints. */
  static synchronized Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      System.setOut(o);
      System.setErr(e);
      try {
        code = Main.run(args);
      } finally {
        System.setOut(oldOut);
        System.setErr(oldErr);
      }
    }
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs and asserts exit code 0. */
  static Result ok(String... args) {
    Result r = run(args);
    assertEquals(0, r.code(), () -> "sdlgm " + String.join(" ", args) + "\n" + r);
    return r;
  }

  /** Joins argument pieces: strings and lists of strings. */
  static String[] args(Object... parts) {
    List<String> a = new ArrayList<>();
    for (Object p : parts) {
      if (p instanceof List<?> l) {
        l.forEach(x -> a.add(x.toString()));
      } else if (p instanceof String[] s) {
        a.addAll(Arrays.asList(s));
      } else {
        a.add(p.toString());
      }
    }
    return a.toArray(new String[0]);
  }

  /** {@code train --data SYN TINY --epochs E --out dir extra...}. */
  static Result trainTiny(Path dir, int epochs, String... extra) {
    Result r = tryTrainTiny(dir, epochs, extra);
    assertEquals(0, r.code(), () -> "sdlgm train (tiny) " + String.join(" ", extra) + "\n" + r);
    return r;
  }

  /** As {@link #trainTiny}, returning what a refused run printed instead of failing. */
  static Result tryTrainTiny(Path dir, int epochs, String... extra) {
    return run(
        args(
            "train",
            "--data",
            SYN,
            TINY,
            "--epochs",
            Integer.toString(epochs),
            "--out",
            dir.toString(),
            extra));
  }

  /**
   * The shared real data folder, found as sdlgm-core's test helper SharedData finds it: the system
   * property {@code sdlgm.shared.data} (set by the pom for surefire), else the environment variable
   * {@code SDLGM_SHARED_DATA}, else {@code ../shared/data} relative to the project's root directory
   * (the nearest folder upwards from the working directory whose pom.xml lists the module
   * sdlgm-core). Tests that need it skip when it does not exist.
   */
  static Path sharedData() {
    return Stream.of(System.getProperty("sdlgm.shared.data"), System.getenv("SDLGM_SHARED_DATA"))
        .filter(p -> p != null && !p.isBlank())
        .map(Path::of)
        .filter(Files::isDirectory)
        .findFirst()
        .orElseGet(Cli::sharedDataBesideProject);
  }

  /** {@code ../shared/data} relative to the project root (else to the working directory). */
  private static Path sharedDataBesideProject() {
    Path base = Path.of("").toAbsolutePath();
    for (Path d = base; d != null; d = d.getParent()) {
      Path pom = d.resolve("pom.xml");
      try {
        if (Files.isRegularFile(pom)
            && Files.readString(pom, StandardCharsets.UTF_8)
                .contains("<module>sdlgm-core</module>")) {
          base = d;
          break;
        }
      } catch (IOException e) {
        // an unreadable pom.xml is not the root; keep walking up
      }
    }
    return base.resolve("..").resolve("shared").resolve("data").normalize();
  }

  static JsonNode readJson(Path file) throws IOException {
    return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** Every regular file under {@code dir} (recursively), as paths relative to it. */
  static List<String> filesUnder(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  /** Asserts that no {@code *.tmp} file is anywhere under {@code dir}. */
  static void assertNoTmp(Path dir) throws IOException {
    List<String> tmp = filesUnder(dir).stream().filter(f -> f.endsWith(".tmp")).toList();
    assertTrue(tmp.isEmpty(), () -> "stray temporary files under " + dir + ": " + tmp);
  }

  /** Copies a directory tree. */
  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
