package org.percpulab.bench.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.core.spi.TranslationRoots;

/**
 * What a per-CPU kernel top level (the local map) costs per process under the backend's
 * translation-root model ({@link TranslationRoots}), counted over a workload's mms and switch_mm
 * events. With split roots (arm64 TTBR0/TTBR1, s390 home/primary) it costs nothing per mm. With
 * one root (x86 CR3, RISC-V satp) the two ways of giving each CPU its own kernel top level are
 * counted side by side (the sources do not say which a port would choose):
 *
 * <ul>
 *   <li>{@code perMmCopy}: a top-level table per (mm, CPU the mm has run on): the mm's own pgd
 *       serves the first CPU, each further CPU gets a page whose kernel half is copied from the
 *       reference table (as pgd_alloc's clone of the kernel entries, arch/x86/mm/pgtable.c) and
 *       whose local entry points to that CPU's local tables; switch_mm loads the (mm, CPU) root
 *       (no extra work); the copies are freed with the mm.
 *   <li>{@code rewriteOnSwitch}: one pgd per mm; switch_mm writes this CPU's local entry into it
 *       when it holds another CPU's. Valid only while no two threads of the mm run on two CPUs
 *       at once (they would need different local entries in the one table); the process
 *       workloads fork without CLONE_VM, so every mm here is single-threaded, and the mms that
 *       ran on several CPUs are counted (with threads those would need the per-CPU copy).
 * </ul>
 *
 * <p>Assumptions, shown with the figures: a task's event on a CPU means its mm is loaded there, so
 * a change of mm on a CPU is one switch_mm; a copy costs kernelEntries loads and stores plus one
 * store for the local entry, a rewrite one store; page allocation, the TLB flush a root switch may
 * need, and syncing new kernel top-level entries into every copy (x86 sync_global_pgds) are not
 * counted. These cycles are reported beside the run's figures, not added to sysCycles.
 */
public final class TranslationRootCost {
  private final int cpus;
  private final TranslationRoots model;
  private final boolean localMap;
  private final int kernelEntries;
  private final long pageBytes;
  private final long loadCycles;
  private final long storeCycles;
  private final int[] cpuMm;
  private final List<long[]> ranOn = new ArrayList<>();
  private final List<int[]> entryCpu = new ArrayList<>();
  private long mms;
  private long switches;
  private long copies;
  private long livePages;
  private long peakPages;
  private long rewrites;
  private long multiCpuMms;

  /**
   * @param kernelEntries top-level entries of the kernel half (copied per copy)
   * @param pageBytes bytes of a top-level table page
   */
  public TranslationRootCost(int cpus, TranslationRoots model, boolean localMap,
      int kernelEntries, long pageBytes, long loadCycles, long storeCycles) {
    this.cpus = cpus;
    this.model = model;
    this.localMap = localMap;
    this.kernelEntries = kernelEntries;
    this.pageBytes = pageBytes;
    this.loadCycles = loadCycles;
    this.storeCycles = storeCycles;
    this.cpuMm = new int[cpus];
    java.util.Arrays.fill(cpuMm, -1);
  }

  /** A split-root machine, or one without a local map: nothing per mm. */
  public static TranslationRootCost none(int cpus) {
    return new TranslationRootCost(cpus, TranslationRoots.SPLIT, false, 0, 0, 0, 0);
  }

  /** Whether the per-mm costs apply: one root and a per-CPU kernel top level (local map). */
  public boolean applies() {
    return model == TranslationRoots.SINGLE && localMap;
  }

  /** mm_init: a new mm; returns its id for {@link #run} and {@link #destroyed}. */
  public int created() {
    mms++;
    ranOn.add(new long[(cpus + 63) >>> 6]);
    entryCpu.add(new int[] {-1});
    return ranOn.size() - 1;
  }

  /** The mm is freed: its per-CPU copies go with it. */
  public void destroyed(int mm) {
    long[] on = ranOn.get(mm);
    if (on == null) {
      return;
    }
    int n = 0;
    for (long w : on) {
      n += Long.bitCount(w);
    }
    if (n > 1) {
      livePages -= n - 1;
    }
    ranOn.set(mm, null);
    entryCpu.set(mm, null);
    for (int c = 0; c < cpus; c++) {
      if (cpuMm[c] == mm) {
        cpuMm[c] = -1;
      }
    }
  }

  /** A task of {@code mm} runs on {@code cpu}: a switch_mm when the CPU had another mm loaded. */
  public void run(int mm, int cpu) {
    if (cpuMm[cpu] == mm) {
      return;
    }
    cpuMm[cpu] = mm;
    switches++;
    long[] on = ranOn.get(mm);
    if (on == null) {
      return;
    }
    int w = cpu >>> 6;
    long bit = 1L << (cpu & 63);
    if ((on[w] & bit) == 0) {
      boolean first = true;
      for (long x : on) {
        first &= x == 0;
      }
      on[w] |= bit;
      if (!first) {
        copies++;
        livePages++;
        peakPages = Math.max(peakPages, livePages);
        if (countBits(on) == 2) {
          multiCpuMms++;
        }
      }
    }
    int[] e = entryCpu.get(mm);
    if (e[0] != cpu) {
      if (e[0] >= 0) {
        rewrites++;
      }
      e[0] = cpu;
    }
  }

  private static int countBits(long[] on) {
    int n = 0;
    for (long x : on) {
      n += Long.bitCount(x);
    }
    return n;
  }

  /** The figures for the run output. */
  public Map<String, Object> figures() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("model", model.name().toLowerCase(java.util.Locale.ROOT));
    o.put("applies", applies());
    o.put("mms", mms);
    o.put("switchMm", switches);
    if (!applies()) {
      o.put("note", model == TranslationRoots.SPLIT
          ? "split roots: the per-CPU kernel root is independent of the mm, no per-mm cost"
          : "no local map in this mode: the mm's one root needs no per-CPU kernel entry");
      return o;
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    copy.put("tablePagesAllocated", copies);
    copy.put("peakTablePages", peakPages);
    copy.put("peakTableBytes", peakPages * pageBytes);
    copy.put("tablePagesPerMm", mms == 0 ? 0.0 : Math.round(copies * 100.0 / mms) / 100.0);
    copy.put("kernelEntriesCopied", copies * kernelEntries);
    copy.put("cycles", copies * (kernelEntries * (loadCycles + storeCycles) + storeCycles));
    o.put("perMmCopy", copy);
    Map<String, Object> rw = new LinkedHashMap<>();
    rw.put("tablePagesAllocated", 0L);
    rw.put("localEntryRewrites", rewrites);
    rw.put("cycles", rewrites * storeCycles);
    rw.put("mmsOnSeveralCpus", multiCpuMms);
    rw.put("validWhile", "no mm runs on two CPUs at once (true here: no CLONE_VM threads)");
    o.put("rewriteOnSwitch", rw);
    o.put("assumptions", "a task event on a CPU loads its mm there (a change = one switch_mm); "
        + "copy = " + kernelEntries + " kernel-half entries loaded and stored + the local entry; "
        + "rewrite = 1 store; page allocation, TLB flushes and kernel top-level sync not counted;"
        + " not added to sysCycles");
    return o;
  }
}
