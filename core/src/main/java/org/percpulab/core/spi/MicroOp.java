package org.percpulab.core.spi;

/**
 * One instruction of a this_cpu sequence: its mnemonic (for traces and the README's instruction
 * table), its cost class, and the effect the core's executor applies when it runs. Most instructions
 * have {@link Effect#NONE} (they only count); the effects carry the semantics.
 *
 * @param mnemonic e.g. {@code "mrs x1, tpidr_el1"}
 * @param cost cost class looked up in the backend's {@link CostTable}
 * @param effect what the executor does
 */
public record MicroOp(String mnemonic, CostClass cost, Effect effect) {

  /** Executor semantics of a micro-op. */
  public enum Effect {
    /** Counted only. */
    NONE,
    /** preempt_count += 1 (the store that completes preempt_disable). */
    PREEMPT_INC,
    /**
     * preempt_count -= 1; if it reached 0 with a reschedule pending, the scheduler hook is called
     * (preempt_enable's dec-and-test).
     */
    PREEMPT_DEC_CHECK,
    /** Save IRQ state and disable IRQs (local_irq_save). */
    IRQ_SAVE,
    /** Restore the saved IRQ state. */
    IRQ_RESTORE,
    /** Read this CPU's percpu offset into the offset register (TPIDR_EL1, lowcore, array). */
    READ_OFFSET,
    /** address = pointer + offset register. */
    ADDR_GLOBAL,
    /** address = pointer + __per_cpu_local_off. */
    ADDR_LOCAL,
    /** Plain load of the operand from the address (translation through the TLB). */
    LOAD,
    /** Plain store of the computed value. */
    STORE,
    /** Compute the new value from the loaded one (add, and, or, xchg, cmpxchg compare). */
    COMPUTE,
    /** Single-copy-atomic read-modify-write at the address (LSE stadd/ldadd/swp/cas, s390 laa). */
    ATOMIC_RMW,
    /** Load-exclusive: load and arm the exclusive monitor. */
    LOAD_EXCLUSIVE,
    /** Store-exclusive: store if the monitor is still armed, else branch back to the load. */
    STORE_EXCLUSIVE,
    /** Compare-and-swap against the last loaded value; on mismatch branch back to the last LOAD. */
    CAS_RETRY,
    /**
     * preempt_count -= 1 without the resched test: preempt_enable_notrace where PREEMPT_COUNT=y
     * but PREEMPTION=n (include/linux/preempt.h {@code __preempt_count_dec()}).
     */
    PREEMPT_DEC,
    /**
     * marker-fixup: the store that arms the marker (s390 {@code mviy} of the base register number
     * into lowcore). From here until {@link #MARKER_CLEAR}, a migration at a preemption point after
     * the address was formed rewrites the address for the new CPU (the exception-return fixup).
     */
    MARKER_SET,
    /** marker-fixup: the store that clears the marker. */
    MARKER_CLEAR,
    /**
     * restart: start of a restartable region. A migration, or an exception return the CPU counts
     * ({@code Cpu.exceptionReturns()}), at a preemption point before {@link #RESTART_END} restarts
     * the region from this micro-op on the CPU the task continues on.
     */
    RESTART_BEGIN,
    /** restart: end of the region (after its committing store). */
    RESTART_END,
    /** segment: one instruction forms pointer + this CPU's offset and loads from it. */
    SEG_LOAD,
    /** segment: one instruction forms pointer + this CPU's offset and stores there. */
    SEG_STORE,
    /**
     * segment: one instruction forms pointer + this CPU's offset and does a read-modify-write
     * there, atomic against interrupts on this CPU (x86 {@code add %reg, %gs:var}).
     */
    SEG_RMW,
    /**
     * private-page: a load from the CPU-private page ({@link CpuPrivatePage}) at its fixed VA,
     * translated through the CPU's TLB and tables (e.g. the preempt_count read before its update).
     */
    PRIVATE_LOAD,
    /** private-page: a store of the current preempt_count to the CPU-private page. */
    PRIVATE_STORE,
    /** private-page: the store of preempt_count + 1 to the CPU-private page, then PREEMPT_INC. */
    PRIVATE_PREEMPT_INC,
    /** private-page: the store of preempt_count - 1 to the CPU-private page, then PREEMPT_DEC. */
    PRIVATE_PREEMPT_DEC,
    /**
     * private-page: the store of preempt_count - 1 to the CPU-private page, then
     * PREEMPT_DEC_CHECK.
     */
    PRIVATE_PREEMPT_DEC_CHECK
  }

  public static MicroOp of(String mnemonic, CostClass cost) {
    return new MicroOp(mnemonic, cost, Effect.NONE);
  }
}
