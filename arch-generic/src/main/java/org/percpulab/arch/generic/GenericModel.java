package org.percpulab.arch.generic;

import java.util.Optional;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.TranslationRoots;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.OpSequences;
import org.percpulab.core.spi.PerCpuAreaSpec;
import org.percpulab.core.spi.PreemptModel;
import org.percpulab.core.spi.TlbSpec;
import org.percpulab.core.spi.VaLayout;

/**
 * One configured generic machine. The translation base register is named {@code PTBR} (a generic
 * page-table base register; a model). One translation root by default ({@code generic.roots}:
 * single, as RISC-V satp and x86 CR3; split models a TTBR0/TTBR1-like pair). Its capabilities are
 * the experimental local map ({@link GenericLocalPerCpuMap}) when core's gate is active (it is
 * only with {@code generic.localMap=on}), {@link GenericPtdumpTables} and {@link GenericBootMappings}.
 */
record GenericModel(PerCpuAreaSpec perCpuAreas, CostTable costs, TlbSpec tlb,
    TranslationRoots translationRoots, boolean localMap, OpSequences ops) implements ArchModel {
  /**
   * Assumption: 1536 entries, the size of a typical second-level TLB of a current x86-64/arm64
   * core; config {@code tlb.entries} overrides.
   */
  static final int DEFAULT_TLB_ENTRIES = 1536;

  static GenericModel of(ConfigView config, boolean localActive) {
    int entries =
        config.intOr("tlb.entries", DEFAULT_TLB_ENTRIES, 1, 1 << 20);
    boolean smt = config.raw("tlb.shared").orElse("none").trim().equals("smt");
    String roots = config.raw(GenericBackend.KEY_ROOTS).orElse("single").trim();
    return new GenericModel(GenericPerCpuAreas.fromConfig(config, localActive),
        GenericCosts.fromConfig(config), new TlbSpec(entries, smt), roots.equals("split")
            ? TranslationRoots.SPLIT : TranslationRoots.SINGLE, localActive,
        GenericOps.of(PreemptModel.from(config), localActive));
  }

  @Override public Geometry geometry() {
    return GenericGeometry.GEOMETRY;
  }

  /** The layout; with the local map active, the local area is one more region. */
  @Override public VaLayout layout() {
    return localMap ? GenericLayout.WITH_LOCAL_AREA : GenericLayout.LAYOUT;
  }

  @Override public DescriptorFormat descriptors() {
    return GenericDescriptors.INSTANCE;
  }

  @Override public String translationBaseRegister() {
    return "PTBR";
  }

  /** {@link GenericLocalPerCpuMap} when {@code generic.localMap=on}; {@link GenericPtdumpTables}. */
  @Override public <T> Optional<T> capability(Class<T> type) {
    if (localMap && type == LocalPerCpuMap.class) {
      return Optional.of(type.cast(GenericLocalPerCpuMap.INSTANCE));
    }
    if (type == org.percpulab.core.spi.PtdumpTables.class || type == GenericPtdumpTables.class) {
      return Optional.of(type.cast(GenericPtdumpTables.INSTANCE));
    }
    if (type == org.percpulab.core.spi.BootMappings.class) {
      return Optional.of(type.cast(GenericBootMappings.INSTANCE));
    }
    return Optional.empty();
  }
}
