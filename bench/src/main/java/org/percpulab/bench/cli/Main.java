package org.percpulab.bench.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code percpu-lab}: the command-line entry point. Each subcommand is a {@link BaseCommand}
 * subclass listed below (one per line, so parallel additions merge cleanly).
 */
@Command(
    name = "percpu-lab",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Simulator of per-CPU kernel page tables and the percpu local map.",
    synopsisSubcommandLabel = "COMMAND",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:ok",
        "1:runtime error (simulation or plugin failure)",
        "2:bad input (config key/value/file, usage)"},
    footer = "%nRun 'percpu-lab COMMAND --help' for a command's options.",
    subcommands = {
        PluginsCommand.class,
        ConfigCommand.class,
        ProfilesCommand.class,
        PtdumpCommand.class,
        HotplugCommand.class,
        BootCommand.class,
        WalkCommand.class,
        VmallocinfoCommand.class,
        PercpuStatsCommand.class,
        OpsCommand.class,
        HazardsCommand.class,
        RunCommand.class,
        SuiteCommand.class,
        NewArchCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class Main implements java.util.concurrent.Callable<Integer> {

  @picocli.CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs {@code args} with the given stdout/stderr and returns the exit code (used by tests). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** A fresh command line with every subcommand. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return ExitCodes.RUNTIME;
    });
    return cl;
  }

  /** Without a subcommand: usage on stderr, bad input. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println("error: missing COMMAND");
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.BAD_INPUT;
  }

  /** {@code --version}: the project version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"percpu-lab " + (v == null ? "dev" : v)};
    }
  }
}
