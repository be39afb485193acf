package org.percpulab.core.testkit;

import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.MicroOp.Effect;

/** Hand-made this_cpu_add sequences for executor and explorer tests (arm64-like mnemonics). */
public final class FakeSequences {
  private FakeSequences() {
  }

  /** preempt_disable, offset, LL/SC add loop, preempt_enable. */
  public static MicroOp[] llscAdd() {
    return new MicroOp[] {
        new MicroOp("preempt_disable", CostClass.STORE, Effect.PREEMPT_INC),
        new MicroOp("mrs x1, tpidr_el1", CostClass.SYSREG_READ, Effect.READ_OFFSET),
        new MicroOp("add x0, x0, x1", CostClass.ALU, Effect.ADDR_GLOBAL),
        new MicroOp("ldxr x2, [x0]", CostClass.LOAD_EXCLUSIVE, Effect.LOAD_EXCLUSIVE),
        new MicroOp("add x2, x2, x3", CostClass.ALU, Effect.COMPUTE),
        new MicroOp("stxr w4, x2, [x0]", CostClass.STORE_EXCLUSIVE, Effect.STORE_EXCLUSIVE),
        new MicroOp("cbnz w4, 1b", CostClass.BRANCH, Effect.NONE),
        new MicroOp("preempt_enable", CostClass.STORE, Effect.PREEMPT_DEC_CHECK)};
  }

  /** Offset, then a plain load / add / store: no protection at all. */
  public static MicroOp[] unprotectedAdd() {
    return new MicroOp[] {
        new MicroOp("mrs x1, tpidr_el1", CostClass.SYSREG_READ, Effect.READ_OFFSET),
        new MicroOp("add x0, x0, x1", CostClass.ALU, Effect.ADDR_GLOBAL),
        new MicroOp("ldr x2, [x0]", CostClass.LOAD, Effect.LOAD),
        new MicroOp("add x2, x2, x3", CostClass.ALU, Effect.COMPUTE),
        new MicroOp("str x2, [x0]", CostClass.STORE, Effect.STORE)};
  }

  /**
   * A restartable region around a plain load / add / store (the in-kernel rseq form): begin, offset,
   * load, add, the commit store, end.
   */
  public static MicroOp[] restartAdd() {
    return new MicroOp[] {
        new MicroOp("str cs, kseq", CostClass.STORE, Effect.RESTART_BEGIN),
        new MicroOp("mrs x1, tpidr_el1", CostClass.SYSREG_READ, Effect.READ_OFFSET),
        new MicroOp("add x0, x0, x1", CostClass.ALU, Effect.ADDR_GLOBAL),
        new MicroOp("ldr x2, [x0]", CostClass.LOAD, Effect.LOAD),
        new MicroOp("add x2, x2, x3", CostClass.ALU, Effect.COMPUTE),
        new MicroOp("str x2, [x0]", CostClass.STORE, Effect.STORE),
        new MicroOp("str xzr, kseq", CostClass.STORE, Effect.RESTART_END)};
  }
}
