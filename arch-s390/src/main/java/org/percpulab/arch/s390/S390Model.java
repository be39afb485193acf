package org.percpulab.arch.s390;

import org.percpulab.core.config.ConfigView;
import org.percpulab.core.spi.TranslationRoots;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.OpSequences;
import org.percpulab.core.spi.PerCpuAreaSpec;
import org.percpulab.core.spi.TlbSpec;
import org.percpulab.core.spi.VaLayout;

/**
 * One configured s390 machine.
 *
 * <p>Translation base register: {@code CR13}, the home-space ASCE. In v6.17 the kernel runs in
 * the home space: CR13 holds the kernel ASCE (lowcore {@code kernel_asce}, 0x388), while CR1
 * (primary) and CR7 (secondary) hold the user ASCE (lowcore {@code user_asce}, 0x390) -
 * arch/s390/include/asm/mmu_context.h loads CR1 with the kernel ASCE only for TIF_ASCE_PRIMARY.
 *
 * <p>Capabilities: {@link S390PtdumpTables}, {@link S390BootMappings} and the
 * {@link org.percpulab.core.spi.GeometryChoice} (why this ASCE type); {@link S390LocalPerCpuMap}
 * when core's gate is active (the experimental local map, off unless chosen).
 */
record S390Model(Geometry geometry, S390Descriptors descriptors, PerCpuAreaSpec perCpuAreas,
    OpSequences ops, CostTable costs, TlbSpec tlb, S390PtdumpTables ptdump,
    S390LocalPerCpuMap localMap, org.percpulab.core.spi.GeometryChoice geometryChoice)
    implements ArchModel {
  /**
   * Assumption: 2048 TLB entries (z/Architecture machines have a combined region/segment TLB and
   * a page TLB of a few thousand entries; IBM publishes no exact figure per model). Config
   * {@code tlb.entries} overrides.
   */
  static final int DEFAULT_TLB_ENTRIES = 2048;

  /** With the experimental local map when core's gate is {@code localActive}. */
  static S390Model of(ConfigView config, boolean localActive) {
    Geometry g = S390Backend.geometry(config);
    long ram = org.percpulab.core.machine.MachineSettings.from(config).memoryBytes()
        & -(1L << g.pageShift());
    int entries =
        config.intOr("tlb.entries", DEFAULT_TLB_ENTRIES, 1, 1 << 20);
    boolean smt = config.raw("tlb.shared").orElse("none").trim().equals("smt");
    boolean z196 = Boolean.parseBoolean(config.raw(S390Backend.KEY_Z196).orElse("true").trim());
    return new S390Model(g, new S390Descriptors(g.levels()),
        S390PerCpuAreas.fromConfig(config, S390Layout.PER_CPU_START, localActive),
        S390Ops.of(z196, org.percpulab.core.spi.PreemptModel.from(config), localActive,
            config.raw(S390Backend.KEY_LOCAL_OFFSET).orElse("lowcore").trim()
                .equals("immediate"), config.raw(org.percpulab.core.config.PercpuAccessKeys.LOCAL_FORMS).orElse("auto").trim()
                .equals("all")),
        S390Costs.fromConfig(config), new TlbSpec(entries, smt),
        new S390PtdumpTables(g, ram, S390KernelImage.from(config, org.percpulab.core.machine
            .Machine.kernelImageBytes(ram, 1L << g.pageShift()))),
        localActive ? S390LocalPerCpuMap.of(g) : null,
        new org.percpulab.core.spi.GeometryChoice(S390Backend.geometryReason(config)));
  }

  /** The kernel's layout; with the local map, VMALLOC_END lowered to the local area. */
  @Override public VaLayout layout() {
    return localMap == null ? S390Layout.LAYOUT : localMap.layout();
  }

  @Override public String translationBaseRegister() {
    return "CR13";
  }

  /** The kernel runs in the home space (CR13), user space in the primary space (CR1). */
  @Override public TranslationRoots translationRoots() {
    return TranslationRoots.SPLIT;
  }

  @Override public <T> java.util.Optional<T> capability(Class<T> type) {
    if (type == org.percpulab.core.spi.PtdumpTables.class || type == S390PtdumpTables.class) {
      return java.util.Optional.of(type.cast(ptdump));
    }
    if (localMap != null && type == org.percpulab.core.spi.LocalPerCpuMap.class) {
      return java.util.Optional.of(type.cast(localMap));
    }
    if (type == org.percpulab.core.spi.GeometryChoice.class) {
      return java.util.Optional.of(type.cast(geometryChoice));
    }
    if (type == org.percpulab.core.spi.BootMappings.class) {
      return java.util.Optional.of(type.cast(new S390BootMappings(descriptors, ptdump.image())));
    }
    return java.util.Optional.empty();
  }
}
