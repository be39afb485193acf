package org.percpulab.bench.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.core.machine.Machine;

/**
 * The percpu accesses {@code explore} knows, each only as the machine config that selects it (the
 * explorer runs whatever sequences the booted backend gives for that config): {@code offset} =
 * preempt protection + the CPU's offset register ({@code percpu.localMap=off}), {@code local-map}
 * = the seed's local alias ({@code percpu.localMap=on}; forced for shared-tlb, whose point is the
 * configuration the cpufeature check refuses).
 */
final class ExploreAccess {
  private ExploreAccess() {
  }

  static List<String> names() {
    return List.of("offset", "local-map");
  }

  /** Machine settings every explore machine gets (2 CPUs, small memory for a fast boot). */
  static Map<String, String> machineDefaults() {
    return Map.of("cpus", "2", "mm.memory", "256M");
  }

  /** The config that selects {@code access} for {@code caseName}. */
  static Map<String, String> config(String access, String caseName) {
    Map<String, String> m = new LinkedHashMap<>();
    if (access.equals("local-map")) {
      m.put("percpu.localMap", caseName.equals("shared-tlb") ? "force" : "on");
    } else {
      m.put("percpu.localMap", "off");
    }
    return m;
  }

  static String describe(String access) {
    return access.equals("local-map") ? "percpu.localMap=on" : "percpu.localMap=off";
  }

  /** Why the booted machine does not run {@code access}, or null when it does. */
  static String unsupported(String access, Machine m) {
    if (access.equals("local-map") && !m.localMapActive()) {
      return "the local map is inactive (" + m.gate().reason() + ")";
    }
    return null;
  }
}
