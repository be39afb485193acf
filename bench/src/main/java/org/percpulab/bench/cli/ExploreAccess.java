package org.percpulab.bench.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.core.machine.Machine;

/**
 * The percpu accesses {@code explore} knows, each only as the machine config that selects it (the
 * explorer runs whatever sequences the booted backend gives for that config). Where the config has
 * {@code percpu.access}, every access of issue 13 is tried as {@code percpu.access=NAME} (a backend
 * that cannot express one refuses it at boot: n/a in the matrix); before that key exists, the two
 * accesses of {@code percpu.localMap}: {@code offset} = off, {@code local-map} = on. shared-tlb
 * forces the local map on ({@code percpu.localMap=force}): its point is the configuration the
 * cpufeature check refuses.
 */
final class ExploreAccess {
  /** Every access of issue 13, in the matrix's order. */
  static final List<String> ALL = List.of("offset", "local-map", "private-page", "marker-fixup",
      "restart", "segment");
  private static final String KEY = "percpu.access";

  private final boolean accessKey;

  /** @param accessKey whether the config knows {@code percpu.access} */
  ExploreAccess(boolean accessKey) {
    this.accessKey = accessKey;
  }

  List<String> names() {
    return accessKey ? ALL : List.of("offset", "local-map");
  }

  /** Machine settings every explore machine gets (2 CPUs, small memory for a fast boot). */
  static Map<String, String> machineDefaults() {
    return Map.of("cpus", "2", "mm.memory", "256M");
  }

  /** The config that selects {@code access} for {@code caseName}. */
  Map<String, String> config(String access, String caseName) {
    Map<String, String> m = new LinkedHashMap<>();
    boolean local = access.equals("local-map");
    if (accessKey) {
      m.put(KEY, access);
      if (local) {
        // the other accesses leave percpu.localMap at auto: Boot decides the gate from the access
        m.put("percpu.localMap", caseName.equals("shared-tlb") ? "force" : "on");
      }
      return m;
    }
    m.put("percpu.localMap", local ? caseName.equals("shared-tlb") ? "force" : "on" : "off");
    return m;
  }

  String describe(String access) {
    if (accessKey) {
      return KEY + "=" + access;
    }
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
