package org.percpulab.core.profile;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.plugin.LoadedBackend;
import org.percpulab.core.spi.ProfileSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The machine profiles of every loaded backend ({@link ProfileSource}), read from the backends'
 * jars. A malformed file, a setting without a source, or a name two files use is a runtime error
 * naming the resource (the jar is broken, not the user's input).
 */
public final class MachineProfiles {
  private final Map<String, MachineProfile> byName;

  private MachineProfiles(Map<String, MachineProfile> byName) {
    this.byName = byName;
  }

  /** Reads every profile of the registry's backends. */
  public static MachineProfiles load(ArchRegistry registry) {
    Map<String, MachineProfile> m = new TreeMap<>();
    for (LoadedBackend b : registry.backends()) {
      if (!(b.backend() instanceof ProfileSource ps)) {
        continue;
      }
      for (String res : ps.profileResources()) {
        MachineProfile p = read(b, res);
        MachineProfile old = m.put(p.name(), p);
        if (old != null) {
          throw new IllegalStateException("profile '" + p.name() + "' is defined twice: "
              + old.origin() + " and " + p.origin());
        }
      }
    }
    return new MachineProfiles(m);
  }

  /** Every profile, sorted by name. */
  public List<MachineProfile> all() {
    return new ArrayList<>(byName.values());
  }

  public Optional<MachineProfile> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The profile, or a one-line {@link ConfigException} listing the names there are. */
  public MachineProfile get(String name) {
    MachineProfile p = byName.get(name);
    if (p == null) {
      throw new ConfigException("option '--profile': value '" + name + "' is not allowed;"
          + " allowed: " + (byName.isEmpty() ? "(no profile loaded)"
          : String.join("|", byName.keySet())));
    }
    return p;
  }

  static MachineProfile read(LoadedBackend b, String res) {
    String origin = b.id() + ":" + res;
    Object doc;
    try (InputStream in = b.backend().getClass().getResourceAsStream(res)) {
      if (in == null) {
        throw new IllegalStateException("profile resource " + origin + " not found");
      }
      doc = new Yaml(new SafeConstructor(new LoaderOptions()))
          .load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException | YAMLException e) {
      throw new IllegalStateException("profile " + origin + ": " + e.getMessage(), e);
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new IllegalStateException("profile " + origin + ": not a YAML map");
    }
    String name = text(map, "name", origin);
    String arch = text(map, "arch", origin);
    if (!name.matches("[a-z0-9-]+")) {
      throw new IllegalStateException("profile " + origin + ": name '" + name
          + "' is not [a-z0-9-]+");
    }
    if (!arch.equals(b.id())) {
      throw new IllegalStateException("profile " + origin + ": arch '" + arch
          + "' is not its backend's id '" + b.id() + "'");
    }
    Object desc = map.get("description");
    List<MachineProfile.Setting> settings = new ArrayList<>();
    if (!(map.get("settings") instanceof List<?> list)) {
      throw new IllegalStateException("profile " + origin + ": 'settings' must be a list");
    }
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> s)) {
        throw new IllegalStateException("profile " + origin + ": a setting is not a map");
      }
      String key = text(s, "key", origin);
      String source = text(s, "source", origin + " key " + key);
      Object v = s.get("value");
      if (v == null) {
        throw new IllegalStateException("profile " + origin + ": key " + key + " has no value");
      }
      settings.add(new MachineProfile.Setting(key, v.toString(), source));
    }
    return new MachineProfile(name, arch, text(map, "title", origin),
        desc == null ? "" : desc.toString().strip(), origin, settings);
  }

  private static String text(Map<?, ?> m, String field, String where) {
    Object v = m.get(field);
    if (v == null || v.toString().isBlank()) {
      throw new IllegalStateException("profile " + where + ": '" + field + "' is missing");
    }
    return v.toString().strip();
  }
}
