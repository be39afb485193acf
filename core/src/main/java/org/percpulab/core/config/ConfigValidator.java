package org.percpulab.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ConfigKey;
import org.percpulab.core.spi.ConfigProblem;

/**
 * Checks an effective config against the known keys: unknown keys (with a "did you mean"), each
 * value against its key's check, the cross-key topology rule, then the selected backend's own
 * {@link ArchBackend#validate}. Returns problems as data, one per bad value.
 */
public final class ConfigValidator {

  private final Map<String, ConfigKey> keys = new LinkedHashMap<>();

  /** @param keys every known key (core, module and every loaded backend's); first definition wins */
  public ConfigValidator(List<ConfigKey> keys) {
    for (ConfigKey k : keys) {
      this.keys.putIfAbsent(k.name(), k);
    }
  }

  public Map<String, ConfigKey> keys() {
    return keys;
  }

  /**
   * Problems with the keys and the individual values (no backend call).
   *
   * @param backendIds the ids {@code arch} may name; the problem lists them when it names another
   */
  public List<ConfigProblem> checkValues(Config config, List<String> backendIds) {
    List<ConfigProblem> out = new ArrayList<>();
    for (ConfigValue v : config.entries()) {
      ConfigKey k = keys.get(v.key());
      if (k == null) {
        out.add(unknownKey(v));
        continue;
      }
      if (k.name().equals(CoreKeys.ARCH)) {
        if (!backendIds.contains(v.value())) {
          out.add(new ConfigProblem(CoreKeys.ARCH, v.value(), backendIds.isEmpty()
              ? "a loaded backend id (none is loaded)" : String.join("|", backendIds)));
        }
      } else if (!k.validator().accepts(v.value())) {
        out.add(new ConfigProblem(k.name(), v.value(), k.allowed()));
      }
    }
    Optional<String> cpus = config.raw(CoreKeys.CPUS);
    Optional<String> tpc = config.raw(CoreKeys.THREADS_PER_CORE);
    if (cpus.isPresent() && tpc.isPresent()
        && keys.get(CoreKeys.CPUS).validator().accepts(cpus.get())
        && keys.get(CoreKeys.THREADS_PER_CORE).validator().accepts(tpc.get())) {
      int n = Integer.parseInt(cpus.get().trim());
      int t = Integer.parseInt(tpc.get().trim());
      if (n % t != 0) {
        out.add(new ConfigProblem(CoreKeys.CPUS, cpus.get(),
            "a multiple of " + CoreKeys.THREADS_PER_CORE + " (" + t + ")"));
      }
    }
    return out;
  }

  /** {@link #checkValues}, then, when those pass, the backend's own validation. */
  public List<ConfigProblem> validate(Config config, List<String> backendIds, ArchBackend selected) {
    List<ConfigProblem> out = checkValues(config, backendIds);
    if (out.isEmpty() && selected != null) {
      out.addAll(selected.validate(config));
    }
    return out;
  }

  ConfigProblem unknownKey(ConfigValue v) {
    return ConfigProblem.unknown(v.key(), v.value(),
        DidYouMean.suggest(v.key(), keys.keySet()).orElse(null));
  }
}
