package org.percpulab.arch.generic;

import org.percpulab.core.config.ConfigView;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;

/**
 * Modelled cycles per micro-op class for the generic backend. Every number is an assumption (the
 * generic backend is not a real CPU): a simple in-order core with an L1 hit of 4 cycles, 1-cycle
 * ALU/branch/store issue, and an IRQ save/restore costing like a serialising status-register write.
 * Overrides: {@code generic.cost.<class>} (lower-case class name, e.g. {@code generic.cost.irq_save}).
 */
public final class GenericCosts {

  /** The documented defaults. */
  public static final CostTable DEFAULTS = CostTable.builder()
      .set(CostClass.ALU, 1, "assumption: single-cycle integer ALU")
      .set(CostClass.LOAD, 4, "assumption: L1 data-cache hit latency")
      .set(CostClass.STORE, 1, "assumption: store retires into the store buffer")
      .set(CostClass.SYSREG_READ, 1, "assumption: unused by generic (no offset register)")
      .set(CostClass.SYSREG_WRITE, 1, "assumption: unused by generic")
      .set(CostClass.BRANCH, 1, "assumption: correctly predicted branch")
      .set(CostClass.NOP, 1, "assumption: one issue slot")
      .set(CostClass.CALL, 5, "assumption: call + return, predicted")
      .set(CostClass.BARRIER, 20, "assumption: full memory barrier")
      .set(CostClass.ATOMIC_NEAR, 20, "assumption: cache-local atomic RMW (unused by generic ops)")
      .set(CostClass.ATOMIC_FAR, 60, "assumption: far atomic (unused by generic ops)")
      .set(CostClass.LOAD_EXCLUSIVE, 4, "assumption: like LOAD (unused by generic ops)")
      .set(CostClass.STORE_EXCLUSIVE, 8, "assumption: unused by generic ops")
      .set(CostClass.CAS, 20, "assumption: unused by generic ops")
      .set(CostClass.IRQ_SAVE, 10, "assumption: read + write of the interrupt mask, serialising")
      .set(CostClass.IRQ_RESTORE, 10, "assumption: write of the interrupt mask, serialising")
      .set(CostClass.PT_READ, 4, "assumption: software descriptor read, L1 hit")
      .set(CostClass.PT_WRITE, 1, "assumption: software descriptor write")
      .set(CostClass.WALK_LEVEL, 20, "assumption: hardware walker, one level, L2 hit")
      .set(CostClass.TLBI_VA, 100, "assumption: broadcast invalidate of one VA")
      .set(CostClass.TLBI_ALL, 500, "assumption: broadcast invalidate of everything")
      .set(CostClass.PAGE_ALLOC, 1000, "assumption: buddy allocation + zeroing of one 4 KiB page")
      .build();

  private GenericCosts() { }

  /** The defaults with every {@code generic.cost.<class>} override the config gives. */
  public static CostTable fromConfig(ConfigView config) {
    return DEFAULTS.withOverrides(GenericBackend.ID, config);
  }
}
