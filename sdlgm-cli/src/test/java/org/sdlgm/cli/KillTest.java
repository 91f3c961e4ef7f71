package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.io.Checkpoint;
import org.sdlgm.util.FaultInjection;

/**
 * The kill test: trainings of a small model, each in its own JVM, die at chosen moments — inside
 * every phase of a checkpoint write, half-way through its files, while the final model is written
 * ({@link FaultInjection}, which halts the JVM as {@code kill -9} would) and at random times
 * ({@link Process#destroyForcibly}) — and each is then resumed with {@code --resume}. Every resume
 * must either refuse with one clear line (exit 2) or finish with a {@code model.params}
 * bit-identical to the uninterrupted run's. Unsupervised and multi-label. The counts are printed
 * (docs/results.md, "Reliability").
 */
class KillTest {
  @TempDir Path tmp;

  private static final List<String> UNSUPERVISED =
      List.of(
          "train",
          "--data",
          Cli.SYN,
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
          "--epochs",
          "3",
          "--no-eval",
          "--no-report",
          "--threads",
          "1");
  private static final List<String> MULTILABEL =
      List.of(
          "train",
          "--task",
          "multilabel",
          "--data",
          "synthetic-ml:n=300,test=50,features=200,labels=12,lmax=3,seed=3",
          "--hidden",
          "16",
          "--validation",
          "0.2",
          "--keep-best",
          "--epochs",
          "3",
          "--no-eval",
          "--no-report",
          "--threads",
          "1");

  /** What one kill and its resume gave. */
  private record Outcome(
      String point, boolean killed, boolean refused, boolean identical, String detail) {}

  @Test
  void everyResumeAfterAKillRefusesOrIsBitIdentical() throws Exception {
    List<Outcome> all = new ArrayList<>();
    // Three checkpoints of three files each (model.params, adam.state, history.csv), then the
    // model folder (model.params, scaling.json, history.csv, config.json).
    all.addAll(
        campaign(
            "unsupervised",
            UNSUPERVISED,
            List.of(
                "checkpoint.file@1",
                "checkpoint.file@4",
                "checkpoint.manifest@2",
                "checkpoint.aside@2",
                "checkpoint.published@2",
                "write:model.params@2",
                "write:adam.state@3",
                "write:manifest.json@2",
                "write:config.json@1"),
            2));
    // best.params is a fourth file in each of the tagger's checkpoints.
    all.addAll(
        campaign(
            "multilabel", MULTILABEL, List.of("checkpoint.aside@1", "write:best.params@2"), 1));
    long kills = all.stream().filter(Outcome::killed).count();
    long refused = all.stream().filter(Outcome::refused).count();
    long identical = all.stream().filter(Outcome::identical).count();
    StringBuilder sb =
        new StringBuilder(
            String.format(
                "kill test: %d kills, %d resumes refused with one line, %d bit-identical to the uninterrupted run%n",
                kills, refused, identical));
    all.forEach(o -> sb.append("  ").append(o).append('\n'));
    System.out.print(sb);
    Files.writeString(Path.of("target", "kill-test.txt"), sb.toString(), StandardCharsets.UTF_8);
    assertTrue(kills >= 10, sb::toString);
    assertEquals(all.size(), refused + identical, sb::toString);
  }

  @Test
  void sigtermSaysWhereTheCheckpointIsAndTheResumeCommandWorks() throws Exception {
    Path out = tmp.resolve("term");
    List<String> args = new ArrayList<>(withOut(UNSUPERVISED, out));
    args.set(args.indexOf("3"), "300"); // long enough to be stopped in training
    List<String> cmd = javaCommand(null);
    cmd.addAll(args);
    Path log = tmp.resolve("term.log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    Process p = pb.start();
    while (p.isAlive() && !Files.isDirectory(out.resolve(Checkpoint.DIR))) {
      Thread.sleep(5);
    }
    // A second writer, in another JVM, is refused at once, naming the holder.
    List<String> second = new ArrayList<>(args);
    second.add("--resume");
    Run refused = run(second, null, -1);
    assertEquals(2, refused.code, refused.output);
    assertTrue(
        refused.output.contains("in use by another sdlgm run (pid " + p.pid()), refused.output);
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the training did not stop on SIGTERM");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    String notice = output.lines().filter(l -> l.startsWith("interrupted")).findFirst().orElse("");
    assertTrue(
        notice.contains(out.resolve(Checkpoint.DIR).toString()) && notice.endsWith(" --resume"),
        () -> "no resume instructions after SIGTERM:\n" + output);
    // The printed command continues the run (here for two epochs more than the checkpoint's
    // finished ones, to stay short: fewer than it trained would be refused).
    List<String> resume =
        new ArrayList<>(
            List.of(
                notice.substring(notice.indexOf("sdlgm train ") + "sdlgm ".length()).split(" ")));
    long finished =
        Files.readAllLines(
                    out.resolve(Checkpoint.DIR).resolve("history.csv"), StandardCharsets.UTF_8)
                .size()
            - 1;
    resume.set(resume.indexOf("300"), Long.toString(finished + 2));
    Run r = run(resume, null, -1);
    assertEquals(0, r.code, r.output);
  }

  @Test
  void sigtermToAnExperimentStopsItsCellsAndWaitsForThem() throws Exception {
    Path spec = tmp.resolve("grid.yaml");
    Path out = tmp.resolve("exp");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "name: one long cell",
            "datasets:",
            "  syn: {data: \"" + Cli.SYN + "\"}",
            "methods: [sdlgm]",
            "l0: [\"4\"]",
            "seeds: [1]",
            "options: [-K, \"16\", --encoder, \"32\", --decoder-hidden, \"32\", --epochs, \"200\", --validation, \"0\", --no-report]",
            ""));
    List<String> cmd = javaCommand(null);
    cmd.addAll(
        List.of("experiment", spec.toString(), "--out", out.toString(), "--threads-per-run", "1"));
    Path log = tmp.resolve("exp.log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    Process p = pb.start();
    Path cell = out.resolve("syn-sdlgm-L4-s1");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (p.isAlive()
        && !Files.isDirectory(cell.resolve(Checkpoint.DIR))
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    List<ProcessHandle> children = p.descendants().toList();
    assertFalse(children.isEmpty(), () -> "no child JVM is running the cell");
    p.destroy(); // SIGTERM to the experiment only
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the experiment did not stop on SIGTERM");
    for (ProcessHandle c : children) {
      assertFalse(c.isAlive(), "child " + c.pid() + " outlived the experiment");
    }
    String cellLog = Files.readString(out.resolve("syn-sdlgm-L4-s1.log"), StandardCharsets.UTF_8);
    assertTrue(cellLog.contains("interrupted: the last checkpoint"), cellLog);
  }

  /** {@code java … Main}, with {@code haltAt} as the fault-injection point (null: none). */
  private static List<String> javaCommand(String haltAt) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-Xmx512m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path")));
    if (haltAt != null) {
      cmd.add("-D" + FaultInjection.PROPERTY + "=" + haltAt);
    }
    cmd.add(Main.class.getName());
    return cmd;
  }

  private List<Outcome> campaign(
      String name, List<String> args, List<String> points, int randomKills) throws Exception {
    Path ref = tmp.resolve(name + "-reference");
    long t0 = System.nanoTime();
    Run r = run(withOut(args, ref), null, -1);
    assertEquals(0, r.code, () -> "uninterrupted run failed:\n" + r.output);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%s: uninterrupted run %.1f s%n", name, seconds);
    byte[] reference = Files.readAllBytes(ref.resolve("model.params"));
    List<Outcome> outcomes = new ArrayList<>();
    for (String point : points) {
      outcomes.add(killAndResume(name, args, point, -1, reference));
    }
    Random random = new Random(42);
    for (int i = 0; i < randomKills; i++) {
      // JVM start-up takes most of a run: kill at a random moment after the first checkpoint,
      // within the few hundred milliseconds the rest of the training takes.
      long delay = random.nextInt(300);
      outcomes.add(killAndResume(name, args, null, delay, reference));
    }
    return outcomes;
  }

  private Outcome killAndResume(
      String name, List<String> args, String point, long delayMillis, byte[] reference)
      throws Exception {
    String label =
        name
            + " "
            + (point != null
                ? point
                : "random kill " + delayMillis + " ms after the first checkpoint");
    Path out =
        tmp.resolve(
            name + "-" + (point != null ? point.replaceAll("[^a-z0-9]", "_") : "t" + delayMillis));
    Run killed = run(withOut(args, out), point, delayMillis);
    boolean wasKilled = killed.code == FaultInjection.STATUS || killed.code == 137 || killed.killed;
    if (!wasKilled) {
      // The run ended before the random moment: nothing to resume, but it must be the reference.
      assertEquals(0, killed.code, () -> label + ": the run failed:\n" + killed.output);
      boolean same =
          java.util.Arrays.equals(reference, Files.readAllBytes(out.resolve("model.params")));
      assertTrue(same, label + ": finished but differs from the uninterrupted run");
      return new Outcome(label + " (finished before the kill)", false, false, true, "");
    }
    List<String> resumeArgs = new ArrayList<>(withOut(args, out));
    resumeArgs.add("--resume");
    Run resumed = run(resumeArgs, null, -1);
    if (resumed.code == 2) {
      List<String> errors = resumed.output.lines().filter(l -> l.startsWith("error:")).toList();
      assertEquals(
          1, errors.size(), () -> label + ": a refusal must be one error line:\n" + resumed.output);
      assertFalse(
          resumed.output.contains("\tat "), () -> label + ": stack trace:\n" + resumed.output);
      return new Outcome(label, true, true, false, errors.get(0));
    }
    assertEquals(
        0, resumed.code, () -> label + ": resume neither refused nor finished:\n" + resumed.output);
    byte[] params = Files.readAllBytes(out.resolve("model.params"));
    assertArrayEquals(
        reference,
        params,
        () ->
            label
                + ": the resumed model differs from the "
                + "uninterrupted one (a silent wrong result)");
    assertFalse(
        Files.exists(out.resolve(Checkpoint.NEW)) || Files.exists(out.resolve(Checkpoint.OLD)),
        label + ": leftovers of an interrupted checkpoint");
    Cli.assertNoTmp(out);
    return new Outcome(label, true, false, true, "");
  }

  private static List<String> withOut(List<String> args, Path out) {
    List<String> a = new ArrayList<>(args);
    a.addAll(List.of("--out", out.toString()));
    return a;
  }

  private record Run(int code, boolean killed, String output) {}

  /**
   * Runs the tool in a fresh JVM; {@code haltAt} or a kill after {@code delayMillis} (≥ 0) stop it.
   */
  private Run run(List<String> args, String haltAt, long delayMillis)
      throws IOException, InterruptedException {
    List<String> cmd = javaCommand(haltAt);
    cmd.addAll(args);
    Path log = Files.createTempFile(tmp, "run", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    pb.environment().put("OMP_NUM_THREADS", "1");
    long t0 = System.nanoTime();
    Process p = pb.start();
    boolean killed = false;
    if (delayMillis >= 0) {
      Path out = Path.of(args.get(args.indexOf("--out") + 1));
      while (p.isAlive() && !Files.isDirectory(out.resolve(Checkpoint.DIR))) {
        Thread.sleep(5);
      }
      if (!p.waitFor(delayMillis, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        killed = true;
      }
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("sdlgm " + String.join(" ", args) + " hung");
    }
    System.out.printf(
        "%.1f s: %s%s%n",
        (System.nanoTime() - t0) / 1e9,
        haltAt != null ? haltAt + " " : delayMillis >= 0 ? "kill@" + delayMillis + "ms " : "",
        args.contains("--resume") ? "resume" : "run");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    return new Run(p.exitValue(), killed, output);
  }
}
