package org.percpulab.arch.s390;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.config.PageSizes;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.ConfigKey;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.KconfigMapping;
import org.percpulab.core.spi.KconfigRule;
import org.percpulab.core.spi.ProfileSource;
import org.pf4j.Extension;

/**
 * The s390 (z/Architecture, 64-bit) backend: DAT region/segment/page tables, the lowcore
 * {@code percpu_offset} (arch/s390/include/asm/percpu.h, lowcore.h) and the this_cpu op sequences
 * built on the interlocked-access facility (asi/agsi, laa/laag, lan/lang, lao/laog) or CS loops.
 * Its percpu local map is experimental and off unless chosen ({@code s390.localMap=on} or
 * {@code percpu.access=local-map}; {@link S390LocalPerCpuMap}), so by default it pays nothing for it.
 */
@Extension
public final class S390Backend implements ArchBackend, KconfigMapping, ProfileSource {
  public static final String ID = "s390";
  public static final String VERSION = "0.1.0";

  /** MARCH_HAS_Z196_FEATURES: interlocked-access facility 1 (z196 and later). */
  static final String KEY_Z196 = ID + ".z196";
  static final String KEY_STATIC_SIZE = ID + ".percpu.staticSize";
  /** The experimental local map ({@link S390LocalPerCpuMap}): off (default) or on. */
  static final String KEY_LOCAL_MAP = ID + ".localMap";
  /** How local-map sequences get {@code __per_cpu_local_off}: lowcore (default) or immediate. */
  static final String KEY_LOCAL_OFFSET = ID + ".localOffset";
  /**
   * CONFIG_KASAN: only feeds the kernel ASCE choice ({@link S390AsceChoice}: a KASAN build forces
   * region-second); the KASAN shadow and KASAN's image base are not modelled.
   */
  static final String KEY_KASAN = ID + ".kasan";
  /** kaslr_enabled() for the ASCE choice: false, the model's layout is nokaslr's ({@link S390Layout}). */
  static final boolean KASLR = false;

  private static final String VA_ALLOWED =
      "42|53|64 (s390 4K pages: 42 = region-third, 3 levels; 53 = region-second, 4 levels;"
      + " 64 = region-first, 5 levels)";

  private static final List<ConfigKey> KEYS = buildKeys();

  @Override public String id() {
    return ID;
  }

  @Override public String version() {
    return VERSION;
  }

  /**
   * HAVE_LOCAL_PER_CPU_MAP for the experimental local map; the selection holds only when the config
   * chooses it ({@link #localMapConfigRefusal}).
   */
  @Override public Set<String> features() {
    return Set.of(org.percpulab.core.spi.Features.HAVE_LOCAL_PER_CPU_MAP);
  }

  /**
   * The experimental local map exists only when chosen: {@code s390.localMap=on}, or
   * {@code percpu.access=local-map} itself.
   */
  @Override public Optional<String> localMapConfigRefusal(ConfigView config) {
    boolean key = "on".equals(config.raw(KEY_LOCAL_MAP).orElse("off").trim());
    boolean access = org.percpulab.core.spi.OpMode.LOCAL_MAP.accessName().equals(
        org.percpulab.core.config.PercpuAccessKeys.access(config));
    return key || access ? Optional.empty() : Optional.of("s390.localMap=off (the s390 local "
        + "map is experimental: s390.localMap=on or percpu.access=local-map chooses it)");
  }

  /** As on arm64: SMT siblings sharing a TLB could hit each other's local translations. */
  @Override public Optional<String> localMapRefusal(org.percpulab.core.spi.MachineTopology t) {
    return S390LocalPerCpuMap.refusal(t);
  }

  @Override public List<String> profileResources() {
    return List.of("/percpu-lab/profiles/z16-lpar-64.yaml");
  }

  @Override public String archSymbol() {
    return S390Kconfig.ARCH_SYMBOL;
  }

  @Override public List<KconfigRule> kconfigRules() {
    return S390Kconfig.RULES;
  }

  @Override public List<ConfigKey> configKeys() {
    return KEYS;
  }

  @Override public List<Geometry> supportedGeometries() {
    return S390Geometry.ALL;
  }

  @Override public List<ConfigProblem> validate(ConfigView config) {
    List<ConfigProblem> problems = new ArrayList<>();
    Optional<String> page = config.raw("mm.pageSize");
    if (page.isPresent() && PageSizes.parse(page.get()) != 4096) {
      problems.add(new ConfigProblem("mm.pageSize", page.get(),
          "4K (4096); s390 has 4 KiB pages only"));
    }
    Optional<String> va = config.raw("mm.vaBits");
    Geometry byVa = null;
    if (va.isPresent()) {
      byVa = S390Geometry.forVaBits(parseInt(va.get()));
      if (byVa == null) {
        problems.add(new ConfigProblem("mm.vaBits", va.get(), VA_ALLOWED));
      }
    }
    Optional<String> levels = config.raw("mm.levels");
    if (levels.isPresent()) {
      Geometry byLevels = S390Geometry.forLevels(parseInt(levels.get()));
      if (byLevels == null) {
        problems.add(new ConfigProblem("mm.levels", levels.get(),
            "3|4|5 (region-third, region-second or region-first ASCE)"));
      } else if (byVa != null && byVa != byLevels) {
        problems.add(new ConfigProblem("mm.levels", levels.get(),
            byVa.levels() + " with mm.vaBits=" + byVa.vaBits()));
      } else if (byLevels == S390Geometry.REGION3 && kasan(config)) {
        problems.add(new ConfigProblem("mm.levels", levels.get(),
            "4|5 with s390.kasan=true (a KASAN build always runs a region-second kernel ASCE)"));
      }
    }
    if (byVa == S390Geometry.REGION3 && kasan(config)) {
      problems.add(new ConfigProblem("mm.vaBits", va.get(),
          "53|64 with s390.kasan=true (a KASAN build always runs a region-second kernel ASCE)"));
    }
    problems.addAll(ConfigKey.check(KEYS, config));
    return List.copyOf(problems);
  }

  /**
   * offset, marker-fixup (Carstens' s390 series) and the experimental local-map
   * ({@link S390LocalPerCpuMap}; core's gate refuses it unless chosen).
   */
  @Override public java.util.Set<org.percpulab.core.spi.OpMode> accesses() {
    return java.util.Collections.unmodifiableSet(java.util.EnumSet.of(
        org.percpulab.core.spi.OpMode.BASELINE, org.percpulab.core.spi.OpMode.LOCAL_MAP,
        org.percpulab.core.spi.OpMode.MARKER_FIXUP));
  }

  /** With core's gate for this config ({@link org.percpulab.core.machine.LocalMapGate#configure}). */
  @Override public ArchModel configure(ConfigView config) {
    return org.percpulab.core.machine.LocalMapGate.configure(this, config);
  }

  @Override public ArchModel configure(ConfigView config,
      org.percpulab.core.spi.LocalMapDecision localMap) {
    List<ConfigProblem> problems = validate(config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.get(0).message());
    }
    return S390Model.of(config, localMap.active());
  }

  /** arch/s390/Kconfig NR_CPUS: range 2 512, default 64. */
  @Override public org.percpulab.core.spi.NrCpusLimit nrCpusLimit() {
    return new org.percpulab.core.spi.NrCpusLimit(2, 512, 64);
  }

  @Override public List<String> provenance() {
    return List.of("s390: the abs lowcore region is sized for NR_CPUS = 64 (Kconfig default) "
        + "whatever kernel.nrCpus says; the local map is experimental and off unless chosen "
        + "(s390.localMap=on or percpu.access=local-map): per-CPU kernel ASCEs in lowcore, a "
        + "model, not a kernel facility",
        "s390: kernel image sections sized by s390.image.textKiB/rodataKiB/roAfterInitKiB"
        + " (defaults 15M/6M/128K, build-dependent assumptions), _stext at TEXT_OFFSET 1M;"
        + " large frames by s390.edat (default 2: EDAT-1 and EDAT-2)",
        "s390: geometry (unless mm.vaBits/mm.levels name one) = the kernel ASCE v6.17 builds"
        + " (boot/startup.c setup_kernel_memory_layout): region-second (53-bit, 4 levels) only"
        + " with KASAN (s390.kasan) or with KASLR and a vmem estimate > 4 TiB, else region-third"
        + " (42-bit, 3 levels); KASLR off (nokaslr layout), so the default 4 GiB machine gets"
        + " region-third");
  }

  /**
   * The geometry a validated config selects: mm.vaBits, else mm.levels, else the kernel ASCE
   * v6.17 builds for this machine ({@link #asceChoice}).
   */
  static Geometry geometry(ConfigView config) {
    Optional<String> va = config.raw("mm.vaBits");
    if (va.isPresent()) {
      return S390Geometry.forVaBits(parseInt(va.get()));
    }
    Optional<String> levels = config.raw("mm.levels");
    if (levels.isPresent()) {
      return S390Geometry.forLevels(parseInt(levels.get()));
    }
    return S390Geometry.forLevels(asceChoice(config).levels());
  }

  /** v6.17's kernel ASCE choice for the configured memory and s390.kasan (KASLR off). */
  static S390AsceChoice.Decision asceChoice(ConfigView config) {
    long mem = org.percpulab.core.machine.MachineSettings.from(config).memoryBytes();
    return S390AsceChoice.decide(mem, kasan(config), KASLR);
  }

  /** Why the geometry is what it is: named by mm.vaBits/mm.levels, or the ASCE choice. */
  static String geometryReason(ConfigView config) {
    S390AsceChoice.Decision d = asceChoice(config);
    for (String key : new String[] {"mm.vaBits", "mm.levels"}) {
      Optional<String> v = config.raw(key);
      if (v.isPresent()) {
        Geometry g = geometry(config);
        return key + "=" + v.get().trim() + " given: " + (g.levels() == 3 ? "region-third"
            : g.levels() == 4 ? "region-second" : "region-first") + " kernel ASCE ("
            + g.levels() + " levels)" + (g.levels() == d.levels() ? ", as v6.17 picks"
            : "; v6.17 would build " + d.asceType() + " (" + d.levels() + " levels) here");
      }
    }
    return d.reason();
  }

  private static boolean kasan(ConfigView config) {
    return Boolean.parseBoolean(config.raw(KEY_KASAN).orElse("false").trim());
  }

  /** Config key of the cost override for {@code c}, e.g. {@code s390.cost.atomic_near}. */
  public static String costKey(CostClass c) {
    return CostTable.overrideKey(ID, c);
  }

  private static int parseInt(String raw) {
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static List<ConfigKey> buildKeys() {
    List<ConfigKey> keys = new ArrayList<>();
    keys.add(ConfigKey.bool(KEY_Z196, true,
        "z196 facilities (interlocked-access facility 1): asi/laa/lan/lao for 4/8-byte this_cpu"
        + " ops; false = CS loops (MARCH_HAS_Z196_FEATURES)"));
    keys.add(ConfigKey.intRange(KEY_STATIC_SIZE, S390PerCpuAreas.DEFAULT_STATIC_SIZE,
        "size in bytes of .data..percpu (the kernel's static percpu variables)", 4, 1L << 20));
    keys.add(ConfigKey.choice(KEY_LOCAL_MAP, "off", "experimental percpu local map (a per-CPU "
        + "kernel ASCE and top CRST table; off keeps today's s390 figures)", "off", "on"));
    keys.add(ConfigKey.choice(KEY_LOCAL_OFFSET, "lowcore", "local-map: __per_cpu_local_off read "
        + "from a lowcore field (lowcore) or patched into the text as llihf/iilf (immediate)",
        "lowcore", "immediate"));
    keys.add(ConfigKey.bool(KEY_KASAN, false, "CONFIG_KASAN: only picks the kernel ASCE (a KASAN"
        + " build always gets region-second, 4 levels; boot/startup.c); shadow memory and the"
        + " KASAN image base are not modelled"));
    keys.addAll(S390KernelImage.KEYS);
    keys.addAll(S390Costs.DEFAULTS.overrideKeys(ID));
    return List.copyOf(keys);
  }
}
