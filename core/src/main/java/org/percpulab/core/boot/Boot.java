package org.percpulab.core.boot;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.config.ConfigKeySource;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.config.ConfigValidator;
import org.percpulab.core.config.CoreKeys;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.plugin.LoadedBackend;
import org.percpulab.core.machine.LocalMapGate;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.ConfigKey;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.LocalMapDecision;
import org.percpulab.core.spi.MachineTopology;

/**
 * The boot sequence up to the machine description: config layers, plugin registry, validation
 * (core keys, module keys, every loaded backend's keys, then the selected backend's own check),
 * {@code ArchBackend.configure}. All bad input is reported together as one {@link ConfigException}.
 */
public final class Boot {

  private Boot() { }

  /** User layers from {@code --config FILE} and {@code --set}s, then {@link #resolve(Config)}. */
  public static ResolvedConfig resolve(Path configFile, List<String> sets) {
    return resolve(ConfigLoader.load(configFile, sets));
  }

  /**
   * Loads the registry from {@code plugins.dir} (default {@code plugins}) and validates.
   *
   * @throws ConfigException one line per bad key or value
   */
  public static ResolvedConfig resolve(Config user) {
    String dir = user.raw(CoreKeys.PLUGINS_DIR).orElse(CoreKeys.DEFAULT_PLUGINS_DIR);
    if (dir.isBlank()) {
      throw ConfigException.of(List.of(new ConfigProblem(CoreKeys.PLUGINS_DIR, dir,
          "a directory path")));
    }
    ArchRegistry registry = ArchRegistry.load(Path.of(dir));
    try {
      return resolve(user, registry);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** Validates {@code user} against an already loaded registry. */
  public static ResolvedConfig resolve(Config user, ArchRegistry registry) {
    List<ConfigKey> keys = keys(registry);
    Config full = user.withDefaults(keys);
    ConfigValidator validator = new ConfigValidator(keys);
    List<ConfigProblem> problems = validator.checkValues(full, registry.ids());
    if (!problems.isEmpty()) {
      throw ConfigException.of(problems);
    }
    LoadedBackend backend = registry.select(full.get(CoreKeys.ARCH));
    problems = new ArrayList<>();
    backend.backend().nrCpusLimit().check(full, backend.id()).ifPresent(problems::add);
    problems.addAll(backend.backend().validate(full));
    problems.addAll(org.percpulab.core.config.PercpuAccessKeys.problems(full, backend.backend()));
    problems.addAll(org.percpulab.core.spi.PreemptModel.problems(full));
    if (!problems.isEmpty()) {
      throw ConfigException.of(problems);
    }
    return new ResolvedConfig(full, registry, backend, keys);
  }

  /** Every known key: core keys, {@link ConfigKeySource} keys, then each backend's, by id. */
  public static List<ConfigKey> keys(ArchRegistry registry) {
    List<ConfigKey> keys = new ArrayList<>(CoreKeys.all());
    for (ConfigKeySource s : ServiceLoader.load(ConfigKeySource.class,
        Boot.class.getClassLoader())) {
      keys.addAll(s.configKeys());
    }
    for (LoadedBackend b : registry.backends()) {
      keys.addAll(b.backend().configKeys());
    }
    return keys;
  }

  /** {@link #resolve} then the backend's machine description and the topology. */
  public static BootContext boot(ResolvedConfig resolved) {
    Config c = resolved.config();
    MachineTopology topology = new MachineTopology(c.getInt(CoreKeys.CPUS),
        c.getInt(CoreKeys.THREADS_PER_CORE), "smt".equals(c.get(CoreKeys.TLB_SHARED)));
    ArchModel model;
    LocalMapDecision gate;
    try {
      // percpu.localMap as percpu.access leaves it (MachineModule's gate decides the same way)
      gate = LocalMapGate.decide(resolved.backend().backend(), topology,
          org.percpulab.core.config.PercpuAccessKeys.effectiveLocalMap(c), c).decision();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    try {
      model = resolved.backend().backend().configure(c, gate);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config: backend '" + resolved.backend().id()
          + "' rejected the config: " + e.getMessage());
    }
    return new BootContext(resolved, model, topology);
  }

  /** Injector of core's module, the backend's module and {@code more} (machine, mm modules). */
  public static Injector injector(BootContext ctx, Module... more) {
    List<Module> modules = new ArrayList<>(ctx.modules());
    modules.addAll(List.of(more));
    return Guice.createInjector(modules);
  }
}
