package org.percpulab.arch.arm64;

import org.percpulab.core.config.ConfigView;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;

/**
 * Modelled cycles per micro-op class on a Neoverse-class arm64 core at ~3 GHz. Measurements are
 * from the linux-arm-kernel thread "Overhead of arm64 LSE per-CPU atomics?" (Oct–Nov 2025,
 * shared/reference/seed-and-review.md §6); everything else is marked "assumption".
 * Overrides: {@code arm64.cost.<class>} (class name in lower case, e.g. {@code arm64.cost.atomic_far}).
 */
public final class Arm64Costs {

  private static final CostTable DEFAULTS = CostTable.builder()
      .set(CostClass.ALU, 1, "assumption: single-cycle integer op")
      .set(CostClass.LOAD, 4, "assumption: L1D hit load-to-use latency of Neoverse N1/V2")
      .set(CostClass.STORE, 1, "assumption: store retires into the store buffer")
      .set(CostClass.SYSREG_READ, 2, "assumption: mrs tpidr_el1 / sp_el0 are cheap non-serialising")
      .set(CostClass.SYSREG_WRITE, 10, "assumption: msr of a non-self-synchronising register")
      .set(CostClass.BRANCH, 1, "assumption: predicted branch")
      .set(CostClass.NOP, 0, "assumption: nop padding is dropped at decode/rename")
      .set(CostClass.CALL, 2, "assumption: bl + ret, predicted")
      .set(CostClass.BARRIER, 20, "assumption: dsb ishst / isb")
      .set(CostClass.ATOMIC_NEAR, 15,
          "Ampere Altra (N1) LSE per-CPU atomic 5.01 ns at 3.0 GHz (W. Tarreau, Nov 2025)")
      .set(CostClass.ATOMIC_FAR, 135,
          "LSE per-CPU atomic p50 45.53 ns at ~3 GHz (B. Leitao, Nov 2025); Neoverse V2 ~50 ns "
              + "(P. McKenney, Oct 2025)")
      .set(CostClass.LOAD_EXCLUSIVE, 4, "assumption: ldxr = L1 load; loop total 17 cycles below")
      .set(CostClass.STORE_EXCLUSIVE, 11,
          "LL/SC per-CPU op p50 5.69 ns at ~3 GHz = 17 cycles for ldxr+op+stxr+cbnz (B. Leitao, "
              + "Nov 2025): 17 - 4 - 1 - 1")
      .set(CostClass.CAS, 20, "assumption: near cas slightly above a near ldadd")
      .set(CostClass.IRQ_SAVE, 3, "assumption: mrs daif + msr daifset")
      .set(CostClass.IRQ_RESTORE, 3, "assumption: msr daif")
      .set(CostClass.PT_READ, 4, "assumption: descriptor read hits L1D")
      .set(CostClass.PT_WRITE, 3, "assumption: str + dsb ishst amortised")
      .set(CostClass.WALK_LEVEL, 20, "assumption: one walk level hitting L2 / walk cache")
      .set(CostClass.TLBI_VA, 200, "assumption: tlbi vaale1is + dsb ish broadcast")
      .set(CostClass.TLBI_ALL, 500, "assumption: tlbi vmalle1is + dsb ish broadcast")
      .set(CostClass.PAGE_ALLOC, 1000, "assumption: buddy alloc + zeroing a 4 KiB page")
      .build();

  private Arm64Costs() { }

  public static CostTable defaults() {
    return DEFAULTS;
  }

  /** Defaults with every {@code arm64.cost.<class>} the user gave. */
  public static CostTable fromConfig(ConfigView c) {
    return DEFAULTS.withOverrides("arm64", c);
  }
}
