package org.sdlgm.experiment;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.multilabel.MultiLabelPlan;
import org.sdlgm.io.ModelDirectory;

/**
 * Runs an experiment grid: checks that every data set loads (so a typo fails before any training),
 * runs every cell whose folder has no {@code metrics.json} yet (so a stopped experiment resumes
 * where it stopped), {@code jobs} at a time, then writes the results ({@link ExperimentResults}). A
 * finished cell counts as done only if it was trained with the arguments the spec gives it now
 * (recorded in {@code CELL.cmd}); a cell trained under an edited spec is refused, naming the option
 * and both values, before anything runs. A failed cell is reported and does not stop the others; an
 * unexpected exception (a bug) stops the run.
 */
public final class ExperimentRunner {
  private final ExperimentSpec spec;
  private final Path outDir;
  private final CellLauncher launcher;
  private final int jobs;
  private final PrintStream log;

  public ExperimentRunner(
      ExperimentSpec spec, Path outDir, CellLauncher launcher, int jobs, PrintStream log) {
    if (jobs < 1) {
      throw new SdlgmException("jobs must be ≥ 1, got " + jobs);
    }
    this.spec = spec;
    this.outDir = outDir;
    this.launcher = launcher;
    this.jobs = jobs;
    this.log = log;
  }

  /** What a run did: cells already done before, cells run now, and cells that failed. */
  public record Outcome(
      List<ExperimentCell> skipped,
      List<ExperimentCell> ran,
      List<ExperimentCell> failed,
      ExperimentResults results) {}

  /** Loads every data set once; the first that fails is reported with the data set's name. */
  public void checkData() {
    for (var e : spec.datasets().entrySet()) {
      ExperimentSpec.Dataset d = e.getValue();
      try {
        if (spec.task().equals("multilabel")) {
          new MultiLabelPlan(d.data(), d.test(), d.labels(), 0, 1).load();
        } else {
          new DataPlan(d.data(), d.test(), 0, 1).load();
        }
      } catch (SdlgmException | java.io.UncheckedIOException ex) {
        // Bad data only; anything else is a bug and goes up as one.
        throw new SdlgmException(
            "dataset '"
                + e.getKey()
                + "' ("
                + d.data()
                + "): "
                + ex.getMessage()
                + " — nothing was run",
            ex);
      }
    }
  }

  /** The suffix of the file beside each cell's folder that records its train arguments. */
  public static final String CMD = ".cmd";

  /**
   * Refuses finished cells whose recorded arguments ({@code CELL.cmd}) differ from what the spec
   * gives them now: their results belong to another experiment. Cells without a record (run by an
   * older sdlgm) are taken as they are.
   */
  public void checkDoneCells(List<ExperimentCell> done) {
    for (ExperimentCell c : done) {
      Path cmd = outDir.resolve(c.name() + CMD);
      if (!Files.isRegularFile(cmd)) {
        continue;
      }
      List<String> was;
      try {
        was = List.of(Files.readString(cmd).strip().split(" "));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot read " + cmd + ": " + e.getMessage(), e);
      }
      int out = was.indexOf("--out");
      List<String> recorded =
          was.subList(
              was.isEmpty() || !was.get(0).equals("sdlgm") ? 0 : 1, out < 0 ? was.size() : out);
      // Compared as recorded: joined with spaces and split again.
      List<String> now = List.of(String.join(" ", spec.trainArguments(c)).split(" "));
      String diff = firstDifference(recorded, now);
      if (diff != null) {
        throw new SdlgmException(
            outDir.resolve(c.name())
                + ": finished under another spec ("
                + diff
                + "); delete that folder to run it again under this spec, or use another --out");
      }
    }
  }

  /** The first option whose value differs between two argument lists, with both values. */
  static String firstDifference(List<String> was, List<String> now) {
    java.util.Map<String, String> a = options(was);
    java.util.Map<String, String> b = options(now);
    java.util.Set<String> names = new java.util.LinkedHashSet<>(a.keySet());
    names.addAll(b.keySet());
    for (String n : names) {
      if (!java.util.Objects.equals(a.get(n), b.get(n))) {
        return "it ran with " + show(n, a.get(n)) + ", the spec now gives " + show(n, b.get(n));
      }
    }
    return null;
  }

  private static String show(String name, String value) {
    return value == null ? "no " + name : value.isEmpty() ? name : name + " " + value;
  }

  /** Options and their values ("" for a flag); the first word (the command) counts as one too. */
  private static java.util.Map<String, String> options(List<String> args) {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("-") && !a.matches("-[0-9.].*")) {
        boolean hasValue =
            i + 1 < args.size()
                && !(args.get(i + 1).startsWith("-") && !args.get(i + 1).matches("-[0-9.].*"));
        m.put(a, hasValue ? args.get(++i) : "");
      } else {
        m.put("(argument " + (i + 1) + ")", a);
      }
    }
    return m;
  }

  /** {@link #checkDoneCells} for every cell that has finished in the output folder. */
  public void checkDone() {
    checkDoneCells(spec.cells().stream().filter(this::finished).toList());
  }

  /** Whether a cell has finished: its folder holds {@code metrics.json}. */
  private boolean finished(ExperimentCell c) {
    return Files.isRegularFile(outDir.resolve(c.name()).resolve(ModelDirectory.METRICS));
  }

  public Outcome run() throws InterruptedException {
    checkData();
    try {
      Files.createDirectories(outDir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<ExperimentCell> cells = spec.cells();
    List<ExperimentCell> skipped = new ArrayList<>();
    List<ExperimentCell> todo = new ArrayList<>();
    for (ExperimentCell c : cells) {
      (finished(c) ? skipped : todo).add(c);
    }
    checkDoneCells(skipped);
    log.printf(
        "experiment '%s': %d runs, %d done already, %d to run (%d at a time) → %s%n",
        spec.name(), cells.size(), skipped.size(), todo.size(), jobs, outDir);
    List<ExperimentCell> failed = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(jobs);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (ExperimentCell c : todo) {
        futures.add(
            pool.submit(
                () -> {
                  List<String> args = new ArrayList<>(spec.trainArguments(c));
                  args.addAll(List.of("--out", outDir.resolve(c.name()).toString(), "--overwrite"));
                  Path logFile = outDir.resolve(c.name() + ".log");
                  long t0 = System.nanoTime();
                  int code;
                  String why;
                  try {
                    org.sdlgm.util.AtomicFiles.writeString(
                        outDir.resolve(c.name() + CMD), "sdlgm " + String.join(" ", args) + "\n");
                    code = launcher.run(args, logFile);
                    why = "exit " + code + ", see " + logFile;
                  } catch (java.io.IOException | java.io.UncheckedIOException e) {
                    // The cell could not be started (its log or process): a failed cell, said so.
                    code = -1;
                    why = e.getMessage();
                  }
                  boolean ok = code == 0 && finished(c);
                  if (!ok) {
                    failed.add(c);
                  }
                  synchronized (log) {
                    log.printf(
                        "%s %s (%.0f s)%s%n",
                        ok ? "done" : "FAILED",
                        c.name(),
                        (System.nanoTime() - t0) / 1e9,
                        ok ? "" : ": " + why);
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    List<ExperimentCell> ran = new ArrayList<>(todo);
    ran.removeAll(failed);
    ExperimentResults results = ExperimentResults.collect(spec, outDir);
    results.write();
    return new Outcome(skipped, ran, List.copyOf(failed), results);
  }
}
