package org.percpulab.core.spi;

/**
 * The arch's instruction sequence for every this_cpu op, form, size and mode.
 */
public interface OpSequences {

  /**
   * The micro-ops the kernel executes for {@code form + op + "_" + size} in {@code mode}.
   *
   * <p>Contract: {@code size} is 1, 2, 4 or 8. In {@link OpMode#LOCAL_MAP} the {@code this_cpu_*}
   * sequences must form the address with {@link MicroOp.Effect#ADDR_LOCAL} ({@code __this_cpu_*}
   * and {@code raw_cpu_*} may use either, per {@code percpu.localForms}); in every other mode with
   * {@link MicroOp.Effect#READ_OFFSET} then {@link MicroOp.Effect#ADDR_GLOBAL}, except
   * {@link OpMode#SEGMENT}, whose one SEG_LOAD/SEG_STORE/SEG_RMW micro-op forms the address and
   * accesses. MARKER_SET/MARKER_CLEAR appear only in {@link OpMode#MARKER_FIXUP}, balanced;
   * RESTART_BEGIN/RESTART_END only in {@link OpMode#RESTART}, balanced, with the committing store
   * inside. Preempt handling follows the backend's {@link PreemptModel}. Read-modify-write
   * ops must contain exactly one effect among ATOMIC_RMW, STORE_EXCLUSIVE (with a preceding
   * LOAD_EXCLUSIVE), CAS_RETRY (with a preceding LOAD), or STORE (plain, only inside IRQ or
   * preemption protection or for __this_cpu/raw_cpu forms). Constant operands ({@code inc/dec}) may
   * use immediate forms. Return a new or shared array that callers never modify.
   *
   * @throws IllegalArgumentException if {@code size} is not 1, 2, 4 or 8, or {@code mode} is not
   *     in {@link ArchBackend#accesses()} (or LOCAL_MAP on a backend without
   *     {@link LocalPerCpuMap})
   */
  MicroOp[] sequence(ThisCpuOp op, int size, OpForm form, OpMode mode);

  /**
   * Index 0..3 of an op size 1, 2, 4 or 8, for backends that keep their sequences in tables.
   *
   * @throws IllegalArgumentException for any other size, naming it and what is allowed
   */
  static int sizeIndex(int size) {
    switch (size) {
      case 1: return 0;
      case 2: return 1;
      case 4: return 2;
      case 8: return 3;
      default: throw new IllegalArgumentException("this_cpu op size " + size
          + " is not allowed; allowed: 1, 2, 4, 8");
    }
  }
}
