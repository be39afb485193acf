package org.percpulab.bench.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Options every subcommand accepts after its name (a picocli mixin used by {@link BaseCommand}).
 * The shorthands are applied first, then each {@code --set} in order, so {@code --set} wins.
 */
@Command(
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:ok",
        "1:runtime error (simulation or plugin failure)",
        "2:bad input (config key/value/file, usage)"})
public final class CommonOptions {

  @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
      description = "Output format: text or json (default: ${DEFAULT-VALUE}); markdown where "
          + "the command says so (ops).")
  OutputFormat format = OutputFormat.text;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Set a config key (repeatable); wins over the file and the shorthands.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--profile", paramLabel = "NAME",
      description = "Machine profile (see 'percpu-lab profiles'); the file, --kconfig and --set win.")
  String profile;

  @Option(names = "--kconfig", paramLabel = "FILE",
      description = "Kernel .config: CONFIG_ symbols mapped onto config keys (config --explain).")
  Path kconfig;

  @Option(names = "--arch", paramLabel = "ID", description = "Shorthand for --set arch=ID.")
  String arch;

  @Option(names = "--cpus", paramLabel = "N", description = "Shorthand for --set cpus=N.")
  String cpus;

  @Option(names = "--plugins-dir", paramLabel = "DIR",
      description = "Shorthand for --set plugins.dir=DIR (default: plugins).")
  String pluginsDir;

  @Option(names = {"-v", "--verbose"}, description = "DEBUG logging to stderr.")
  boolean verbose;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  public OutputFormat format() {
    return format;
  }

  public Path configFile() {
    return configFile;
  }

  public boolean verbose() {
    return verbose;
  }

  /** Every assignment in application order: shorthands, then the {@code --set}s. */
  public List<String> assignments() {
    List<String> out = new ArrayList<>();
    if (arch != null) {
      out.add("arch=" + arch);
    }
    if (cpus != null) {
      out.add("cpus=" + cpus);
    }
    if (pluginsDir != null) {
      out.add("plugins.dir=" + pluginsDir);
    }
    out.addAll(sets);
    return out;
  }
}
