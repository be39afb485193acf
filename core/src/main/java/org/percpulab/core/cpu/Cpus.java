package org.percpulab.core.cpu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.percpulab.core.kpt.KernelPageTables;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.spi.MachineTopology;

/**
 * The machine's CPUs (possible = online, 1..4096) with their topology and TLBs, and the TLB
 * maintenance the kernel issues: local flushes ({@code local_flush_tlb_all}, {@code flush_tlb_page}
 * local) and broadcast ones ({@code flush_tlb_kernel_range}, {@code flush_tlb_all}), each counted
 * with the pages it covered.
 */
public final class Cpus {
  public static final int MAX_CPUS = 4096;

  private final MachineTopology topology;
  private final Cpu[] cpus;
  private final List<Tlb> tlbs;
  private final int pageShift;
  private long localFlushes;
  private long broadcastRangeFlushes;
  private long broadcastAllFlushes;
  private long flushedPages;
  private long droppedEntries;
  /** Slot 0: page-table levels read by the hardware walks of all CPUs. */
  private final long[] walkLevelReads = new long[1];

  public Cpus(MachineTopology topology, int tlbEntries, PageTableEngine engine,
      KernelPageTables kpt) {
    int n = topology.cpus();
    if (n < 1 || n > MAX_CPUS) {
      throw new IllegalArgumentException("cpus " + n + " not in 1.." + MAX_CPUS);
    }
    this.topology = topology;
    this.pageShift = engine.geometry().pageShift();
    this.cpus = new Cpu[n];
    List<Tlb> all = new ArrayList<>();
    Tlb shared = null;
    for (int i = 0; i < n; i++) {
      int core = topology.core(i);
      Tlb t;
      if (topology.tlbSharedBySmt() && i % topology.threadsPerCore() != 0 && shared != null) {
        t = shared;
      } else {
        t = new Tlb(tlbEntries);
        all.add(t);
        shared = t;
      }
      cpus[i] = new Cpu(i, core, t, engine, kpt.pgdOf(i), walkLevelReads);
    }
    this.tlbs = Collections.unmodifiableList(all);
  }

  public MachineTopology topology() { return topology; }

  public int count() { return cpus.length; }

  public Cpu get(int cpu) {
    if (cpu < 0 || cpu >= cpus.length) {
      throw new IllegalArgumentException("cpu " + cpu + " not in 0.." + (cpus.length - 1));
    }
    return cpus[cpu];
  }

  /** Levels read by the hardware walks of all CPUs (the sum of {@link Cpu#walkLevelReads()}). */
  public long walkLevelReads() { return walkLevelReads[0]; }

  /** Distinct TLBs (one per CPU, or one per core with tlb.shared=smt). */
  public List<Tlb> tlbs() { return tlbs; }

  /** {@code __per_cpu_local_off}: the same on every CPU; set by percpu setup. */
  public long perCpuLocalOff() { return cpus[0].perCpuLocalOff(); }

  /** Sets {@code __per_cpu_local_off}; every CPU keeps a copy next to its offset register. */
  public void setPerCpuLocalOff(long off) {
    for (Cpu c : cpus) {
      c.setPerCpuLocalOff(off);
    }
  }

  // ---- TLB maintenance ----

  /** Local flush of everything on {@code cpu}'s TLB. */
  public void flushLocalAll(int cpu) {
    localFlushes++;
    droppedEntries += get(cpu).tlb().flushAll();
  }

  /** Local flush of the page containing {@code va} on {@code cpu}'s TLB. */
  public void flushLocalVa(int cpu, long va) {
    localFlushes++;
    flushedPages++;
    if (get(cpu).tlb().flushVpn(va >>> pageShift)) {
      droppedEntries++;
    }
  }

  /** Broadcast flush of {@code [va, va+size)} on every TLB (flush_tlb_kernel_range). */
  public void flushKernelRange(long va, long size) {
    if (size == 0) {
      return;
    }
    broadcastRangeFlushes++;
    long first = va >>> pageShift;
    long count = ((va + size - 1) >>> pageShift) - first + 1;
    flushedPages += count;
    for (Tlb t : tlbs) {
      droppedEntries += t.flushRange(first, count);
    }
  }

  /** Broadcast flush of everything (flush_tlb_all). */
  public void flushAll() {
    broadcastAllFlushes++;
    for (Tlb t : tlbs) {
      droppedEntries += t.flushAll();
    }
  }

  public long localFlushes() { return localFlushes; }

  public long broadcastRangeFlushes() { return broadcastRangeFlushes; }

  public long broadcastAllFlushes() { return broadcastAllFlushes; }

  /** Pages covered by local-VA and broadcast-range flushes. */
  public long flushedPages() { return flushedPages; }

  /** TLB entries actually invalidated by all flushes. */
  public long droppedEntries() { return droppedEntries; }
}
