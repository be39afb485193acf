package org.percpulab.arch.generic;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.config.PageSizes;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.machine.LocalMapGate;
import org.percpulab.core.spi.LocalMapDecision;
import org.percpulab.core.spi.MachineTopology;
import org.percpulab.core.spi.ConfigKey;
import org.percpulab.core.spi.Features;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.Geometry;
import org.pf4j.Extension;

/**
 * The asm-generic backend (include/asm-generic/percpu.h): {@code __per_cpu_offset[]} indexed by the
 * CPU number, IRQ save/restore around a plain read-modify-write for {@code this_cpu_*}, a
 * preemption-disabled native-word read, and a simple documented 4-level page table. Its local map
 * is experimental and off by default ({@code generic.localMap}), so by default it pays nothing for
 * it. Being the simplest backend, it is the oracle of the differential tests.
 */
@Extension
public final class GenericBackend implements ArchBackend {
  public static final String ID = "generic";
  public static final String VERSION = "0.1.0";

  /** Default size of {@code .data..percpu}; see {@link GenericPerCpuAreas#DEFAULT_STATIC_SIZE}. */
  static final String KEY_STATIC_SIZE = ID + ".percpu.staticSize";

  /** Translation-root model: split (user and kernel roots) or single (one root, the default). */
  static final String KEY_ROOTS = ID + ".roots";
  /** The experimental local map ({@link GenericLocalPerCpuMap}): off (default) or on. */
  static final String KEY_LOCAL_MAP = ID + ".localMap";

  private static final List<ConfigKey> KEYS = buildKeys();

  @Override public String id() {
    return ID;
  }

  @Override public String version() {
    return VERSION;
  }

  /**
   * HAVE_LOCAL_PER_CPU_MAP for the experimental local map; asm-generic itself selects nothing, so
   * the capability (and with it the selection) exists only with {@code generic.localMap=on}.
   */
  @Override public Set<String> features() {
    return Set.of(Features.HAVE_LOCAL_PER_CPU_MAP);
  }

  @Override public List<ConfigKey> configKeys() {
    return KEYS;
  }

  @Override public List<Geometry> supportedGeometries() {
    return List.of(GenericGeometry.GEOMETRY);
  }

  @Override public List<ConfigProblem> validate(ConfigView config) {
    List<ConfigProblem> problems = new ArrayList<>();
    Optional<String> page = config.raw("mm.pageSize");
    if (page.isPresent() && PageSizes.parse(page.get()) != GenericGeometry.GEOMETRY.pageSize()) {
      problems.add(new ConfigProblem("mm.pageSize", page.get(),
          "4K (4096); the generic backend models 4 KiB pages only"));
    }
    Optional<String> va = config.raw("mm.vaBits");
    if (va.isPresent() && !va.get().trim().equals(Integer.toString(GenericGeometry.VA_BITS))) {
      problems.add(new ConfigProblem("mm.vaBits", va.get(),
          "48; the generic backend models a 48-bit VA only"));
    }
    Optional<String> levels = config.raw("mm.levels");
    if (levels.isPresent()
        && !levels.get().trim().equals(Integer.toString(GenericGeometry.LEVELS))) {
      problems.add(new ConfigProblem("mm.levels", levels.get(),
          "4; the generic backend models 4 levels (PGD, PUD, PMD, PTE) only"));
    }
    problems.addAll(ConfigKey.check(KEYS, config));
    return List.copyOf(problems);
  }

  /**
   * offset (asm-generic), segment (the upper bound), and local-map with the experimental
   * {@code generic.localMap=on} (without it core's gate refuses the local map).
   */
  @Override public java.util.Set<org.percpulab.core.spi.OpMode> accesses() {
    return java.util.Collections.unmodifiableSet(java.util.EnumSet.of(
        org.percpulab.core.spi.OpMode.BASELINE, org.percpulab.core.spi.OpMode.LOCAL_MAP,
        org.percpulab.core.spi.OpMode.SEGMENT));
  }

  /** With core's gate for this config ({@link LocalMapGate#configure}). */
  @Override public ArchModel configure(ConfigView config) {
    return LocalMapGate.configure(this, config);
  }

  @Override public ArchModel configure(ConfigView config, LocalMapDecision localMap) {
    List<ConfigProblem> problems = validate(config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.get(0).message());
    }
    return GenericModel.of(config, localMap.active());
  }

  /** The experimental local map exists only with {@code generic.localMap=on}. */
  @Override public Optional<String> localMapConfigRefusal(ConfigView config) {
    return "on".equals(config.raw(KEY_LOCAL_MAP).orElse("off").trim()) ? Optional.empty()
        : Optional.of("generic.localMap=off (the generic backend's local map is experimental)");
  }

  /** As on arm64: SMT siblings sharing a TLB could hit each other's local translations. */
  @Override public Optional<String> localMapRefusal(MachineTopology t) {
    if (t.tlbSharedBySmt() && t.threadsPerCore() > 1) {
      return Optional.of("SMT siblings share a TLB (tlb.shared=smt, " + t.threadsPerCore()
          + " threads/core): a sibling could hit another CPU's local-area translation");
    }
    return Optional.empty();
  }

  @Override public List<String> provenance() {
    return List.of("generic: asm-generic percpu ops and a documented 4-level table of this "
        + "model, not a kernel arch; NR_CPUS = cpus (no Kconfig default); no local map");
  }

  /** Config key name of the cost override for {@code c}, e.g. {@code generic.cost.irq_save}. */
  public static String costKey(CostClass c) {
    return CostTable.overrideKey(ID, c);
  }


  private static List<ConfigKey> buildKeys() {
    List<ConfigKey> keys = new ArrayList<>();
    keys.add(ConfigKey.intRange(KEY_STATIC_SIZE, GenericPerCpuAreas.DEFAULT_STATIC_SIZE,
        "size in bytes of .data..percpu (the kernel's static percpu variables)", 4, 1L << 20));
    keys.add(ConfigKey.choice(KEY_ROOTS, "single", "translation roots: single (one root for "
        + "user and kernel, as RISC-V satp / x86 CR3) or split (a TTBR0/TTBR1-like pair)",
        "single", "split"));
    keys.add(ConfigKey.choice(KEY_LOCAL_MAP, "off", "experimental percpu local map (per-CPU "
        + "top-level tables; off keeps the oracle's results)", "off", "on"));
    keys.addAll(GenericCosts.DEFAULTS.overrideKeys(ID));
    return List.copyOf(keys);
  }
}
