package org.percpulab.bench.workload;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parameter handling shared by the workloads: defaults, overrides, one-line errors. */
abstract class AbstractWorkload implements Workload {
  private final String name;
  protected final int cpus;
  private final Map<String, Long> params = new LinkedHashMap<>();

  /** The memcg every workload's tasks run in (a session/build cgroup below the root). */
  static final long SESSION_MEMCG = 1;

  AbstractWorkload(String name, int cpus, Map<String, Long> defaults, Map<String, Long> overrides) {
    if (cpus < 1) {
      throw new IllegalArgumentException("cpus=" + cpus + ": must be at least 1");
    }
    this.name = name;
    this.cpus = cpus;
    params.putAll(defaults);
    for (Map.Entry<String, Long> e : overrides.entrySet()) {
      if (!params.containsKey(e.getKey())) {
        throw new IllegalArgumentException(name + "." + e.getKey() + ": unknown parameter; allowed: "
            + String.join(", ", params.keySet()));
      }
      if (e.getValue() < 0) {
        throw new IllegalArgumentException(name + "." + e.getKey() + "=" + e.getValue()
            + ": must be >= 0");
      }
      params.put(e.getKey(), e.getValue());
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, Long> params() {
    return Collections.unmodifiableMap(params);
  }

  protected long p(String key) {
    return params.get(key);
  }

  protected int pi(String key) {
    return Math.toIntExact(params.get(key));
  }

  static Map<String, Long> defaults(Object... kv) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
    }
    return m;
  }
}
