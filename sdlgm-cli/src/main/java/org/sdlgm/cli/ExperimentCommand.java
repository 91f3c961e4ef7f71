package org.sdlgm.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sdlgm.SdlgmException;
import org.sdlgm.experiment.CellLauncher;
import org.sdlgm.experiment.ExperimentCell;
import org.sdlgm.experiment.ExperimentResults;
import org.sdlgm.experiment.ExperimentRunner;
import org.sdlgm.experiment.ExperimentSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sdlgm experiment}: run a grid of trainings and tabulate the results. */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
      "Run a grid of trainings (methods x data sets x L0 or targets x seeds) and tabulate it.",
      "",
      "Reads SPEC (YAML or JSON: name, task, out, datasets, methods, l0 or targets, capFactor,",
      "seeds, seedsPerTarget, options, methodOptions), checks it and loads every data set",
      "before any training, runs each cell as 'sdlgm train' in its own JVM (skipping cells",
      "already finished, so a stopped experiment resumes; a finished cell whose arguments",
      "the spec has changed since is refused), then writes results.csv,",
      "results.md (mean +- std over seeds), for unsupervised grids over targets or several",
      "L0 values the reconstruction-error and probe-accuracy against mean nnz figures, and",
      "index.html linking every run's report. Targets are budgets (mean non-zeros per code):",
      "sdlgm, batchtopk-ae and vsc get --target-nnz T and -L ceil(capFactor*T) (at most K),",
      "topk-ae and sdlgm-fixed -L T, vae neither. Paths are relative to the working folder.",
      "",
      "Ctrl-C or SIGTERM is passed on to the running cells, which stop at once (each keeps",
      "its last checkpoint), and waited for.",
      "",
      "Example: sdlgm experiment experiments/multilabel.yaml --jobs 2"
    })
final class ExperimentCommand implements Callable<Integer> {
  @Parameters(
      arity = "1..*",
      paramLabel = "SPEC",
      description = "Experiment files (.yaml, .yml or .json); several run one after the other.")
  List<Path> specFiles;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      description =
          "Output folder (default: the spec's 'out', else runs/<spec name>); one SPEC only.")
  Path out;

  @Option(
      names = "--results-doc",
      paramLabel = "FILE",
      description =
          "Also put each experiment's table into FILE (e.g. docs/results.md) between the markers <!-- sdlgm-experiment: NAME --> and <!-- /sdlgm-experiment: NAME --> (NAME = the spec file's name without extension; appended when absent); figures are copied to figures/ next to FILE.")
  Path resultsDoc;

  @Option(names = "--jobs", paramLabel = "N", description = "Runs at a time (default 1).")
  int jobs = 1;

  @Option(
      names = "--threads-per-run",
      paramLabel = "T",
      description = "Threads per run, as --threads (default: all cores with --jobs 1, else 1).")
  Integer threadsPerRun;

  @Option(
      names = "--dry-run",
      description = "Check the spec and data, print the commands, run nothing.")
  boolean dryRun;

  @Option(names = "--results-only", description = "Only (re)write the results from finished runs.")
  boolean resultsOnly;

  @Option(
      names = "--in-process",
      description = "Run cells in this JVM, one at a time (small grids, debugging).")
  boolean inProcess;

  @Override
  public Integer call() throws Exception {
    if (out != null && specFiles.size() > 1) {
      throw new SdlgmException("--out takes one SPEC; with several, each uses its own 'out'");
    }
    if (jobs < 1) {
      throw new SdlgmException("--jobs must be ≥ 1, got " + jobs);
    }
    if (threadsPerRun != null && threadsPerRun < 1) {
      throw new SdlgmException("--threads-per-run must be ≥ 1, got " + threadsPerRun);
    }
    // Every file is read and checked before the first one runs.
    List<ExperimentSpec> specs = new ArrayList<>();
    for (Path f : specFiles) {
      ExperimentSpec spec = ExperimentSpec.read(f);
      // A repeated seed, L0 or target gives two cells one folder: they would train into it in
      // turn (or at once, with --jobs) and count twice in the mean ± std.
      java.util.Set<String> names = new java.util.HashSet<>();
      for (ExperimentCell c : spec.cells()) {
        if (!names.add(c.name())) {
          throw new SdlgmException(
              f
                  + ": the run "
                  + c.name()
                  + " appears twice (a seed, L0 or target is listed more than once)");
        }
      }
      specs.add(spec);
    }
    List<SdlgmException> failures = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      Path f = specFiles.get(i);
      String name = f.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
      Path dir =
          out != null
              ? out
              : specs.get(i).out() != null ? Path.of(specs.get(i).out()) : Path.of("runs", name);
      try {
        runOne(specs.get(i), dir);
      } catch (SdlgmException e) {
        if (specs.size() == 1) {
          throw e;
        }
        System.err.println("error: " + f + ": " + e.getMessage());
        failures.add(e);
      }
      if (resultsDoc != null && !dryRun) {
        ResultsDocument.update(resultsDoc, name, dir);
        System.out.println("table of " + name + " written into " + resultsDoc);
      }
    }
    if (!failures.isEmpty()) {
      throw new SdlgmException(
          failures.size() + " of " + specs.size() + " experiments had failed runs (see above)");
    }
    return 0;
  }

  private void runOne(ExperimentSpec spec, Path dir) throws Exception {
    if (resultsOnly) {
      ExperimentResults r = ExperimentResults.collect(spec, dir);
      r.write();
      System.out.println(
          "results of "
              + r.rows().stream().map(ExperimentResults.Row::cell).distinct().count()
              + " runs written to "
              + dir.resolve("results.md")
              + " and "
              + dir.resolve("index.html"));
      return;
    }
    int threads =
        threadsPerRun != null
            ? threadsPerRun
            : jobs == 1 ? Runtime.getRuntime().availableProcessors() : 1;
    ExperimentRunner runner =
        new ExperimentRunner(
            spec,
            dir,
            inProcess ? inProcess(threads) : childJvm(threads),
            inProcess ? 1 : jobs,
            System.err);
    // Every cell's arguments are checked as train checks them before anything runs.
    for (ExperimentCell c : spec.cells()) {
      checkArguments(c.name(), spec.trainArguments(c), dir.resolve(c.name()));
    }
    if (dryRun) {
      runner.checkData();
      runner.checkDone();
      for (ExperimentCell c : spec.cells()) {
        System.out.println(
            "sdlgm "
                + String.join(" ", spec.trainArguments(c))
                + " --out "
                + dir.resolve(c.name()));
      }
      System.out.println(
          spec.cells().size() + " runs; data sets load; nothing was run (--dry-run)");
      return;
    }
    ExperimentRunner.Outcome o;
    ChildProcesses children = ChildProcesses.INSTANCE;
    Thread hook = new Thread(children::stopAll, "sdlgm-experiment-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      o = runner.run();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook stops the children
      }
    }
    System.out.println(
        String.format(
            Locale.ROOT,
            "%d runs done now, %d were done before, %d failed; results in %s (results.md, results.csv, index.html)",
            o.ran().size(),
            o.skipped().size(),
            o.failed().size(),
            dir));
    if (!o.failed().isEmpty()) {
      throw new SdlgmException(
          o.failed().size()
              + " runs failed: "
              + o.failed().stream().map(ExperimentCell::name).toList()
              + "; see their .log files in "
              + dir
              + " and run the same command again to retry them");
    }
  }

  /**
   * Parses a cell's arguments as {@code sdlgm train} would and runs its data-free checks ({@link
   * TrainCommand#checkOptions}), so that a dry run fails where the real run would.
   */
  private static void checkArguments(String cell, List<String> args, Path out) {
    List<String> a = new ArrayList<>(args);
    a.addAll(List.of("--out", out.toString()));
    picocli.CommandLine cl = new picocli.CommandLine(Main.class);
    try {
      picocli.CommandLine.ParseResult pr = cl.parseArgs(a.toArray(new String[0]));
      Object cmd = pr.subcommand().commandSpec().userObject();
      if (cmd instanceof TrainCommand train) {
        train.checkOptions();
      }
    } catch (picocli.CommandLine.ParameterException | SdlgmException e) {
      throw new SdlgmException("run " + cell + ": " + e.getMessage() + " — nothing was run");
    }
  }

  /** Each cell as {@code sdlgm train} in a child JVM with this JVM's class path. */
  private static CellLauncher childJvm(int threads) {
    return (args, log) -> {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Dai.djl.offline=true",
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName()));
      cmd.addAll(args);
      cmd.addAll(List.of("--threads", Integer.toString(threads)));
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("DJL_OFFLINE", "true");
      pb.environment().put("OPT_OUT_TRACKING", "true");
      pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
      // As the launcher: keep freed tensor memory in the process (docs/model.md, choice 23).
      pb.environment().putIfAbsent("MALLOC_TRIM_THRESHOLD_", "4294967296");
      pb.environment().putIfAbsent("MALLOC_TOP_PAD_", "268435456");
      pb.environment().putIfAbsent("MALLOC_MMAP_THRESHOLD_", "33554432");
      Process p = ChildProcesses.INSTANCE.start(pb);
      try {
        return p.waitFor();
      } finally {
        ChildProcesses.INSTANCE.forget(p);
      }
    };
  }

  /** Each cell through {@link Main#run} in this JVM, its output captured into the log. */
  private static CellLauncher inProcess(int threads) {
    return (args, log) -> {
      PrintStream oldOut = System.out;
      PrintStream oldErr = System.err;
      try (PrintStream p =
          new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
        System.setOut(p);
        System.setErr(p);
        List<String> a = new ArrayList<>(args);
        a.addAll(List.of("--threads", Integer.toString(threads)));
        return Main.run(a.toArray(new String[0]));
      } finally {
        System.setOut(oldOut);
        System.setErr(oldErr);
      }
    };
  }
}
