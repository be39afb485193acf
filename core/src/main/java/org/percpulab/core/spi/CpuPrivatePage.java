package org.percpulab.core.spi;

/**
 * Capability of a model booted with {@code percpu.access=private-page} (David Laight, lore
 * 20260528093635.314ebf58@pumpkin): every CPU's kernel table maps one CPU-private page at one fixed
 * VA. Core builds per-CPU kernel tables (the local map's machinery,
 * {@code org.percpulab.core.kpt.KernelPageTables}, without a local area) whose private entries
 * cover {@link #privateRange()}, allocates one page per CPU, maps it at {@link #pageVa()} in that
 * CPU's tables and keeps the words below in it; the {@link MicroOp.Effect} PRIVATE_* micro-ops
 * load and store them through the CPU's TLB and walker.
 *
 * <p>Rules (checked when the machine boots): the range is page aligned, owns whole entries of
 * {@link #privateLevel()} (0 .. levels - 2), lies inside one entry of every level above it, and no
 * other region of the layout overlaps it; {@link #pageVa()} is its first page.
 */
public interface CpuPrivatePage {
  /** Byte offset of the 32-bit preempt_count in the page (model layout). */
  int PREEMPT_COUNT = 0;
  /** Byte offset of {@code current} (the task pointer) in the page. */
  int CURRENT = 8;
  /** Byte offset of the CPU's percpu offset ({@code __per_cpu_offset[cpu]}) in the page. */
  int PERCPU_OFFSET = 16;

  /** The VA span whose entries at {@link #privateLevel()} are per CPU. */
  Region privateRange();

  /** The table level at which the range owns whole entries (0 = top). */
  int privateLevel();

  /** The fixed VA of the page: the start of {@link #privateRange()}. */
  default long pageVa() {
    return privateRange().start();
  }
}
