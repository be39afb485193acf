package org.percpulab.core.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.machine.MachineSettings;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ConfigKey;

/**
 * Boots machines for tests: finds backends with {@link ServiceLoader} (real backends are on the test
 * classpath of downstream modules), fills defaults (core keys, then the backend's own keys) under
 * the given settings and boots through {@link Machine#create}.
 */
public final class TestMachines {
  private TestMachines() { }

  /** Every backend on the classpath, by id order. */
  public static List<ArchBackend> backends() {
    List<ArchBackend> out = new ArrayList<>();
    for (ArchBackend b : ServiceLoader.load(ArchBackend.class)) {
      out.add(b);
    }
    out.sort((a, b) -> a.id().compareTo(b.id()));
    return out;
  }

  /** The backend with that id; IllegalArgumentException listing the ids when absent. */
  public static ArchBackend backend(String id) {
    List<String> ids = new ArrayList<>();
    for (ArchBackend b : backends()) {
      if (b.id().equals(id)) {
        return b;
      }
      ids.add(b.id());
    }
    throw new IllegalArgumentException("No ArchBackend '" + id + "'; available: " + ids);
  }

  /** Config view: core defaults, the backend's key defaults, then {@code settings}. */
  public static MapConfigView config(ArchBackend backend, Map<String, String> settings) {
    Map<String, String> defaults = new HashMap<>(MachineSettings.DEFAULTS);
    defaults.put("arch", backend.id());
    for (ConfigKey k : backend.configKeys()) {
      defaults.put(k.name(), k.defaultValue());
    }
    return new MapConfigView(defaults, settings);
  }

  /** Boots the backend named by {@code settings.get("arch")} (default arm64). */
  public static Machine boot(Map<String, String> settings) {
    return boot(backend(settings.getOrDefault("arch", "arm64")), settings);
  }

  /** Boots {@code backend} with {@code settings} over the defaults. */
  public static Machine boot(ArchBackend backend, Map<String, String> settings) {
    return Machine.create(backend, config(backend, settings));
  }

  /** Boots backend {@code id} with {@code cpus} CPUs and extra settings given as key, value pairs. */
  public static Machine boot(String id, int cpus, String... keyValues) {
    Map<String, String> s = new java.util.HashMap<>(Map.of("cpus", Integer.toString(cpus)));
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      s.put(keyValues[i], keyValues[i + 1]);
    }
    return boot(backend(id), s);
  }

  /**
   * Gives every CPU its own zeroed percpu page in the linear map and sets the CPU's percpu offset so
   * that {@code __per_cpu_start} lands on it; returns that pointer. For backend tests that run op
   * sequences without mm-percpu.
   */
  public static long givePerCpuPages(Machine m) {
    long ptr = m.model().perCpuAreas().perCpuStart();
    for (int c = 0; c < m.cpus().count(); c++) {
      long pfn = m.allocator().allocPages(0, org.percpulab.core.mem.PagePurpose.percpu(c));
      if (pfn < 0) {
        throw new AssertionError("no page for cpu " + c);
      }
      long va = m.layout().physToVirt(pfn << m.geometry().pageShift());
      m.cpu(c).setPerCpuOffset(va - ptr);
    }
    return ptr;
  }
}
