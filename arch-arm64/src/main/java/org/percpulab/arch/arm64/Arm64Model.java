package org.percpulab.arch.arm64;

import java.util.Optional;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.TranslationRoots;
import org.percpulab.core.spi.OpSequences;
import org.percpulab.core.spi.PerCpuAreaSpec;
import org.percpulab.core.spi.PreemptModel;
import org.percpulab.core.spi.PtdumpTables;
import org.percpulab.core.spi.TlbSpec;
import org.percpulab.core.spi.VaLayout;

/** One configured arm64 machine description (immutable). */
public final class Arm64Model implements ArchModel {

  private final Arm64Config config;
  private final Geometry geometry;
  private final Arm64Layout arm64Layout;
  private final boolean localActive;
  private final VaLayout layout;
  private final Arm64Descriptors descriptors;
  private final Arm64OpSequences ops;
  private final CostTable costs;
  private final PerCpuAreaSpec perCpu;
  private final Arm64LocalPerCpuMap localMap;
  private final Arm64PtdumpTables ptdump;
  private final Arm64BootMappings bootMappings;
  private final boolean allFormsLocal;
  /** percpu.access=private-page: the page's range (Arm64Layout#privatePageRange), else null. */
  private final PrivatePage privatePage;

  /** {@link org.percpulab.core.spi.CpuPrivatePage} at {@link Arm64Layout#privatePageRange()}. */
  private record PrivatePage(Arm64Layout layout)
      implements org.percpulab.core.spi.CpuPrivatePage {
    @Override public org.percpulab.core.spi.Region privateRange() {
      return layout.privatePageRange();
    }

    @Override public int privateLevel() {
      return layout.privatePageLevel();
    }
  }

  /**
   * @param rodataFull {@code arm64.rodataFull}: page-granular linear map (can_set_direct_map())
   * @param lpa2 {@code arm64.lpa2}: the CPU has FEAT_LPA2 (4K/16K) or FEAT_LVA (64K); without it a
   *     52-bit build runs with vabits_actual = VA_BITS_MIN (one level fewer on 4K and 16K, as
   *     early_map_kernel's root_level++)
   * @param localForms {@code percpu.localForms}: this_cpu, all, or auto (the cheaper for the
   *     chosen offset form: all when the alias address costs fewer cycles than TPIDR + add)
   * @param privatePage percpu.access=private-page: the CPU-private page exists
   */
  Arm64Model(Arm64Config config, boolean localActive, CostTable costs, long moduleReserve,
      long dynamicReserve, boolean rodataFull, boolean lpa2, PreemptModel preempt,
      boolean immediateOffset, String localForms, boolean privatePage) {
    this.config = config;
    int actual = lpa2 ? config.vaBits() : Arm64Geometries.vaBitsMin(config.pageShift(),
        config.vaBits());
    this.geometry = Arm64Geometries.of(config.pageShift(), actual);
    this.arm64Layout = new Arm64Layout(geometry, config.nrCpus(), config.vaBits());
    this.localActive = localActive;
    this.layout = arm64Layout.toVaLayout(localActive, privatePage && !localActive);
    this.privatePage = privatePage && !localActive ? new PrivatePage(arm64Layout) : null;
    this.descriptors = new Arm64Descriptors(geometry, config.kpti());
    boolean all = localForms.equals("all") || localForms.equals("auto")
        && aliasCheaper(costs, immediateOffset);
    this.allFormsLocal = all;
    this.ops = new Arm64OpSequences(config.lse(), config.atomicsFar(), config.vhe(), preempt,
        immediateOffset, all);
    this.costs = costs;
    this.perCpu = Arm64SetupPerCpuAreas.spec(config, arm64Layout, localActive)
        .withReserves(moduleReserve, dynamicReserve);
    this.localMap = new Arm64LocalPerCpuMap(arm64Layout);
    this.ptdump = new Arm64PtdumpTables(arm64Layout, localActive);
    this.bootMappings = new Arm64BootMappings(arm64Layout, descriptors, rodataFull,
        config.kpti());
  }

  /**
   * Whether the alias address (movz + 3 movk + add, or adrp + ldr + add) costs fewer cycles than
   * mrs TPIDR + add in {@code costs}.
   */
  static boolean aliasCheaper(CostTable costs, boolean immediate) {
    long alias = immediate ? 5 * costs.cycles(CostClass.ALU)
        : 2 * costs.cycles(CostClass.ALU) + costs.cycles(CostClass.LOAD);
    long tpidr = costs.cycles(CostClass.SYSREG_READ) + costs.cycles(CostClass.ALU);
    return alias < tpidr;
  }

  /** Whether __this_cpu_* / raw_cpu_* use the local alias ({@code percpu.localForms}). */
  public boolean allFormsLocal() { return allFormsLocal; }

  public Arm64Config config() { return config; }

  public Arm64Layout arm64Layout() { return arm64Layout; }

  /** Whether this configuration carves out the local area (percpu.localMap and the cpufeature). */
  public boolean localActive() { return localActive; }

  @Override public Geometry geometry() { return geometry; }

  @Override public VaLayout layout() { return layout; }

  @Override public DescriptorFormat descriptors() { return descriptors; }

  @Override public String translationBaseRegister() {
    return config.vhe() ? "TTBR1_EL2" : "TTBR1_EL1";
  }

  /** TTBR0 (user) and TTBR1 (kernel) are separate roots. */
  @Override public TranslationRoots translationRoots() {
    return TranslationRoots.SPLIT;
  }

  @Override public TlbSpec tlb() { return new TlbSpec(config.tlbEntries(), config.tlbSharedBySmt()); }

  @Override public PerCpuAreaSpec perCpuAreas() { return perCpu; }

  @Override public OpSequences ops() { return ops; }

  @Override public CostTable costs() { return costs; }

  @Override public <T> Optional<T> capability(Class<T> type) {
    if (type == LocalPerCpuMap.class || type == Arm64LocalPerCpuMap.class) {
      return Optional.of(type.cast(localMap));
    }
    if (privatePage != null && type == org.percpulab.core.spi.CpuPrivatePage.class) {
      return Optional.of(type.cast(privatePage));
    }
    if (type == PtdumpTables.class || type == Arm64PtdumpTables.class) {
      return Optional.of(type.cast(ptdump));
    }
    if (type == org.percpulab.core.spi.BootMappings.class || type == Arm64BootMappings.class) {
      return Optional.of(type.cast(bootMappings));
    }
    return Optional.empty();
  }
}
