package org.percpulab.arch.arm64;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.spi.ConfigKey;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.MachineTopology;

/**
 * The arm64 config keys (arch/arm64/Kconfig choices modelled as run-time keys) and their parsing.
 *
 * <p>Defaults: {@code arm64.staticPercpuSize = 84248} is the static percpu size of a real arm64
 * distro boot log ({@code percpu: Embedded 30 pages/cpu s84248 r8192 d30440 u122880},
 * kernel-facts §8). NR_CPUS is core's {@code kernel.nrCpus}; arm64's Kconfig range 2..4096 and
 * default 512 are {@link #NR_CPUS_LIMIT}.
 */
public record Arm64Config(
    int pageShift, int vaBits, int levels, boolean lse, boolean atomicsFar, boolean kpti,
    boolean vhe, long staticPercpuSize, int nrCpus, int numaNodes, int cpus, int threadsPerCore,
    boolean tlbSharedBySmt, int tlbEntries, String percpuAlloc) {

  public static final String ATOMICS = "arm64.atomics";
  public static final String ATOMICS_FAR = "arm64.atomicsFar";
  public static final String KPTI = "arm64.kpti";
  public static final String VHE = "arm64.vhe";
  public static final String STATIC_SIZE = "arm64.staticPercpuSize";
  public static final String NUMA_NODES = "arm64.numaNodes";
  public static final String COST_PREFIX = "arm64.cost.";
  /** The kernel's {@code percpu_alloc=} boot parameter (mm/percpu.c pcpu_chosen_fc). */
  public static final String PERCPU_ALLOC = "arm64.percpuAlloc";
  /** rodata=full (v6.17 default): can_set_direct_map() holds, the linear map is page granular. */
  public static final String RODATA_FULL = "arm64.rodataFull";
  /** The CPU has FEAT_LPA2 (FEAT_LVA on 64K): a 52-bit build keeps 52 bits, else VA_BITS_MIN. */
  public static final String LPA2 = "arm64.lpa2";
  /** How local-map forms ptr + __per_cpu_local_off: load the variable or a boot-patched constant. */
  public static final String LOCAL_OFFSET = "arm64.localOffset";

  public static final long DEFAULT_STATIC_SIZE = 84248;
  public static final int DEFAULT_NR_CPUS = 512;
  /** arch/arm64/Kconfig NR_CPUS: range 2 4096, default 512. */
  public static final org.percpulab.core.spi.NrCpusLimit NR_CPUS_LIMIT =
      new org.percpulab.core.spi.NrCpusLimit(2, 4096, DEFAULT_NR_CPUS);
  /** Assumption: Neoverse N1's unified L2 TLB has 1280 entries (Arm Neoverse N1 TRM). */
  public static final int DEFAULT_TLB_ENTRIES = 1280;

  static List<ConfigKey> keys() {
    List<ConfigKey> keys = new ArrayList<>();
    keys.add(ConfigKey.choice(ATOMICS, "lse", "this_cpu RMW: LSE atomics or LL/SC loops "
        + "(ARM64_LSE_ATOMIC_INSN alternative)", "lse", "llsc"));
    keys.add(ConfigKey.bool(ATOMICS_FAR, true, "store-only LSE atomics (stadd/stclr/stset) "
        + "execute far (Arm Ltd cores, per Catalin Marinas, Nov 2025); false = near"));
    keys.add(ConfigKey.bool(KPTI, false, "CONFIG_UNMAP_KERNEL_AT_EL0 active (trampoline, nG)"));
    keys.add(ConfigKey.bool(RODATA_FULL, true, "rodata=full (v6.17 default, can_set_direct_map()):"
        + " linear map with pages only; false: blocks and contiguous hints as map_mem chooses"));
    keys.add(ConfigKey.bool(LPA2, true, "the CPU has FEAT_LPA2 (FEAT_LVA with 64K pages); false:"
        + " a 52-bit build falls back to vabits_actual = 48 (47 with 16K), no effect below 52"));
    keys.add(ConfigKey.bool(VHE, false, "kernel runs at EL2 with VHE: offset in TPIDR_EL2"));
    keys.add(ConfigKey.intRange(STATIC_SIZE, DEFAULT_STATIC_SIZE,
        "size of .data..percpu in bytes (distro boot log: s84248)", 1, 1L << 24));
    keys.add(ConfigKey.intRange(NUMA_NODES, 1, "NUMA nodes; CPUs split into equal consecutive "
        + "blocks, distance 10 local / 20 remote", 1, 64));
    keys.add(ConfigKey.choice(PERCPU_ALLOC, "auto", "first chunk allocator, the percpu_alloc= boot "
        + "parameter (arm64 selects NEED_PER_CPU_EMBED_FIRST_CHUNK and NEED_PER_CPU_PAGE_FIRST_CHUNK);"
        + " auto = embed, or page when the local map is active", "auto", "embed", "page"));
    keys.add(ConfigKey.choice(LOCAL_OFFSET, "immediate", "local-map: __per_cpu_local_off loaded "
        + "from memory (adrp; ldr; add) or patched into the text at boot (movz + 3 movk; add: "
        + "KASLR moves __per_cpu_start, so no link-time constant)", "load", "immediate"));
    keys.addAll(Arm64Costs.defaults().overrideKeys("arm64"));
    return List.copyOf(keys);
  }

  static String costKey(CostClass c) {
    return CostTable.overrideKey("arm64", c);
  }

  /** Parses {@code mm.pageSize}: 4K|16K|64K or 4096|16384|65536; -1 if not one of those. */
  static int parsePageShift(String raw) {
    String v = raw.trim().toUpperCase(Locale.ROOT);
    switch (v) {
      case "4K": case "4096": return 12;
      case "16K": case "16384": return 14;
      case "64K": case "65536": return 16;
      default: return -1;
    }
  }

  static List<ConfigProblem> validate(ConfigView c) {
    List<ConfigProblem> problems = new ArrayList<>();
    String ps = c.raw("mm.pageSize").orElse("4K");
    int pageShift = parsePageShift(ps);
    if (pageShift < 0) {
      problems.add(new ConfigProblem("mm.pageSize", ps, "4K|16K|64K (or 4096|16384|65536)"));
    } else {
      String va = c.raw("mm.vaBits").orElse("48");
      int vaBits = parseIntOr(va, -1);
      if (!Arm64Geometries.isSupported(pageShift, vaBits)) {
        problems.add(new ConfigProblem("mm.vaBits", va, joinInts(
            Arm64Geometries.allowedVaBits(pageShift)) + " for "
            + Arm64Geometries.granuleName(pageShift) + " pages"));
      } else {
        Optional<String> lv = c.raw("mm.levels");
        int levels = Arm64Geometries.levelsFor(pageShift, vaBits);
        if (lv.isPresent() && !lv.get().isBlank() && parseIntOr(lv.get(), -1) != levels) {
          problems.add(new ConfigProblem("mm.levels", lv.get(), levels + " for "
              + Arm64Geometries.granuleName(pageShift) + " pages with " + vaBits + "-bit VA"));
        }
      }
    }
    problems.addAll(ConfigKey.check(keys(), c));
    int cpus = parseIntOr(c.raw("cpus").orElse("4"), 4);
    String nodes = c.raw(NUMA_NODES).orElse("1");
    int n = parseIntOr(nodes, -1);
    if (n > cpus && n <= 64) {
      problems.add(new ConfigProblem(NUMA_NODES, nodes, "integer 1.." + Math.min(64, cpus)
          + " (at most one node per CPU)"));
    }
    return problems;
  }

  /**
   * percpu_alloc=embed cannot be combined with an active local map (one __per_cpu_local_off needs
   * the first chunk in vmalloc space, LocalPerCpuMap rule "first chunk"); the gate is core's.
   */
  static void checkWithGate(Arm64Config c, boolean localActive) {
    if (localActive && "embed".equals(c.percpuAlloc())) {
      throw new IllegalArgumentException(new ConfigProblem(PERCPU_ALLOC, c.percpuAlloc(),
          "auto|page while percpu.localMap is active (one __per_cpu_local_off needs the first "
          + "chunk in vmalloc space), or set percpu.localMap=off").message());
    }
  }

  static Arm64Config from(ConfigView c) {
    List<ConfigProblem> problems = validate(c);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.get(0).message());
    }
    int pageShift = parsePageShift(c.raw("mm.pageSize").orElse("4K"));
    int vaBits = parseIntOr(c.raw("mm.vaBits").orElse("48"), 48);
    int cpus = parseIntOr(c.raw("cpus").orElse("4"), 4);
    int tpc = parseIntOr(c.raw("topology.threadsPerCore").orElse("1"), 1);
    boolean smt = "smt".equals(c.raw("tlb.shared").orElse("none").trim());
    int tlbEntries = parseIntOr(c.raw("tlb.entries").orElse(Integer.toString(DEFAULT_TLB_ENTRIES)),
        DEFAULT_TLB_ENTRIES);
    return new Arm64Config(pageShift, vaBits, Arm64Geometries.levelsFor(pageShift, vaBits),
        !"llsc".equals(c.raw(ATOMICS).orElse("lse").trim()),
        Boolean.parseBoolean(c.raw(ATOMICS_FAR).orElse("true").trim()),
        Boolean.parseBoolean(c.raw(KPTI).orElse("false").trim()),
        Boolean.parseBoolean(c.raw(VHE).orElse("false").trim()),
        Long.parseLong(c.raw(STATIC_SIZE).orElse(Long.toString(DEFAULT_STATIC_SIZE)).trim()),
        NR_CPUS_LIMIT.effective(c),
        parseIntOr(c.raw(NUMA_NODES).orElse("1"), 1), cpus, tpc, smt, tlbEntries,
        c.raw(PERCPU_ALLOC).orElse("auto").trim());
  }

  /** {@link #LPA2}. */
  static boolean lpa2(ConfigView c) {
    return Boolean.parseBoolean(c.raw(LPA2).orElse("true").trim());
  }

  /** {@link #RODATA_FULL}, the linear-map granularity policy. */
  static boolean rodataFull(ConfigView c) {
    return Boolean.parseBoolean(c.raw(RODATA_FULL).orElse("true").trim());
  }

  static int parseIntOr(String raw, int fallback) {
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static String joinInts(int[] v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      sb.append(i == 0 ? "" : "|").append(v[i]);
    }
    return sb.toString();
  }
}
