package org.percpulab.arch.s390;

import org.percpulab.core.config.ConfigView;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;

/**
 * Modelled cycles per micro-op class on s390. Every number is an assumption (IBM publishes no
 * per-instruction latency tables for z15/z16): an L1 hit of 4 cycles, interlocked-update
 * instructions (asi, laa, lan, lao) and cs/csg on a line in the local L1 at about 20 cycles, and
 * stnsm/ssm (IRQ save/restore) as serialising PSW-mask updates. Overrides:
 * {@code s390.cost.<class>} (lower-case class name, e.g. {@code s390.cost.atomic_near}).
 */
public final class S390Costs {

  public static final CostTable DEFAULTS = CostTable.builder()
      .set(CostClass.ALU, 1, "assumption: single-cycle integer ALU (agr, lcgr)")
      .set(CostClass.LOAD, 4, "assumption: L1 data-cache hit (lg, including the lowcore)")
      .set(CostClass.STORE, 1, "assumption: store retires into the store buffer (stg)")
      .set(CostClass.SYSREG_READ, 1, "assumption: unused (s390 reads the offset from the lowcore)")
      .set(CostClass.SYSREG_WRITE, 1, "assumption: unused")
      .set(CostClass.BRANCH, 1, "assumption: correctly predicted branch (brc)")
      .set(CostClass.NOP, 1, "assumption: one issue slot")
      .set(CostClass.CALL, 5, "assumption: brasl + br %r14, predicted")
      .set(CostClass.BARRIER, 20, "assumption: bcr 14,0 serialisation")
      .set(CostClass.ATOMIC_NEAR, 20,
          "assumption: interlocked update (asi/agsi, laa, lan, lao) on a line in the local L1")
      .set(CostClass.ATOMIC_FAR, 60, "assumption: interlocked update on a line held by another core")
      .set(CostClass.LOAD_EXCLUSIVE, 4, "assumption: unused (s390 has no load-exclusive)")
      .set(CostClass.STORE_EXCLUSIVE, 8, "assumption: unused (s390 has no store-exclusive)")
      .set(CostClass.CAS, 20, "assumption: cs/csg on a line in the local L1")
      .set(CostClass.IRQ_SAVE, 10, "assumption: stnsm (store then AND system mask), serialising")
      .set(CostClass.IRQ_RESTORE, 10, "assumption: ssm (set system mask), serialising")
      .set(CostClass.PT_READ, 4, "assumption: software descriptor read, L1 hit")
      .set(CostClass.PT_WRITE, 1, "assumption: software descriptor write")
      .set(CostClass.WALK_LEVEL, 20, "assumption: DAT hardware, one table level, L2 hit")
      .set(CostClass.TLBI_VA, 150,
          "assumption: ipte/idte of one entry, broadcast to all CPUs (quiesce)")
      .set(CostClass.TLBI_ALL, 600, "assumption: global TLB purge (csp/ptlb broadcast)")
      .set(CostClass.PAGE_ALLOC, 1000, "assumption: buddy allocation + zeroing of one 4 KiB page")
      .build();

  private S390Costs() { }

  public static CostTable fromConfig(ConfigView config) {
    return DEFAULTS.withOverrides(S390Backend.ID, config);
  }
}
