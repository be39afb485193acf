package org.percpulab.bench.workload;

import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.ThisCpuOp;

/**
 * What a workload needs from the simulated kernel: the percpu allocator ({@code alloc_percpu} /
 * {@code free_percpu}, mm/percpu.c), {@code this_cpu_*} ops executed on one CPU
 * (include/linux/percpu-defs.h), {@code per_cpu_ptr} reads, and the balance work
 * ({@code pcpu_balance_workfn}). Implemented over mm-percpu by {@code bench.run.PercpuKernelModel};
 * tests use a plain fake.
 *
 * <p>Contract: pointers are the kernel's percpu pointers (never 0 for a live allocation); every
 * call either completes or throws {@link IllegalArgumentException} with nothing changed.
 */
public interface KernelModel {

  /** Number of possible CPUs. */
  int cpus();

  /**
   * {@code __alloc_percpu_gfp(size, align, gfp)}: a zeroed percpu area, or 0 when the allocator
   * fails (like NULL). {@code atomic} means the GFP flags do not allow blocking.
   */
  long alloc(int size, int align, boolean atomic);

  /** {@code free_percpu(ptr)}. */
  void free(long ptr);

  /**
   * Runs {@code form + op + "_" + size} on {@code cpu} against the percpu pointer {@code ptr}.
   * {@code value} is the operand (add/write/xchg/new value of cmpxchg), {@code expected} the old
   * value of cmpxchg. Returns what the kernel op returns (read value, add_return result, old value,
   * or 1/0 for try_cmpxchg; 0 for ops returning void).
   */
  long op(int cpu, ThisCpuOp op, OpForm form, int size, long ptr, long value, long expected);

  /**
   * {@code preempt_disable()} on {@code cpu} (or any section that implies it: a spinlock, IRQs
   * off). Needed around {@code __this_cpu_*} ops, whose debug check requires it.
   */
  void preemptDisable(int cpu);

  /** {@code preempt_enable()} on {@code cpu}. */
  void preemptEnable(int cpu);

  /** Reads {@code size} bytes at {@code per_cpu_ptr(ptr, cpu)} (zero-extended). */
  long read(long ptr, int cpu, int size);

  /**
   * {@link #read} of {@code ptr} on every CPU {@code 0..out.length-1}, in CPU order, into
   * {@code out} (a for_each_possible_cpu sum's reads); a model may find the object once for all
   * CPUs. Same values as the reads one by one.
   */
  default void readEveryCpu(long ptr, int size, long[] out) {
    for (int c = 0; c < out.length; c++) {
      out[c] = read(ptr, c, size);
    }
  }

  /** Writes {@code size} bytes at {@code per_cpu_ptr(ptr, cpu)} (a plain store by another CPU). */
  void write(long ptr, int cpu, int size, long value);

  /**
   * Names the percpu object at {@code ptr} ({@code size} bytes per CPU), e.g.
   * {@code memcg_vmstats_percpu}, for per-path attribution; it stays named until freed. A model
   * may ignore it (the default).
   */
  default void label(long ptr, int size, String what) { }

  /** Runs the percpu balance work ({@code pcpu_balance_workfn}) to completion. */
  void balance();

  /** Instructions executed by {@link #op} so far (cumulative). */
  long opInstructions();

  /** Modelled cycles of {@link #op} so far (cumulative), from the backend's cost table. */
  long opCycles();

  /** Machine-wide counters now. */
  ModelStats stats();

  /**
   * {@link ModelStats#chunkPageTableCycles()} of {@link #stats()} now, for a caller that needs only
   * that figure around every alloc/free/balance call; a model may compute it without the rest.
   */
  default long chunkPageTableCycles() {
    return stats().chunkPageTableCycles();
  }

  /**
   * The percpu local area's layout this machine uses ({@code mirror}, {@code packed}), or
   * {@code none} without the local map.
   */
  default String layout() {
    return "none";
  }

  /** The percpu unit size in bytes (0 when the model has no units). */
  default long unitSize() {
    return 0;
  }

  /**
   * Counters a run reports. Memory fields are current values; the runner keeps their peak.
   *
   * @param tlbHits TLB hits of all CPUs
   * @param tlbMisses TLB misses of all CPUs
   * @param chunksCreated dynamic percpu chunks created ({@code pcpu_create_chunk})
   * @param chunksDestroyed chunks destroyed ({@code pcpu_destroy_chunk})
   * @param percpuBytes populated percpu memory, all units ({@code pcpu_nr_populated} x units x
   *     PAGE_SIZE, meminfo "Percpu")
   * @param localMapVirtualBytes VA taken in the percpu local area (0 without the local map)
   * @param perCpuPageTableBytes all CPUs' private page-table pages together
   * @param pageTableBytesTotal every kernel page-table page (shared and private)
   * @param chunkPageTableCycles modelled cycles of page-table work for chunk create, populate,
   *     depopulate and destroy (software descriptor reads and writes, table allocation, TLB
   *     flushes); not the hardware walks of the CPUs, the simulator's per_cpu_ptr lookups or the
   *     frame lookups behind pcpu_alloc's memset (the kernel reaches those through the MMU)
   */
  record ModelStats(long tlbHits, long tlbMisses, long chunksCreated, long chunksDestroyed,
      long percpuBytes, long localMapVirtualBytes, long perCpuPageTableBytes,
      long pageTableBytesTotal, long chunkPageTableCycles) { }
}
