package org.percpulab.arch.s390;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.percpulab.core.config.ConfigView;

/** A ConfigView over a map, for tests (every given key counts as explicit). */
final class MapConfig implements ConfigView {
  private final Map<String, String> values;

  private MapConfig(Map<String, String> values) {
    this.values = values;
  }

  static MapConfig of(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return new MapConfig(m);
  }

  @Override public Optional<String> raw(String key) {
    return Optional.ofNullable(values.get(key));
  }

  @Override public boolean isExplicit(String key) {
    return values.containsKey(key);
  }
}
