package org.percpulab.core.config;

import java.util.List;
import org.percpulab.core.spi.ConfigKey;

/**
 * The shared config keys core owns (the Kconfig/boot-parameter analogue of the simulated machine).
 * Backends read them through {@link ConfigView} and check the ones they interpret (page size, VA
 * bits, levels) in {@code ArchBackend.validate}. A key whose default is empty has no core default:
 * the backend derives it.
 */
public final class CoreKeys {

  public static final String ARCH = "arch";
  public static final String CPUS = "cpus";
  public static final String THREADS_PER_CORE = "topology.threadsPerCore";
  public static final String TLB_SHARED = "tlb.shared";
  public static final String TLB_ENTRIES = "tlb.entries";
  public static final String PAGE_SIZE = "mm.pageSize";
  public static final String VA_BITS = "mm.vaBits";
  public static final String LEVELS = "mm.levels";
  public static final String LOCAL_MAP = "percpu.localMap";
  public static final String PLUGINS_DIR = "plugins.dir";
  /** NR_CPUS; derived from cpus and the backend's {@code NrCpusLimit} unless given. */
  public static final String NR_CPUS = org.percpulab.core.spi.NrCpusLimit.KEY;

  /** Default backend id. */
  public static final String DEFAULT_ARCH = "arm64";

  /** Default plugins directory, relative to the working directory. */
  public static final String DEFAULT_PLUGINS_DIR = "plugins";

  /** Kernel NR_CPUS upper bound used by the model (arm64 allows up to 4096). */
  public static final int MAX_CPUS = 4096;

  private static final List<ConfigKey> ALL = List.of(
      new ConfigKey(ARCH, DEFAULT_ARCH, "backend id (see 'percpu-lab plugins')",
          "a loaded backend id", raw -> !raw.isBlank()),
      ConfigKey.intRange(CPUS, 4, "number of possible CPUs", 1, MAX_CPUS),
      new ConfigKey(NR_CPUS, "", "NR_CPUS (default: the backend's Kconfig default when it covers "
          + "cpus, else cpus; range from the backend)", "integer 1.." + MAX_CPUS,
          raw -> inRange(raw, 1, MAX_CPUS)),
      ConfigKey.choice(THREADS_PER_CORE, "1", "SMT threads per core", "1", "2", "4", "8"),
      ConfigKey.choice(TLB_SHARED, "none", "whether SMT siblings share one TLB", "none", "smt"),
      new ConfigKey(TLB_ENTRIES, "", "TLB capacity per TLB (default from the backend)",
          "integer 1..1048576", raw -> inRange(raw, 1, 1 << 20)),
      new ConfigKey(PAGE_SIZE, "", "page (granule) size (default from the backend)",
          PageSizes.ALLOWED, raw -> PageSizes.parse(raw) > 0),
      new ConfigKey(VA_BITS, "", "translated kernel VA bits (default from the backend)",
          "integer 32..64", raw -> inRange(raw, 32, 64)),
      new ConfigKey(LEVELS, "", "page-table levels (derived from page size and VA bits unless given)",
          "integer 1..5", raw -> inRange(raw, 1, 5)),
      ConfigKey.choice(LOCAL_MAP, "auto", "percpu local map (HAVE_LOCAL_PER_CPU_MAP gate); force = on "
          + "even when the backend's cpufeature check refuses it",
          "auto", "on", "off", "force"),
      new ConfigKey(PercpuAccessKeys.ACCESS, PercpuAccessKeys.AUTO, "how a this_cpu op reaches "
          + "its copy (the review's rivals); auto = local-map where percpu.localMap is active, "
          + "else offset; each backend supports a subset",
          "auto|" + org.percpulab.core.spi.OpMode.allAccessNames(),
          raw -> raw.trim().equals(PercpuAccessKeys.AUTO)
              || org.percpulab.core.spi.OpMode.ofAccess(raw) != null),
      ConfigKey.choice(PercpuAccessKeys.LOCAL_FORMS, PercpuAccessKeys.AUTO, "with local-map: "
          + "this_cpu = only this_cpu_* use the alias; all = __this_cpu_*/raw_cpu_* too; auto = "
          + "the cheaper of the two per the backend's cost table", "auto", "this_cpu", "all"),
      ConfigKey.choice(org.percpulab.core.spi.PreemptModel.KEY,
          org.percpulab.core.spi.PreemptModel.DEFAULT, "preemption model (kernel/Kconfig.preempt;"
          + " PREEMPT_COUNT=y for full|lazy|dynamic or with kernel.debugAtomicSleep)",
          "none", "voluntary", "full", "lazy", "dynamic"),
      ConfigKey.bool(org.percpulab.core.spi.PreemptModel.DEBUG_PREEMPT, false,
          "CONFIG_DEBUG_PREEMPT: __this_cpu_* check preemption (needs full|lazy|dynamic)"),
      ConfigKey.bool(org.percpulab.core.spi.PreemptModel.DEBUG_ATOMIC_SLEEP, false,
          "CONFIG_DEBUG_ATOMIC_SLEEP: selects PREEMPT_COUNT"),
      new ConfigKey(PLUGINS_DIR, DEFAULT_PLUGINS_DIR,
          "directory scanned for plugin jars (relative to the working directory)",
          "a directory path", raw -> !raw.isBlank()));

  private CoreKeys() { }

  /** The core keys, in documentation order. */
  public static List<ConfigKey> all() {
    return ALL;
  }

  static boolean inRange(String raw, long min, long max) {
    try {
      long v = Long.parseLong(raw.trim());
      return v >= min && v <= max;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
