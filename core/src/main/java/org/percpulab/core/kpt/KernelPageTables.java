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
 * percpu map is active, per-CPU tables (the seed series' per-CPU TTBR1 tables).
 *
 * <p>The local area is private from its <em>private level</em> P
 * ({@link org.percpulab.core.spi.LocalPerCpuMap#privateLevel()}): the entries of level P that cover
 * it are CPU n's own. Each CPU owns a copy of every table on the path from the top down to level P
 * (the pgd for P = 0; the pgd and the level-1 table for P = 1, as on arm64 16K/48-bit and
 * 4K/52-bit whose top-level entries are too large to give the area one of its own). Every other
 * entry of those copies equals swapper's, so all lower-level tables outside the private entries are
 * shared. Swapper has the same path tables (shared; never freed) with the private entries empty.
 *
 * <p>A change of a shared entry of a path-level table (new table under it, block or table entry
 * removed) is propagated to every per-CPU copy ({@link #syncKernelMappings}, the kernel's
 * {@code arch_sync_kernel_mappings()} idea), decided per level from the {@code pgtbl_mod_mask}: the
 * PGD bit syncs top-level entries in the range, the bit of level l (1..P) syncs level-l entries in
 * the part of the range that the level-l path table spans. Callers use {@link #mapShared}/
 * {@link #unmapShared} for kernel mappings (swapper + sync) and {@link #mapPrivate}/
 * {@link #unmapPrivate} for CPU n's private range.
 *
 * <p>The same machinery serves {@code percpu.access=private-page}
 * ({@link org.percpulab.core.spi.CpuPrivatePage}): per-CPU tables whose private range holds one
 * CPU-private page instead of the local area ({@link #localMapActive()} false,
 * {@link #perCpuTables()} true, {@link #privateArea()} the range).
 *
 * <p>With neither, no per-CPU table exists and every CPU uses swapper.
 */
public final class KernelPageTables {
  private final PageTableEngine engine;
  private final Geometry geo;
  private final DescriptorFormat fmt;
  private final PhysMem mem;
  private final PageAllocator alloc;
  private final int cpus;
  private final Region privateArea;
  /** The private range is the percpu local area (else a CPU-private page's range). */
  private final boolean localMap;
  private final int privateLevel;
  private final long swapper;
  private final long[] cpuPgd;
  private final boolean[] privateSlot;
  /** Index at each path level 0..P-1 of the entry leading to the local area. */
  private final int[] pathIndex;
  /** Swapper's tables on the path, levels 0..P ([0] = swapper). */
  private final long[] swapperPath;
  /** CPU c's table at path level l at [c * (P + 1) + l]. */
  private final long[] cpuPath;
  /** First and last private entry index at level P. */
  private final int firstPrivate;
  private final int lastPrivate;
  /** The VA span of the private entries: [privStart, privLast]. */
  private final long privStart;
  private final long privLast;
  private long syncCalls;
  private long syncedEntries;
  private final long[] syncedByLevel;

  /** Same as {@link #KernelPageTables(PageTableEngine, int, Region, int)} with private level 0. */
  public KernelPageTables(PageTableEngine engine, int cpus, Region localArea) {
    this(engine, cpus, localArea, 0);
  }

  /**
   * Creates swapper and, when {@code localArea} is non-null (gate active), per CPU a top-level
   * table and private copies of the path tables down to {@code privateLevel}, linked to the same
   * shared tables as swapper's.
   *
   * @throws IllegalArgumentException when the local area does not fit one entry at every level
   *     above {@code privateLevel}, or {@code privateLevel} is not in 0..levels-2
   * @throws IllegalStateException when the page allocator runs out during boot
   */
  public KernelPageTables(PageTableEngine engine, int cpus, Region localArea, int privateLevel) {
    this(engine, cpus, localArea, privateLevel, true);
  }

  /**
   * As {@link #KernelPageTables(PageTableEngine, int, Region, int)}; {@code localMap} false makes
   * {@code privateArea} the range of the CPU-private page (percpu.access=private-page) rather than
   * the percpu local area.
   */
  public KernelPageTables(PageTableEngine engine, int cpus, Region privateArea, int privateLevel,
      boolean localMap) {
    this.localMap = localMap;
    this.engine = engine;
    this.geo = engine.geometry();
    this.fmt = engine.format();
    this.mem = engine.mem();
    this.alloc = engine.allocator();
    this.cpus = cpus;
    this.privateArea = privateArea;
    this.syncedByLevel = new long[geo.levels()];
    this.privateSlot = new boolean[geo.entries(0)];
    if (privateArea == null) {
      this.privateLevel = 0;
      this.swapper = newTable(0, PagePurpose.SHARED, "swapper_pg_dir");
      firstPrivate = -1;
      lastPrivate = -2;
      privStart = 0;
      privLast = 0;
      pathIndex = new int[0];
      swapperPath = new long[] {swapper};
      cpuPath = null;
      cpuPgd = null;
      return;
    }
    if (privateLevel < 0 || privateLevel > geo.levels() - 2) {
      throw new IllegalArgumentException("privateLevel " + privateLevel + " not in 0.."
          + (geo.levels() - 2));
    }
    this.privateLevel = privateLevel;
    long lastVa = privateArea.end() - 1;
    pathIndex = new int[privateLevel];
    for (int l = 0; l < privateLevel; l++) {
      long esz = geo.entrySize(l);
      if ((privateArea.start() & -esz) != (lastVa & -esz)) {
        throw new IllegalArgumentException("local area " + privateArea
            + " spans more than one level-" + l + " entry but its private level is "
            + privateLevel);
      }
      pathIndex[l] = geo.index(l, privateArea.start());
    }
    firstPrivate = geo.index(privateLevel, privateArea.start());
    lastPrivate = geo.index(privateLevel, lastVa);
    if (lastPrivate < firstPrivate) {
      throw new IllegalArgumentException("local area " + privateArea + " wraps the level-"
          + privateLevel + " table");
    }
    long psz = geo.entrySize(privateLevel);
    privStart = privateArea.start() & -psz;
    privLast = (lastVa & -psz) + psz - 1;
    if (privateLevel == 0) {
      for (int i = firstPrivate; i <= lastPrivate; i++) {
        privateSlot[i] = true;
      }
    } else {
      privateSlot[pathIndex[0]] = true;
    }
    this.swapper = newTable(0, PagePurpose.SHARED, "swapper_pg_dir");
    int pl = privateLevel + 1;
    swapperPath = new long[pl];
    swapperPath[0] = swapper;
    for (int l = 1; l <= privateLevel; l++) {
      swapperPath[l] = newTable(l, PagePurpose.SHARED, "swapper's level-" + l + " path table");
      engine.writeEntry(l - 1, swapperPath[l - 1], pathIndex[l - 1],
          fmt.table(l - 1, swapperPath[l]));
    }
    cpuPgd = new long[cpus];
    cpuPath = new long[cpus * pl];
    for (int c = 0; c < cpus; c++) {
      for (int l = 0; l <= privateLevel; l++) {
        long t = newTable(l, c, l == 0 ? "the top-level table of CPU " + c
            : "the level-" + l + " path table of CPU " + c);
        cpuPath[c * pl + l] = t;
        copyShared(l, t);
        if (l > 0) {
          engine.writeEntry(l - 1, cpuPath[c * pl + l - 1], pathIndex[l - 1], fmt.table(l - 1, t));
        }
      }
      cpuPgd[c] = cpuPath[c * pl];
    }
  }

  private long newTable(int level, int owner, String what) {
    long t = engine.allocTable(level, owner);
    if (t < 0) {
      throw new IllegalStateException("out of memory allocating " + what
          + (owner == PagePurpose.SHARED ? "" : " (raise mm.memory)"));
    }
    return t;
  }

  /** Whether entry {@code index} of the level-{@code level} path table is not shared. */
  private boolean notShared(int level, int index) {
    if (level < privateLevel) {
      return index == pathIndex[level];
    }
    return index >= firstPrivate && index <= lastPrivate;
  }

  private void copyShared(int level, long table) {
    int n = geo.entries(level);
    long src = swapperPath[level];
    for (int i = 0; i < n; i++) {
      if (!notShared(level, i)) {
        long e = mem.read64(src + ((long) i << 3));
        if (e != 0 || fmt.none() != 0) {
          engine.writeEntry(level, table, i, e);
        }
      }
    }
  }

  public PageTableEngine engine() { return engine; }

  /** swapper_pg_dir. */
  public long swapperPgd() { return swapper; }

  public boolean localMapActive() { return cpuPgd != null && localMap; }

  /** Whether every CPU has its own tables (the local map, or the CPU-private page). */
  public boolean perCpuTables() { return cpuPgd != null; }

  /** The range whose entries are per CPU (local area or CPU-private page), or null. */
  public Region privateArea() { return privateArea; }

  public int cpus() { return cpus; }

  /** The percpu local area when active, else null. */
  public Region localArea() { return localMap ? privateArea : null; }

  /** The top-level table CPU {@code cpu} runs on: its own when active, else swapper. */
  public long pgdOf(int cpu) {
    pgdIndex(cpu);
    return cpuPgd == null ? swapper : cpuPgd[cpu];
  }

  /**
   * The level at which the local area owns whole entries (0 = top); levels above it hold per-CPU
   * path copies. 0 when inactive.
   */
  public int privateLevel() { return privateLevel; }

  /**
   * Whether top-level index {@code index} is not shared: it covers the local area (private level
   * 0) or leads to CPU n's level-1 path table (private level 1 and more).
   */
  public boolean isPrivateSlot(int index) {
    return privateSlot[index];
  }

  /**
   * CPU {@code cpu}'s path table at {@code level} (0..{@link #privateLevel()}); level 0 is its
   * pgd. With the local map inactive: swapper's.
   */
  public long pathTableOf(int cpu, int level) {
    if (level < 0 || level > privateLevel) {
      throw new IllegalArgumentException("level " + level + " not in 0.." + privateLevel);
    }
    int c = pgdIndex(cpu);
    return cpuPath == null ? swapperPath[level] : cpuPath[c * (privateLevel + 1) + level];
  }

  /** Swapper's path table at {@code level} (0..{@link #privateLevel()}). */
  public long swapperPathTable(int level) {
    if (level < 0 || level > privateLevel) {
      throw new IllegalArgumentException("level " + level + " not in 0.." + privateLevel);
    }
    return swapperPath[level];
  }

  private int pgdIndex(int cpu) {
    if (cpu < 0 || cpu >= cpus) {
      throw new IllegalArgumentException("cpu " + cpu + " not in 0.." + (cpus - 1));
    }
    return cpu;
  }

  /**
   * VA span of the private entries at the private level (whole entries covering the local area;
   * empty when inactive).
   */
  public List<Region> privateRanges() {
    List<Region> out = new ArrayList<>();
    if (privateArea != null) {
      out.add(new Region("private", privStart, privLast + 1));
    }
    return out;
  }

  /** True when {@code va} is in a private entry (see {@link #privateRanges()}). */
  public boolean isPrivate(long va) {
    return privateArea != null && Long.compareUnsigned(va, privStart) >= 0
        && Long.compareUnsigned(va, privLast) <= 0;
  }

  // ---- shared kernel mappings ----

  /** mapRange on swapper, then sync of changed path-level entries. Same result as the engine. */
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

  /** unmapRange on swapper, then sync (a path-level block removed). */
  public int unmapShared(long va, long size) {
    checkShared(va, size);
    int r = engine.unmapRange(swapper, va, size);
    syncIfNeeded(va, size);
    return r;
  }

  /** freeEmptyTables on swapper, then sync (a path-level table entry cleared). */
  public int freeEmptyShared(long va, long size) {
    checkShared(va, size);
    int r = engine.freeEmptyTables(swapper, va, size);
    syncIfNeeded(va, size);
    return r;
  }

  private void syncIfNeeded(long va, long size) {
    if (cpuPgd == null || size == 0) {
      return;
    }
    int mask = engine.lastModMask();
    boolean counted = false;
    for (int l = 0; l <= privateLevel; l++) {
      if ((mask & engine.modBit(l)) != 0) {
        if (!counted) {
          syncCalls++;
          counted = true;
        }
        syncLevel(l, va, va + size - 1);
      }
    }
  }

  private void checkShared(long va, long size) {
    if (cpuPgd == null || size == 0) {
      return;
    }
    long last = va + size - 1;
    if (Long.compareUnsigned(va, privLast) <= 0 && Long.compareUnsigned(last, privStart) >= 0) {
      throw new IllegalArgumentException("shared mapping [0x" + Long.toHexString(va) + ", +0x"
          + Long.toHexString(size) + ") overlaps the private percpu local area slots");
    }
  }

  /**
   * Copies swapper's shared path-level entries covering {@code [va, va+size)} into every per-CPU
   * copy, at every level 0..{@link #privateLevel()}; the arch_sync_kernel_mappings idea. Reads and
   * writes go through the engine's choke-point and are counted.
   */
  public void syncKernelMappings(long va, long size) {
    if (cpuPgd == null || size == 0) {
      return;
    }
    syncCalls++;
    for (int l = 0; l <= privateLevel; l++) {
      syncLevel(l, va, va + size - 1);
    }
  }

  /**
   * Syncs the shared entries of the level-{@code level} path tables within {@code [va, last]}
   * clipped to the span of that table. All per-CPU copies equal each other outside their private
   * entries (the invariant), so one compare with CPU 0's copy decides whether every CPU is written.
   */
  private void syncLevel(int level, long va, long last) {
    long lo = va;
    long hi = last;
    if (level > 0) {
      long span = geo.entrySize(level - 1);
      long spanStart = privateArea.start() & -span;
      long spanLast = spanStart + span - 1;
      if (Long.compareUnsigned(hi, spanStart) < 0 || Long.compareUnsigned(lo, spanLast) > 0) {
        return;
      }
      if (Long.compareUnsigned(lo, spanStart) < 0) {
        lo = spanStart;
      }
      if (Long.compareUnsigned(hi, spanLast) > 0) {
        hi = spanLast;
      }
    }
    int pl = privateLevel + 1;
    long src = swapperPath[level];
    long cpu0 = cpuPath[level];
    long esz = geo.entrySize(level);
    long addr = lo;
    while (true) {
      int i = geo.index(level, addr);
      if (!notShared(level, i)) {
        long e = engine.readEntry(level, src, i);
        if (engine.readEntry(level, cpu0, i) != e) {
          for (int c = 0; c < cpus; c++) {
            engine.writeEntry(level, cpuPath[c * pl + level], i, e);
          }
          syncedEntries += cpus;
          syncedByLevel[level] += cpus;
        }
      }
      long bound = addr | (esz - 1);
      if (Long.compareUnsigned(bound, hi) >= 0) {
        return;
      }
      addr = bound + 1;
    }
  }

  public long syncCalls() { return syncCalls; }

  /** Per-CPU path-table entries rewritten by sync so far (all levels). */
  public long syncedEntries() { return syncedEntries; }

  /** Per-CPU entries of level-{@code level} path tables rewritten by sync so far. */
  public long syncedEntries(int level) { return syncedByLevel[level]; }

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
    if (!privateArea.contains(va) || !privateArea.contains(va + size - 1)
        || Long.compareUnsigned(va + size - 1, va) < 0) {
      throw new IllegalArgumentException("private mapping [0x" + Long.toHexString(va) + ", +0x"
          + Long.toHexString(size) + ") outside the " + (localMap ? "percpu local area"
          : "CPU-private page's range") + " [0x"
          + Long.toHexString(privateArea.start()) + ", 0x"
          + Long.toHexString(privateArea.end()) + ")");
    }
  }

  // ---- invariant ----

  /**
   * Checks the invariant: (1) in every path-level table (levels 0..P) every per-CPU entry outside
   * the private path equals swapper's, so every VA outside the private ranges translates
   * identically on every CPU; (2) the path entries lead swapper to its path tables and CPU n to its
   * own copies, which CPU n owns; (3) swapper maps nothing in the private entries; (4) every table
   * reachable from CPU n's private entries is owned by CPU n (so CPU n sees only what was mapped for
   * it). Reads PhysMem directly (not counted).
   *
   * @throws IllegalStateException naming the first divergence
   */
  public void verifyConsistent() {
    if (cpuPgd == null) {
      return;
    }
    int pl = privateLevel + 1;
    for (int l = 0; l <= privateLevel; l++) {
      if (l > 0 && engine.ownerOf(swapperPath[l]) != PagePurpose.SHARED) {
        throw new IllegalStateException("swapper's level-" + l + " path table not shared");
      }
      int n = geo.entries(l);
      for (int i = 0; i < n; i++) {
        long e = mem.read64(swapperPath[l] + ((long) i << 3));
        if (l < privateLevel && i == pathIndex[l]) {
          checkPathEntry(l, i, e, swapperPath[l + 1], "swapper");
          for (int c = 0; c < cpus; c++) {
            long ce = mem.read64(cpuPath[c * pl + l] + ((long) i << 3));
            checkPathEntry(l, i, ce, cpuPath[c * pl + l + 1], "CPU " + c);
          }
          continue;
        }
        if (l == privateLevel && i >= firstPrivate && i <= lastPrivate) {
          if (fmt.isValid(l, e)) {
            throw new IllegalStateException("swapper maps private " + levelName(l) + " slot " + i);
          }
          continue;
        }
        for (int c = 0; c < cpus; c++) {
          long ce = mem.read64(cpuPath[c * pl + l] + ((long) i << 3));
          if (ce != e) {
            throw new IllegalStateException("CPU " + c + " " + levelName(l) + " entry " + i
                + " = 0x" + Long.toHexString(ce) + " differs from swapper's 0x"
                + Long.toHexString(e));
          }
        }
      }
    }
    for (int c = 0; c < cpus; c++) {
      for (int l = 0; l <= privateLevel; l++) {
        if (engine.ownerOf(cpuPath[c * pl + l]) != c) {
          throw new IllegalStateException((l == 0 ? "top-level table" : "level-" + l
              + " path table") + " of CPU " + c + " not owned by it");
        }
      }
      long t = cpuPath[c * pl + privateLevel];
      for (int i = firstPrivate; i <= lastPrivate; i++) {
        long e = mem.read64(t + ((long) i << 3));
        if (fmt.isValid(privateLevel, e) && fmt.isTable(privateLevel, e)) {
          checkOwned(privateLevel + 1, fmt.address(privateLevel, e), c, i);
        }
      }
    }
  }

  private static String levelName(int level) {
    return level == 0 ? "top-level" : "level-" + level;
  }

  private void checkPathEntry(int level, int index, long e, long expect, String who) {
    if (!fmt.isValid(level, e) || !fmt.isTable(level, e) || fmt.address(level, e) != expect) {
      throw new IllegalStateException(who + " " + levelName(level) + " entry " + index + " = 0x"
          + Long.toHexString(e) + " does not lead to its level-" + (level + 1) + " path table 0x"
          + Long.toHexString(expect));
    }
  }

  private void checkOwned(int level, long table, int cpu, int slot) {
    int owner = engine.ownerOf(table);
    if (owner != cpu) {
      throw new IllegalStateException("private " + (privateLevel == 0 ? "" : "level-"
          + privateLevel + " ") + "slot " + slot + " of CPU " + cpu + " reaches level-" + level
          + " table 0x" + Long.toHexString(table) + " owned by "
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

  /**
   * Private page-table pages at {@code level}, all CPUs together (the path copies at levels
   * 0..P included).
   */
  public long perCpuTablePages(int level) { return alloc.perCpuTablePages(level); }

  public long sharedTablePages() { return alloc.sharedTablePages(); }

  public long perCpuTablePages() { return alloc.perCpuTablePages(); }
}
