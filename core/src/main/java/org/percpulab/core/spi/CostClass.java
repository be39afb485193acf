package org.percpulab.core.spi;

/**
 * Classes of modelled work. A backend's {@link CostTable} gives cycles for each; where a number is
 * an assumption rather than a measurement, the backend says so in {@link CostTable#source}.
 */
public enum CostClass {
  ALU, LOAD, STORE, SYSREG_READ, SYSREG_WRITE, BRANCH, NOP, CALL, BARRIER,
  /** Single-copy-atomic RMW on a line already in this CPU's cache (LSE near atomic, s390 laa). */
  ATOMIC_NEAR,
  /** Atomic performed far (in the interconnect / L3); arm64 far atomics. */
  ATOMIC_FAR,
  LOAD_EXCLUSIVE, STORE_EXCLUSIVE,
  /** Compare-and-swap instruction (arm64 cas, s390 cs/csg). */
  CAS,
  IRQ_SAVE, IRQ_RESTORE,
  /** One page-table descriptor read by software (the kernel walking its tables). */
  PT_READ,
  /** One page-table descriptor write. */
  PT_WRITE,
  /** Hardware walk, per level read on a TLB miss. */
  WALK_LEVEL,
  /** TLB invalidate of one VA, broadcast. */
  TLBI_VA,
  /** TLB invalidate of everything, broadcast. */
  TLBI_ALL,
  /** Allocate and zero one page (page-table page or percpu page). */
  PAGE_ALLOC,
  /**
   * A segment-relative, non-locked read-modify-write of memory (x86 {@code add %reg, %gs:var}):
   * only {@code percpu.access=segment} uses it. A table that does not set it gets LOAD + ALU +
   * STORE ({@link CostTable.Builder#build()}).
   */
  SEGMENT_RMW
}
