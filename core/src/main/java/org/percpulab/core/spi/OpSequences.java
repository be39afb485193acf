package org.percpulab.core.spi;

/**
 * The arch's instruction sequence for every this_cpu op, form, size and mode.
 */
public interface OpSequences {

  /**
   * The micro-ops the kernel executes for {@code form + op + "_" + size} in {@code mode}.
   *
   * <p>Contract: {@code size} is 1, 2, 4 or 8. In {@link OpMode#LOCAL_MAP} the sequence must form the
   * address with {@link MicroOp.Effect#ADDR_LOCAL}; in {@link OpMode#BASELINE} with
   * {@link MicroOp.Effect#READ_OFFSET} then {@link MicroOp.Effect#ADDR_GLOBAL}. Read-modify-write
   * ops must contain exactly one effect among ATOMIC_RMW, STORE_EXCLUSIVE (with a preceding
   * LOAD_EXCLUSIVE), CAS_RETRY (with a preceding LOAD), or STORE (plain, only inside IRQ or
   * preemption protection or for __this_cpu/raw_cpu forms). Constant operands ({@code inc/dec}) may
   * use immediate forms. Return a new or shared array that callers never modify.
   *
   * @throws IllegalArgumentException if {@code size} is not 1, 2, 4 or 8, or {@code mode} is
   *     LOCAL_MAP on a backend without {@link LocalPerCpuMap}
   */
  MicroOp[] sequence(ThisCpuOp op, int size, OpForm form, OpMode mode);
}
