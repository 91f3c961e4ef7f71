package org.sdlgm.cli;

import java.io.PrintWriter;
import org.sdlgm.SdlgmException;
import org.sdlgm.SdlgmRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code sdlgm} command-line tool. Sets DJL offline before any DJL class loads,
 * then dispatches to the sub-commands. Exit codes: 0 success, 2 bad input or usage (with one clear
 * message), 3 training diverged, 70 an unexpected exception — a bug, reported as one line that says
 * so and names a log file holding the full trace ({@link BugReport}).
 */
@Command(
    name = "sdlgm",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Sparse representations with a per-example number of non-zeros under a hard cap L0",
      "(SDLGM: Xu, Onoro Rubio, Serra, Niepert, IJCNN 2021)."
    },
    subcommands = {
      TrainCommand.class,
      EvalCommand.class,
      EncodeCommand.class,
      CalibrateCommand.class,
      PredictCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      ReportCommand.class,
      ExperimentCommand.class,
      IndexCommand.class,
      SearchCommand.class,
      ServeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the tool with {@code args} and returns the exit code (tests call this directly). */
  public static int run(String... args) {
    int threads = threadsFrom(args);
    if (threads < 1) {
      System.err.println("error: --threads must be ≥ 1, got " + threads);
      return 2;
    }
    SdlgmRuntime.configure(threads);
    CommandLine cl = new CommandLine(new Main());
    // The descriptions are written for 100 columns; picocli would wrap them at 80.
    cl.setUsageHelpWidth(100);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          PrintWriter err = cmd.getErr();
          if (ex instanceof org.sdlgm.train.TrainingDivergedException) {
            err.println("error: " + ex.getMessage());
            return 3;
          }
          if (ex instanceof SdlgmException
              || ex instanceof java.io.UncheckedIOException
              || ex instanceof java.io.IOException) {
            err.println("error: " + ex.getMessage());
            return 2;
          }
          return BugReport.report(ex, args, err);
        });
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          // One clear line, and where to look, rather than the whole usage text.
          CommandLine cmd = ex.getCommandLine();
          cmd.getErr()
              .println(
                  "error: "
                      + ex.getMessage()
                      + " (see '"
                      + cmd.getCommandSpec().qualifiedName()
                      + " --help')");
          if (cmd.getParent() == null) {
            cmd.usage(cmd.getErr());
          }
          return 2;
        });
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      // Errors pass picocli's handler; the up-front size checks make this rare.
      System.err.println(
          "error: out of memory ("
              + e.getMessage()
              + "); give Java more memory "
              + "(java -Xmx…, or SDLGM_JAVA_OPTS=-Xmx… for ./sdlgm), or use fewer rows, a smaller "
              + "model or a smaller --batch");
      return 2;
    } catch (RuntimeException | Error e) {
      PrintWriter err =
          new PrintWriter(
              new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8),
              true);
      return BugReport.report(e, args, err);
    }
  }

  /** libtorch's thread count must be set before the engine loads, so read it early. */
  private static int threadsFrom(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--threads=")) {
        try {
          return Integer.parseInt(a.substring("--threads=".length()));
        } catch (NumberFormatException e) {
          return SdlgmRuntime.defaultThreads(); // picocli then reports the bad value
        }
      }
      if (a.equals("--threads") && i + 1 < args.length) {
        try {
          return Integer.parseInt(args[i + 1]);
        } catch (NumberFormatException e) {
          return SdlgmRuntime.defaultThreads();
        }
      }
    }
    return SdlgmRuntime.defaultThreads();
  }

  /**
   * Prints library, DJL and engine versions. The DJL and PyTorch versions come from {@code
   * org/sdlgm/cli/sdlgm-versions.properties}, which Maven fills in from the root pom's {@code
   * djl.version} and {@code pytorch.native.version}; "unknown" if it is missing.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      java.util.Properties v = buildVersions();
      return new String[] {
        "sdlgm "
            + org.sdlgm.io.Provenance.libraryVersion()
            + " (DJL "
            + v.getProperty("djl.version", "unknown")
            + ", PyTorch engine "
            + v.getProperty("pytorch.native.version", "unknown")
            + ", CPU)"
      };
    }

    private static java.util.Properties buildVersions() {
      java.util.Properties p = new java.util.Properties();
      try (java.io.InputStream in = Main.class.getResourceAsStream("sdlgm-versions.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (java.io.IOException ex) {
        // leave the versions unknown
      }
      return p;
    }
  }
}
