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
 * Runs an experiment grid: checks that every data set loads (so a typo fails before any
 * training), runs every cell whose folder has no {@code metrics.json} yet (so a stopped
 * experiment resumes where it stopped), {@code jobs} at a time, then writes the results
 * ({@link ExperimentResults}). A failed cell is reported and does not stop the others.
 */
public final class ExperimentRunner {
  private final ExperimentSpec spec;
  private final Path outDir;
  private final CellLauncher launcher;
  private final int jobs;
  private final PrintStream log;

  public ExperimentRunner(ExperimentSpec spec, Path outDir, CellLauncher launcher, int jobs,
      PrintStream log) {
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
  public record Outcome(List<ExperimentCell> skipped, List<ExperimentCell> ran,
      List<ExperimentCell> failed, ExperimentResults results) {}

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
      } catch (RuntimeException ex) {
        throw new SdlgmException("dataset '" + e.getKey() + "' (" + d.data() + "): "
            + ex.getMessage() + " — nothing was run", ex);
      }
    }
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
      (Files.isRegularFile(outDir.resolve(c.name()).resolve(ModelDirectory.METRICS)) ? skipped : todo).add(c);
    }
    log.printf("experiment '%s': %d runs, %d done already, %d to run (%d at a time) → %s%n",
        spec.name(), cells.size(), skipped.size(), todo.size(), jobs, outDir);
    List<ExperimentCell> failed = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(jobs);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (ExperimentCell c : todo) {
        futures.add(pool.submit(() -> {
          List<String> args = new ArrayList<>(spec.trainArguments(c));
          args.addAll(List.of("--out", outDir.resolve(c.name()).toString(), "--overwrite"));
          Path logFile = outDir.resolve(c.name() + ".log");
          long t0 = System.nanoTime();
          int code;
          try {
            Files.writeString(outDir.resolve(c.name() + ".cmd"), "sdlgm " + String.join(" ", args) + "\n");
            code = launcher.run(args, logFile);
          } catch (Exception e) {
            code = -1;
          }
          boolean ok = code == 0 && Files.isRegularFile(outDir.resolve(c.name()).resolve(ModelDirectory.METRICS));
          if (!ok) {
            failed.add(c);
          }
          synchronized (log) {
            log.printf("%s %s (%.0f s)%s%n", ok ? "done" : "FAILED", c.name(),
                (System.nanoTime() - t0) / 1e9, ok ? "" : ": exit " + code + ", see " + logFile);
          }
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
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
