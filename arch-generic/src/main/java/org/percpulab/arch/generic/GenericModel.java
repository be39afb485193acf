package org.percpulab.arch.generic;

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
 * page-table base register; a model). No capabilities: {@code capability(LocalPerCpuMap.class)} is
 * empty.
 */
record GenericModel(PerCpuAreaSpec perCpuAreas, CostTable costs, TlbSpec tlb, OpSequences ops)
    implements ArchModel {
  /**
   * Assumption: 1536 entries, the size of a typical second-level TLB of a current x86-64/arm64
   * core; config {@code tlb.entries} overrides.
   */
  static final int DEFAULT_TLB_ENTRIES = 1536;

  static GenericModel of(ConfigView config) {
    int entries =
        config.intOr("tlb.entries", DEFAULT_TLB_ENTRIES, 1, 1 << 20);
    boolean smt = config.raw("tlb.shared").orElse("none").trim().equals("smt");
    return new GenericModel(GenericPerCpuAreas.fromConfig(config), GenericCosts.fromConfig(config),
        new TlbSpec(entries, smt), GenericOps.of(PreemptModel.from(config)));
  }

  @Override public Geometry geometry() {
    return GenericGeometry.GEOMETRY;
  }

  @Override public VaLayout layout() {
    return GenericLayout.LAYOUT;
  }

  @Override public DescriptorFormat descriptors() {
    return GenericDescriptors.INSTANCE;
  }

  @Override public String translationBaseRegister() {
    return "PTBR";
  }
}
