package org.percpulab.core.testkit;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.percpulab.core.config.ConfigView;

/** A {@link ConfigView} over a map: explicit settings on top of defaults. For tests and benches. */
public final class MapConfigView implements ConfigView {
  private final Map<String, String> defaults;
  private final Map<String, String> explicit;

  public MapConfigView(Map<String, String> defaults, Map<String, String> explicit) {
    this.defaults = new HashMap<>(defaults);
    this.explicit = new HashMap<>(explicit);
  }

  public static MapConfigView of(Map<String, String> explicit) {
    return new MapConfigView(Map.of(), explicit);
  }

  /** Explicit settings given as key, value pairs. */
  public static MapConfigView of(String... keyValues) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return of(m);
  }

  @Override public Optional<String> raw(String key) {
    String v = explicit.get(key);
    return Optional.ofNullable(v != null ? v : defaults.get(key));
  }

  @Override public boolean isExplicit(String key) {
    return explicit.containsKey(key);
  }

  /** Every key with a value. */
  public Set<String> keys() {
    Set<String> s = new java.util.TreeSet<>(defaults.keySet());
    s.addAll(explicit.keySet());
    return s;
  }
}
