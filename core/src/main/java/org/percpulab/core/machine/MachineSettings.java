package org.percpulab.core.machine;

import java.util.Locale;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.MachineTopology;

/**
 * The shared (core-owned) config keys the machine model reads, parsed once: {@code cpus},
 * {@code topology.threadsPerCore}, {@code tlb.shared}, {@code tlb.entries}, {@code percpu.localMap}
 * and {@code mm.memory}. A key without a value takes the default listed in {@link #DEFAULTS}.
 *
 * @param cpus possible CPUs
 * @param threadsPerCore SMT width
 * @param tlbShared SMT siblings share a TLB
 * @param tlbEntries TLB capacity (0 = the backend's default)
 * @param localMap auto, on, off (or force: on even when the backend's cpufeature check refuses)
 * @param memoryBytes RAM size
 */
public record MachineSettings(int cpus, int threadsPerCore, boolean tlbShared, int tlbEntries,
    String localMap, long memoryBytes) {

  /** Defaults of the keys, as written in config. */
  public static final java.util.Map<String, String> DEFAULTS = java.util.Map.of(
      "cpus", "4", "topology.threadsPerCore", "1", "tlb.shared", "none",
      "percpu.localMap", "auto", "mm.memory", "4G");

  /** Reads and checks the keys; bad values give a one-line IllegalArgumentException. */
  public static MachineSettings from(ConfigView c) {
    int cpus = intKey(c, "cpus", 1, 4096);
    int tpc = intKey(c, "topology.threadsPerCore", 1, 8);
    if (Integer.bitCount(tpc) != 1) {
      throw bad("topology.threadsPerCore", Integer.toString(tpc), "1|2|4|8");
    }
    String shared = value(c, "tlb.shared");
    if (!shared.equals("none") && !shared.equals("smt")) {
      throw bad("tlb.shared", shared, "none|smt");
    }
    int entries = 0;
    if (c.raw("tlb.entries").isPresent() && !c.raw("tlb.entries").get().isBlank()) {
      entries = intKey(c, "tlb.entries", 1, 1 << 20);
    }
    String lm = org.percpulab.core.config.PercpuAccessKeys.effectiveLocalMap(c);
    if (!lm.equals("auto") && !lm.equals("on") && !lm.equals("off") && !lm.equals("force")) {
      throw bad("percpu.localMap", lm, "auto|on|off|force");
    }
    String memText = value(c, "mm.memory");
    long mem = parseSize(memText);
    if (mem < (16L << 20) || mem > (1L << 46)) {
      throw bad("mm.memory", memText, "a size 16M..64T, e.g. 4G, 512M or a byte count");
    }
    return new MachineSettings(cpus, tpc, shared.equals("smt"), entries, lm, mem);
  }

  public MachineTopology topology() {
    return new MachineTopology(cpus, threadsPerCore, tlbShared);
  }

  /** TLB capacity: {@code tlb.entries} when given, else the backend's. */
  public int tlbEntries(ArchModel model) {
    return tlbEntries > 0 ? tlbEntries : model.tlb().entries();
  }

  private static String value(ConfigView c, String key) {
    return c.raw(key).map(String::trim).orElse(DEFAULTS.get(key));
  }

  private static int intKey(ConfigView c, String key, int min, int max) {
    String v = value(c, key);
    try {
      int x = Integer.parseInt(v);
      if (x >= min && x <= max) {
        return x;
      }
    } catch (NumberFormatException e) {
      // fall through to the one-line error
    }
    throw bad(key, v, "integer " + min + ".." + max);
  }

  private static IllegalArgumentException bad(String key, String value, String allowed) {
    return new IllegalArgumentException(new org.percpulab.core.spi.ConfigProblem(key, value,
        allowed).message());
  }

  /** Parses {@code 4G}, {@code 512M}, {@code 64K}, {@code 1T} (binary units) or a byte count. */
  public static long parseSize(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    if (t.endsWith("IB")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("B") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
      t = t.substring(0, t.length() - 1);
    }
    int shift = 0;
    if (!t.isEmpty()) {
      switch (t.charAt(t.length() - 1)) {
        case 'K': shift = 10; break;
        case 'M': shift = 20; break;
        case 'G': shift = 30; break;
        case 'T': shift = 40; break;
        default: break;
      }
    }
    if (shift != 0) {
      t = t.substring(0, t.length() - 1);
    }
    try {
      long v = Long.parseLong(t.trim());
      if (v < 0 || (shift > 0 && v > (Long.MAX_VALUE >> shift))) {
        return -1;
      }
      return v << shift;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
