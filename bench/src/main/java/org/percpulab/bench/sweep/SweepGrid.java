package org.percpulab.bench.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.core.config.ConfigException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A {@code sweep --grid FILE}: a YAML map whose keys are config keys (nested maps become dotted
 * keys, as in {@code --config}), {@code workload} (a workload name) and {@code param.NAME} (a
 * workload parameter; a nested {@code param:} or {@code params:} map works too). A scalar value is
 * fixed; a list is an axis. The cells are the cartesian product of the axes in file order, the
 * last key varying fastest, so cell numbers are stable for a given file.
 *
 * <pre>
 * workload: memcg-create
 * param.memcgs: 200
 * cpus: [16, 160, 1024]
 * mm.pageSize: [4K, 64K]
 * </pre>
 */
public final class SweepGrid {
  /** The key naming the workload. */
  public static final String WORKLOAD = "workload";
  /** Prefix of workload-parameter keys. */
  public static final String PARAM = "param.";

  private final Map<String, List<String>> keys;

  private SweepGrid(Map<String, List<String>> keys) {
    this.keys = keys;
  }

  /** Every key with its values in file order (one value = fixed). */
  public Map<String, List<String>> keys() {
    return keys;
  }

  /** Keys given as a list of two or more values: the swept axes. */
  public List<String> axes() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : keys.entrySet()) {
      if (e.getValue().size() > 1) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** Number of cells (product of the value counts). */
  public int size() {
    long n = 1;
    for (List<String> v : keys.values()) {
      n *= v.size();
    }
    return (int) n;
  }

  /** The settings of cell {@code index} (every key, in file order). */
  public Map<String, String> cell(int index) {
    List<String> names = new ArrayList<>(keys.keySet());
    String[] vals = new String[names.size()];
    int rest = index;
    for (int k = names.size() - 1; k >= 0; k--) {
      List<String> v = keys.get(names.get(k));
      vals[k] = v.get(rest % v.size());
      rest /= v.size();
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int k = 0; k < names.size(); k++) {
      m.put(names.get(k), vals[k]);
    }
    return m;
  }

  /** Reads and checks a grid file; bad input is a {@link ConfigException} naming file and key. */
  public static SweepGrid read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("grid file '" + file + "': cannot read (" + e.getMessage() + ")");
    }
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new ConfigException("grid file '" + file + "': malformed YAML: "
          + e.getMessage().replace('\n', ' '));
    }
    if (!(doc instanceof Map<?, ?> map) || map.isEmpty()) {
      throw new ConfigException("grid file '" + file + "': expected a map of keys to a value or"
          + " a list of values");
    }
    Map<String, List<String>> keys = new LinkedHashMap<>();
    flatten(file, "", map, keys);
    if (!keys.containsKey(WORKLOAD)) {
      throw new ConfigException("grid file '" + file + "': key 'workload' is missing; allowed: a"
          + " workload name or a list of them");
    }
    if (keys.values().stream().mapToLong(List::size).reduce(1, Math::multiplyExact) > 1_000_000) {
      throw new ConfigException("grid file '" + file + "': more than 1000000 cells; split the"
          + " grid");
    }
    return new SweepGrid(keys);
  }

  private static void flatten(Path file, String prefix, Map<?, ?> map,
      Map<String, List<String>> out) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String k = prefix + e.getKey();
      if (k.startsWith("params.")) {
        k = PARAM + k.substring("params.".length());
      }
      Object v = e.getValue();
      if (v instanceof Map<?, ?> sub) {
        flatten(file, k + ".", sub, out);
        continue;
      }
      List<String> vals = new ArrayList<>();
      if (v instanceof List<?> l) {
        for (Object o : l) {
          vals.add(scalar(file, k, o));
        }
      } else {
        vals.add(scalar(file, k, v));
      }
      if (vals.isEmpty()) {
        throw new ConfigException("grid file '" + file + "': key '" + k + "' has an empty list;"
            + " allowed: a value or a non-empty list");
      }
      if (vals.size() != new java.util.LinkedHashSet<>(vals).size()) {
        throw new ConfigException("grid file '" + file + "': key '" + k + "' lists a value"
            + " twice: " + vals);
      }
      out.put(k, vals);
    }
  }

  private static String scalar(Path file, String key, Object o) {
    if (o == null || o instanceof Map<?, ?> || o instanceof List<?>) {
      throw new ConfigException("grid file '" + file + "': key '" + key + "': value '" + o
          + "' is not allowed; allowed: a scalar or a list of scalars");
    }
    return String.valueOf(o);
  }
}
