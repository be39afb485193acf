package org.percpulab.bench.cli;

import com.google.inject.Injector;
import com.google.inject.Module;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.percpulab.core.boot.Boot;
import org.percpulab.core.boot.BootContext;
import org.percpulab.core.boot.ResolvedConfig;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.config.CoreKeys;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.plugin.PluginLoadError;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every {@code percpu-lab} subcommand. Gives the shared options ({@link CommonOptions}),
 * lazy and cached config/boot/injector, stdout/stderr writers and the exit-code mapping:
 * {@link ConfigException} = bad input (2), any other exception = runtime error (1, message on
 * stderr; stack trace with {@code -v}).
 *
 * <p>To add a subcommand: extend this class, annotate it {@code @Command(name = "...",
 * description = "...")}, implement {@link #run()}, and add the class to the list in {@link Main}.
 * Write results with {@link #out()} (text) or {@link #printJson(Object)} when {@link #json()}.
 */
public abstract class BaseCommand implements Callable<Integer> {

  @Mixin
  protected CommonOptions common;

  @Spec
  protected CommandSpec spec;

  private ResolvedConfig resolved;
  private BootContext boot;
  private ArchRegistry registry;
  private InputLayers inputs;
  private boolean kconfigWarned;

  /** Whether the command prints {@code --format markdown} (default: no, bad input). */
  protected boolean supportsMarkdown() {
    return false;
  }

  /**
   * Whether the user's config (file, {@code --set}, shorthands) is checked against every known
   * key before {@link #run()} (default yes; a command that reads the shorthands differently, like
   * {@code suite}'s comma list of {@code --arch}, checks it itself).
   */
  protected boolean validatesConfigEarly() {
    return true;
  }

  /** The command's work. Return an {@link ExitCodes} value. */
  protected abstract int run() throws Exception;

  @Override
  public final Integer call() {
    if (common.verbose()) {
      Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.DEBUG);
    }
    try {
      if (common.format() == OutputFormat.markdown && !supportsMarkdown()) {
        throw new ConfigException("option '--format': value 'markdown' is not allowed for '"
            + spec.name() + "'; allowed: text|json");
      }
      OptionChecks.checkBounds(spec);
      if (validatesConfigEarly() && (common.configFile() != null
          || !common.assignments().isEmpty())) {
        // every command, also one that never boots, refuses a bad key or value at once
        ArchRegistry r = registry();
        List<org.percpulab.core.spi.ConfigKey> keys = Boot.keys(r);
        List<ConfigProblem> problems = new org.percpulab.core.config.ConfigValidator(keys)
            .checkValues(userConfig().withDefaults(keys), r.ids());
        if (!problems.isEmpty()) {
          throw ConfigException.of(problems);
        }
      }
      return run();
    } catch (ConfigException e) {
      for (String line : e.lines()) {
        err().println("error: " + line);
      }
      return ExitCodes.BAD_INPUT;
    } catch (Exception | StackOverflowError | OutOfMemoryError e) {
      err().println("error: " + UsageErrors.oneLine(e));
      if (common.verbose()) {
        e.printStackTrace(err());
      }
      return ExitCodes.RUNTIME;
    } finally {
      err().flush();
      out().flush();
      if (registry != null) {
        registry.close();
      }
    }
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /**
   * Progress on stderr for work that can take more than a second: a bar on a terminal, one line
   * per phase otherwise, nothing with {@code --quiet}.
   */
  protected org.percpulab.bench.run.Progress progress() {
    return org.percpulab.bench.run.Progress.forStderr(err(), common.quiet());
  }

  /**
   * Checks, before any simulation, that {@code dir} can be created or written as an output
   * directory: not an existing file, not under a file, and writable.
   *
   * @throws ConfigException naming {@code option} and the path
   */
  protected static void checkOutputDir(String option, Path dir) {
    OptionChecks.outputDir(option, dir);
  }

  protected boolean json() {
    return common.format() == OutputFormat.json;
  }

  protected void printJson(Object value) {
    out().print(Json.write(value));
  }

  /** The user's layers (profile, .config, file, shorthands, --set), not validated. */
  protected Config userConfig() {
    return inputs().config();
  }

  /** The layers with {@code sets} in place of the shorthands and --sets (cached for the latter). */
  protected InputLayers inputs(List<String> sets) {
    InputLayers in = InputLayers.build(registry(), common.profile, common.kconfig,
        common.configFile(), sets);
    if (in.kconfig() != null && !kconfigWarned) {
      kconfigWarned = true;
      for (String w : in.kconfig().warnings()) {
        err().println("warning: kconfig " + common.kconfig + ": " + w);
      }
    }
    return in;
  }

  protected InputLayers inputs() {
    if (inputs == null) {
      inputs = inputs(common.assignments());
    }
    return inputs;
  }

  /** Config validated against every loaded backend, with the selected backend (cached). */
  protected ResolvedConfig resolved() {
    if (resolved == null) {
      Config user = userConfig();
      ArchRegistry r = registry();
      warnPluginErrors(r);
      resolved = Boot.resolve(user, r);
      if (inputs().kconfig() != null) {
        List<ConfigProblem> limits = inputs().kconfig().checkLimits(resolved.config());
        if (!limits.isEmpty()) {
          throw ConfigException.of(limits);
        }
      }
      OptionChecks.foreignBackendKeys(user, r, resolved.config().get(CoreKeys.ARCH));
    }
    return resolved;
  }

  /** {@link #resolved()} plus the backend's machine description (cached). */
  protected BootContext boot() {
    if (boot == null) {
      BootContext b = Boot.boot(resolved());
      try {
        // the local-map gate's verdict on 'on'/'force', so every command refuses what boot refuses
        org.percpulab.core.machine.LocalMapGate.decide(b.backend(), b.model(), b.topology(),
            org.percpulab.core.config.PercpuAccessKeys.effectiveLocalMap(b.config()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
      boot = b;
    }
    return boot;
  }

  /** Injector of core's module, the backend's module, {@link #extraModules()} and {@code more}. */
  protected Injector injector(Module... more) {
    List<Module> all = new ArrayList<>(extraModules());
    all.addAll(List.of(more));
    return Boot.injector(boot(), all.toArray(new Module[0]));
  }

  /** Modules every injector of this command gets (override to add the machine/mm modules). */
  protected List<Module> extraModules() {
    return List.of();
  }

  /** Loads a registry from the configured plugins dir without validating the rest (cached). */
  protected ArchRegistry registry() {
    if (registry == null) {
      // the file and the command line only: the profile and .config layers need the registry
      Config plain = ConfigLoader.load(common.configFile(), common.assignments());
      String dir = plain.raw(CoreKeys.PLUGINS_DIR).orElse(CoreKeys.DEFAULT_PLUGINS_DIR);
      if (dir.isBlank()) {
        throw ConfigException.of(List.of(
            new ConfigProblem(CoreKeys.PLUGINS_DIR, dir, "a directory path")));
      }
      if (plain.isExplicit(CoreKeys.PLUGINS_DIR) && !java.nio.file.Files.isDirectory(
          Path.of(dir))) {
        throw ConfigException.of(List.of(new ConfigProblem(CoreKeys.PLUGINS_DIR, dir,
            "an existing directory (only the default '" + CoreKeys.DEFAULT_PLUGINS_DIR
                + "' may be absent)")));
      }
      registry = ArchRegistry.load(Path.of(dir));
    }
    return registry;
  }

  /** Plugin load errors as stderr lines (used by commands that go on with the other backends). */
  protected void warnPluginErrors(ArchRegistry r) {
    for (PluginLoadError e : r.errors()) {
      err().println("warning: " + e.message());
    }
  }
}
