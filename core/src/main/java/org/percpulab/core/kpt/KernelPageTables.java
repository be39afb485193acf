package org.percpulab.core.kpt;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.mem.PageAllocator;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.mem.PhysMem;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.Region;

/**
 * The kernel's page tables: {@code swapper_pg_dir} for the shared kernel half and, when the local
 * percpu map is active, one top-level table per CPU (the seed series' per-CPU TTBR1 tables).
 *
 * <p>Every top-level entry outside the private slots (those covering the percpu local area) of a
 * per-CPU table is a copy of swapper's entry, so they share all lower-level tables. A change of such
 * a shared top-level entry is propagated to every per-CPU table ({@link #syncKernelMappings}, the
 * kernel's {@code arch_sync_kernel_mappings()} idea, triggered by the PGD bit of the
 * {@code pgtbl_mod_mask}). Callers use {@link #mapShared}/{@link #unmapShared} for kernel mappings
 * (swapper + sync) and {@link #mapPrivate}/{@link #unmapPrivate} for CPU n's private range.
 *
 * <p>With the local map inactive no per-CPU table exists and every CPU uses swapper.
 */
public final class KernelPageTables {
  private final PageTableEngine engine;
  private final Geometry geo;
  private final DescriptorFormat fmt;
  private final PhysMem mem;
  private final PageAllocator alloc;
  private final int cpus;
  private final Region localArea;
  private final long swapper;
  private final long[] cpuPgd;
  private final boolean[] privateSlot;
  private final int firstPrivate;
  private final int lastPrivate;
  private long syncCalls;
  private long syncedEntries;

  /**
   * Creates swapper and, when {@code localArea} is non-null (gate active), one top-level table per
   * CPU copied from swapper.
   *
   * @throws IllegalStateException when the page allocator runs out during boot
   */
  public KernelPageTables(PageTableEngine engine, int cpus, Region localArea) {
    this.engine = engine;
    this.geo = engine.geometry();
    this.fmt = engine.format();
    this.mem = engine.mem();
    this.alloc = engine.allocator();
    this.cpus = cpus;
    this.localArea = localArea;
    this.swapper = engine.newPgd(PagePurpose.SHARED);
    if (swapper < 0) {
      throw new IllegalStateException("out of memory allocating swapper_pg_dir");
    }
    this.privateSlot = new boolean[geo.entries(0)];
    if (localArea != null) {
      long lastVa = localArea.end() - 1;
      firstPrivate = geo.index(0, localArea.start());
      lastPrivate = geo.index(0, lastVa);
      if (lastPrivate < firstPrivate) {
        throw new IllegalArgumentException("local area " + localArea + " wraps the top level");
      }
      for (int i = firstPrivate; i <= lastPrivate; i++) {
        privateSlot[i] = true;
      }
      cpuPgd = new long[cpus];
      for (int c = 0; c < cpus; c++) {
        long p = engine.newPgd(c);
        if (p < 0) {
          throw new IllegalStateException("out of memory allocating the top-level table of CPU " + c
              + " (raise mm.memory)");
        }
        cpuPgd[c] = p;
        copyShared(p);
      }
    } else {
      firstPrivate = -1;
      lastPrivate = -2;
      cpuPgd = null;
    }
  }

  private void copyShared(long pgd) {
    int n = geo.entries(0);
    for (int i = 0; i < n; i++) {
      if (!privateSlot[i]) {
        long e = mem.read64(swapper + ((long) i << 3));
        if (e != 0 || fmt.none() != 0) {
          engine.writeEntry(0, pgd, i, e);
        }
      }
    }
  }

  public PageTableEngine engine() { return engine; }

  /** swapper_pg_dir. */
  public long swapperPgd() { return swapper; }

  public boolean localMapActive() { return cpuPgd != null; }

  public int cpus() { return cpus; }

  /** The percpu local area when active, else null. */
  public Region localArea() { return localArea; }

  /** The top-level table CPU {@code cpu} runs on: its own when active, else swapper. */
  public long pgdOf(int cpu) {
    if (cpu < 0 || cpu >= cpus) {
      throw new IllegalArgumentException("cpu " + cpu + " not in 0.." + (cpus - 1));
    }
    return cpuPgd == null ? swapper : cpuPgd[cpu];
  }

  /** Whether top-level index {@code index} is private (covers the local area). */
  public boolean isPrivateSlot(int index) {
    return privateSlot[index];
  }

  /** VA spans of the private top-level slots (empty when inactive). */
  public List<Region> privateRanges() {
    List<Region> out = new ArrayList<>();
    if (localArea != null) {
      long sz = geo.entrySize(0);
      long start = localArea.start() & -sz;
      long end = start + (long) (lastPrivate - firstPrivate + 1) * sz;
      out.add(new Region("private", start, end));
    }
    return out;
  }

  /** True when {@code va} is in a private top-level slot. */
  public boolean isPrivate(long va) {
    return privateSlot[geo.index(0, va)];
  }

  // ---- shared kernel mappings ----

  /** mapRange on swapper, then sync of changed top-level entries. Same result as the engine. */
  public int mapShared(long va, long pa, long size, long prot, int maxBlockShift) {
    checkShared(va, size);
    int r = engine.mapRange(swapper, va, pa, size, prot, maxBlockShift);
    syncIfNeeded(va, size);
    return r;
  }

  /** mapPages on swapper, then sync. */
  public int mapSharedPages(long va, long[] pfns, int offset, int count, long prot) {
    long size = (long) count << geo.pageShift();
    checkShared(va, size);
    int r = engine.mapPages(swapper, va, pfns, offset, count, prot);
    syncIfNeeded(va, size);
    return r;
  }

  /** unmapRange on swapper, then sync (a top-level block removed). */
  public int unmapShared(long va, long size) {
    checkShared(va, size);
    int r = engine.unmapRange(swapper, va, size);
    syncIfNeeded(va, size);
    return r;
  }

  /** freeEmptyTables on swapper, then sync (a top-level table entry cleared). */
  public int freeEmptyShared(long va, long size) {
    checkShared(va, size);
    int r = engine.freeEmptyTables(swapper, va, size);
    syncIfNeeded(va, size);
    return r;
  }

  private void syncIfNeeded(long va, long size) {
    if ((engine.lastModMask() & PageTableEngine.PGTBL_PGD_MODIFIED) != 0 && cpuPgd != null) {
      syncKernelMappings(va, size);
    }
  }

  private void checkShared(long va, long size) {
    if (cpuPgd == null || size == 0) {
      return;
    }
    long last = va + size - 1;
    long esz = geo.entrySize(0);
    long addr = va;
    while (true) {
      if (privateSlot[geo.index(0, addr)]) {
        throw new IllegalArgumentException("shared mapping [0x" + Long.toHexString(va) + ", +0x"
            + Long.toHexString(size) + ") overlaps the private percpu local area slots");
      }
      long bound = addr | (esz - 1);
      if (Long.compareUnsigned(bound, last) >= 0) {
        return;
      }
      addr = bound + 1;
    }
  }

  /**
   * Copies swapper's top-level entries covering {@code [va, va+size)} into every per-CPU table
   * (private slots excepted); the arch_sync_kernel_mappings idea. Reads and writes go through the
   * engine's choke-point and are counted.
   */
  public void syncKernelMappings(long va, long size) {
    if (cpuPgd == null || size == 0) {
      return;
    }
    syncCalls++;
    long last = va + size - 1;
    long esz = geo.entrySize(0);
    long addr = va;
    while (true) {
      int i = geo.index(0, addr);
      if (!privateSlot[i]) {
        long e = engine.readEntry(0, swapper, i);
        for (long p : cpuPgd) {
          if (engine.readEntry(0, p, i) != e) {
            engine.writeEntry(0, p, i, e);
            syncedEntries++;
          }
        }
      }
      long bound = addr | (esz - 1);
      if (Long.compareUnsigned(bound, last) >= 0) {
        return;
      }
      addr = bound + 1;
    }
  }

  public long syncCalls() { return syncCalls; }

  /** Per-CPU top-level entries rewritten by sync so far. */
  public long syncedEntries() { return syncedEntries; }

  // ---- CPU-private mappings ----

  /** mapRange into CPU {@code cpu}'s private range; new tables are owned by that CPU. */
  public int mapPrivate(int cpu, long va, long pa, long size, long prot, int maxBlockShift) {
    checkPrivate(va, size);
    return engine.mapRange(pgdOf(cpu), va, pa, size, prot, maxBlockShift);
  }

  /** mapPages into CPU {@code cpu}'s private range. */
  public int mapPrivatePages(int cpu, long va, long[] pfns, int offset, int count, long prot) {
    checkPrivate(va, (long) count << geo.pageShift());
    return engine.mapPages(pgdOf(cpu), va, pfns, offset, count, prot);
  }

  public int unmapPrivate(int cpu, long va, long size) {
    checkPrivate(va, size);
    return engine.unmapRange(pgdOf(cpu), va, size);
  }

  public int freeEmptyPrivate(int cpu, long va, long size) {
    checkPrivate(va, size);
    return engine.freeEmptyTables(pgdOf(cpu), va, size);
  }

  private void checkPrivate(long va, long size) {
    if (cpuPgd == null) {
      throw new IllegalStateException("the local percpu map is not active: no private ranges");
    }
    if (size == 0) {
      return;
    }
    if (!localArea.contains(va) || !localArea.contains(va + size - 1)
        || Long.compareUnsigned(va + size - 1, va) < 0) {
      throw new IllegalArgumentException("private mapping [0x" + Long.toHexString(va) + ", +0x"
          + Long.toHexString(size) + ") outside the percpu local area [0x"
          + Long.toHexString(localArea.start()) + ", 0x" + Long.toHexString(localArea.end()) + ")");
    }
  }

  // ---- invariant ----

  /**
   * Checks the invariant: (1) every per-CPU top-level entry outside the private slots equals
   * swapper's, so every VA outside the private ranges translates identically on every CPU;
   * (2) swapper maps nothing in the private slots; (3) every table reachable from CPU n's private
   * slots is owned by CPU n (so CPU n sees only what was mapped for it). Reads PhysMem directly
   * (not counted).
   *
   * @throws IllegalStateException naming the first divergence
   */
  public void verifyConsistent() {
    if (cpuPgd == null) {
      return;
    }
    int n = geo.entries(0);
    for (int i = 0; i < n; i++) {
      long e = mem.read64(swapper + ((long) i << 3));
      if (privateSlot[i]) {
        if (fmt.isValid(0, e)) {
          throw new IllegalStateException("swapper maps private top-level slot " + i);
        }
        continue;
      }
      for (int c = 0; c < cpus; c++) {
        long ce = mem.read64(cpuPgd[c] + ((long) i << 3));
        if (ce != e) {
          throw new IllegalStateException("CPU " + c + " top-level entry " + i + " = 0x"
              + Long.toHexString(ce) + " differs from swapper's 0x" + Long.toHexString(e));
        }
      }
    }
    for (int c = 0; c < cpus; c++) {
      if (engine.ownerOf(cpuPgd[c]) != c) {
        throw new IllegalStateException("top-level table of CPU " + c + " not owned by it");
      }
      for (int i = firstPrivate; i <= lastPrivate; i++) {
        long e = mem.read64(cpuPgd[c] + ((long) i << 3));
        if (fmt.isValid(0, e) && fmt.isTable(0, e)) {
          checkOwned(1, fmt.address(0, e), c, i);
        }
      }
    }
  }

  private void checkOwned(int level, long table, int cpu, int slot) {
    int owner = engine.ownerOf(table);
    if (owner != cpu) {
      throw new IllegalStateException("private slot " + slot + " of CPU " + cpu
          + " reaches level-" + level + " table 0x" + Long.toHexString(table) + " owned by "
          + (owner == PagePurpose.SHARED ? "shared" : "CPU " + owner));
    }
    if (level == geo.levels() - 1) {
      return;
    }
    int n = geo.entries(level);
    for (int i = 0; i < n; i++) {
      long e = mem.read64(table + ((long) i << 3));
      if (fmt.isValid(level, e) && fmt.isTable(level, e)) {
        checkOwned(level + 1, fmt.address(level, e), cpu, slot);
      }
    }
  }

  // ---- counts ----

  /** Shared page-table pages at {@code level} (from the allocator's purpose counters). */
  public long sharedTablePages(int level) { return alloc.sharedTablePages(level); }

  /** Private page-table pages at {@code level}, all CPUs together. */
  public long perCpuTablePages(int level) { return alloc.perCpuTablePages(level); }

  public long sharedTablePages() { return alloc.sharedTablePages(); }

  public long perCpuTablePages() { return alloc.perCpuTablePages(); }
}
