package org.percpulab.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.percpulab.core.spi.ConfigKey;

/**
 * The effective config: layered values (built-in defaults, then the YAML file, then {@code --set}),
 * each remembering its source. Immutable; {@link #with} and {@link #withDefaults} return new
 * instances. Keys iterate in sorted order so every listing is deterministic.
 */
public final class Config implements ConfigView {

  private final Map<String, ConfigValue> values;

  private Config(Map<String, ConfigValue> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public static Config empty() {
    return new Config(Map.of());
  }

  /** Convenience for tests and tools: every entry as if given with {@code --set}. */
  public static Config of(Map<String, String> given) {
    Config c = empty();
    for (Map.Entry<String, String> e : given.entrySet()) {
      c = c.with(e.getKey(), e.getValue(), ConfigValue.SET);
    }
    return c;
  }

  /** This config with {@code key} set to {@code value} from {@code source} (later layers win). */
  public Config with(String key, String value, String source) {
    return with(key, value, source, "");
  }

  /** {@link #with(String, String, String)} with the layer's reason for the value. */
  public Config with(String key, String value, String source, String note) {
    Map<String, ConfigValue> m = new LinkedHashMap<>(values);
    m.put(key, new ConfigValue(key, value, source, note));
    return new Config(m);
  }

  /**
   * This config with the default of every key in {@code keys} that has no value yet. A key whose
   * default is the empty string has no default (for example {@code mm.vaBits}: the backend decides),
   * so it stays absent.
   */
  public Config withDefaults(Collection<ConfigKey> keys) {
    Map<String, ConfigValue> m = new LinkedHashMap<>(values);
    for (ConfigKey k : keys) {
      if (!k.defaultValue().isEmpty()) {
        m.putIfAbsent(k.name(), new ConfigValue(k.name(), k.defaultValue(), ConfigValue.DEFAULT));
      }
    }
    return new Config(m);
  }

  @Override
  public Optional<String> raw(String key) {
    ConfigValue v = values.get(key);
    return v == null ? Optional.empty() : Optional.of(v.value());
  }

  @Override
  public Optional<String> note(String key) {
    ConfigValue v = values.get(key);
    return v == null || v.note().isEmpty() ? Optional.empty() : Optional.of(v.note());
  }

  @Override
  public boolean isExplicit(String key) {
    ConfigValue v = values.get(key);
    return v != null && !v.isDefault();
  }

  /** The value and its source, or empty when the key has no value. */
  public Optional<ConfigValue> entry(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** Every value, sorted by key. */
  public List<ConfigValue> entries() {
    return new ArrayList<>(values.values());
  }

  /** Keys the user gave (file or {@code --set}), sorted. */
  public List<String> explicitKeys() {
    List<String> out = new ArrayList<>();
    for (ConfigValue v : values.values()) {
      if (!v.isDefault()) {
        out.add(v.key());
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "Config" + values.values();
  }
}
