package org.percpulab.core.pgtable;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.mem.PageAllocator;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.mem.PhysMem;
import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.Geometry;

/**
 * The one page-table engine, parameterised by the backend's {@link Geometry} and
 * {@link DescriptorFormat}; every operation takes the top-level table ({@code pgd}, a physical
 * address) to work on, as the seed series makes {@code vmap_range_noflush()} do (mm/vmalloc.c
 * {@code vmap_range_noflush}, {@code vmap_pages_range_noflush}, {@code vunmap_range_noflush}; hotplug's
 * {@code free_empty_tables} in arch/arm64/mm/mmu.c).
 *
 * <p>Tables live in simulated physical pages ({@link PhysMem}); a table of {@code tableBytes(level)}
 * occupies {@code 2^order} whole pages (s390's 16 KiB region/segment tables: order 2; tables
 * smaller than a page use one page: we do not model s390's 2 KiB page-table fragments).
 *
 * <p>Return values of the mapping operations are the kernel's {@code pgtbl_mod_mask}: bit 0 PGD,
 * bit 1 P4D, bit 2 PUD, bit 3 PMD, bit 4 PTE, a bit meaning "an entry of a table at that level was
 * written". Geometry level {@code i} maps to the kernel names by folding from the top: the top level
 * is always PGD and the last always PTE, so a 3-level table has PGD, PMD, PTE (bits 0, 3, 4).
 * Errors are negative errnos ({@link #ENOMEM}, {@link #EBUSY}); after an error every mapping is
 * exactly as before the call, but intermediate tables allocated on the way stay linked (as in the
 * kernel) and are reported by {@link #lastModMask()} so that callers can still sync them.
 *
 * <p>Every descriptor read and write goes through {@link #readEntry} / {@link #writeEntry} (counted;
 * {@link DescriptorAccessHook} for fault injection). Not thread-safe.
 */
public final class PageTableEngine {
  public static final int ENOMEM = -12;
  public static final int EBUSY = -16;
  public static final int PGTBL_PGD_MODIFIED = 1;
  public static final int PGTBL_P4D_MODIFIED = 1 << 1;
  public static final int PGTBL_PUD_MODIFIED = 1 << 2;
  public static final int PGTBL_PMD_MODIFIED = 1 << 3;
  public static final int PGTBL_PTE_MODIFIED = 1 << 4;
  private static final String[] KERNEL_NAMES = {"PGD", "P4D", "PUD", "PMD", "PTE"};

  private final Geometry geo;
  private final DescriptorFormat fmt;
  private final PhysMem mem;
  private final PageAllocator alloc;
  private final int levels;
  private final int last;
  private final int pageShift;
  private final int[] shifts;
  private final long[] entrySize;
  private final int[] tableOrder;
  private final int[] modBit;
  private final boolean[] blockAllowed;
  private final long none;

  private long reads;
  private long writes;
  private long tablesAllocated;
  private long tablesFreed;
  private DescriptorAccessHook hook;
  private int lastModMask;

  /**
   * Entries the current map call wrote, for its rollback: runs of {entry PA, level, count} of
   * consecutive entries of one level, in write order.
   */
  private long[] journal = new long[96];
  private int journalLen;

  private long fastProt;
  private int fastLevel;
  private int fastReads;

  public PageTableEngine(Geometry geo, DescriptorFormat fmt, PageAllocator alloc) {
    this.geo = geo;
    this.fmt = fmt;
    this.alloc = alloc;
    this.mem = alloc.mem();
    if (mem.pageShift() != geo.pageShift()) {
      throw new IllegalArgumentException("PhysMem page shift " + mem.pageShift()
          + " differs from the geometry's " + geo.pageShift());
    }
    this.levels = geo.levels();
    this.last = levels - 1;
    this.pageShift = geo.pageShift();
    this.shifts = new int[levels];
    this.entrySize = new long[levels];
    this.tableOrder = new int[levels];
    this.modBit = new int[levels];
    this.blockAllowed = new boolean[levels];
    for (int l = 0; l < levels; l++) {
      shifts[l] = geo.shift(l);
      entrySize[l] = geo.entrySize(l);
      long pages = Math.max(1, (geo.tableBytes(l) + geo.pageSize() - 1) >>> pageShift);
      tableOrder[l] = 64 - Long.numberOfLeadingZeros(pages - 1);
      modBit[l] = 1 << kernelLevel(l);
      blockAllowed[l] = l == last || geo.blockAllowed(l);
    }
    this.none = fmt.none();
  }

  /** Index into PGD, P4D, PUD, PMD, PTE (0..4) of geometry level {@code level}. */
  public int kernelLevel(int level) {
    return level == 0 ? 0 : 5 - (levels - level);
  }

  /** The kernel's name of geometry level {@code level} after folding (PGD, P4D, PUD, PMD, PTE). */
  public String kernelLevelName(int level) {
    return KERNEL_NAMES[kernelLevel(level)];
  }

  /** The pgtbl_mod_mask bit of geometry level {@code level}. */
  public int modBit(int level) {
    return modBit[level];
  }

  public Geometry geometry() { return geo; }

  public DescriptorFormat format() { return fmt; }

  public PageAllocator allocator() { return alloc; }

  public PhysMem mem() { return mem; }

  /** Pages (as {@code 2^order}) one table at {@code level} occupies. */
  public int tableOrder(int level) { return tableOrder[level]; }

  // ---- the choke-point ----

  /** Reads entry {@code index} of the table at {@code tablePa} (a table of level {@code level}). */
  public long readEntry(int level, long tablePa, int index) {
    long pa = tablePa + ((long) index << 3);
    reads++;
    long v = mem.read64(pa);
    DescriptorAccessHook h = hook;
    return h == null ? v : h.onRead(level, pa, v);
  }

  /** Writes entry {@code index} of the table at {@code tablePa}. */
  public void writeEntry(int level, long tablePa, int index, long value) {
    long pa = tablePa + ((long) index << 3);
    writes++;
    DescriptorAccessHook h = hook;
    mem.write64(pa, h == null ? value : h.onWrite(level, pa, value));
  }

  public void setAccessHook(DescriptorAccessHook hook) {
    this.hook = hook;
  }

  /** Descriptor reads through the choke-point so far. */
  public long reads() { return reads; }

  /** Descriptor writes through the choke-point so far. */
  public long writes() { return writes; }

  public long tablesAllocated() { return tablesAllocated; }

  public long tablesFreed() { return tablesFreed; }

  /** The mod mask of the last map/unmap call, including tables linked before an error. */
  public int lastModMask() { return lastModMask; }

  // ---- tables ----

  /**
   * Allocates and initialises (every entry none) a table for {@code level} owned by {@code owner}
   * ({@link PagePurpose#SHARED} or a CPU). Returns its physical address, or -1 on OOM.
   */
  public long allocTable(int level, int owner) {
    long pfn = alloc.allocPages(tableOrder[level], PagePurpose.pageTable(level, owner));
    if (pfn < 0) {
      return -1;
    }
    tablesAllocated++;
    long pa = pfn << pageShift;
    if (none != 0) {
      int n = geo.entries(level);
      for (int i = 0; i < n; i++) {
        mem.write64(pa + ((long) i << 3), none);
      }
    }
    return pa;
  }

  /** Frees a table allocated by {@link #allocTable} (its contents are dropped). */
  public void freeTable(int level, long tablePa) {
    alloc.freePages(tablePa >>> pageShift, tableOrder[level]);
    tablesFreed++;
  }

  /** A new empty top-level table, or -1 on OOM. */
  public long newPgd(int owner) {
    return allocTable(0, owner);
  }

  /** Owner recorded for the table page at {@code tablePa}; SHARED when unknown. */
  public int ownerOf(long tablePa) {
    PagePurpose p = alloc.purposeOf(tablePa >>> pageShift);
    return p == null ? PagePurpose.SHARED : p.owner();
  }

  private boolean isNone(int level, long e) {
    return !fmt.isValid(level, e);
  }

  // ---- map ----

  /**
   * Maps {@code [va, va+size)} to {@code [pa, pa+size)} with {@code prot}, using block leaves where
   * the level allows them, {@code va} and {@code pa} are aligned to the block, the range covers it
   * and its shift is at most {@code maxBlockShift} (vmap_range_noflush with max_page_shift).
   * New tables are owned by the owner of {@code pgd}.
   *
   * @return the pgtbl_mod_mask (&gt;= 0), {@link #ENOMEM} or {@link #EBUSY} (a leaf already maps part
   *     of the range: "remapping already mapped page")
   * @throws IllegalArgumentException if va, pa or size is not page aligned
   */
  public int mapRange(long pgd, long va, long pa, long size, long prot, int maxBlockShift) {
    checkAligned(va, size);
    if (((pa) & (entrySize[last] - 1)) != 0) {
      throw new IllegalArgumentException("pa 0x" + Long.toHexString(pa) + " not page aligned");
    }
    return map(pgd, va, size, pa, null, 0, prot, maxBlockShift);
  }

  /**
   * Maps {@code count} pages at {@code va}, page i to frame {@code pfns[i]}, with page descriptors
   * only (vmap_pages_range_noflush with page_shift = PAGE_SHIFT). New tables are owned by the owner
   * of {@code pgd}.
   *
   * @return the pgtbl_mod_mask, {@link #ENOMEM} or {@link #EBUSY}
   */
  public int mapPages(long pgd, long va, long[] pfns, int count, long prot) {
    if (count < 0 || count > pfns.length) {
      throw new IllegalArgumentException("count " + count + " not in 0.." + pfns.length);
    }
    checkAligned(va, (long) count << pageShift);
    return map(pgd, va, (long) count << pageShift, 0, pfns, 0, prot, pageShift);
  }

  /** Like {@link #mapPages(long, long, long[], int, long)} starting at {@code pfns[offset]}. */
  public int mapPages(long pgd, long va, long[] pfns, int offset, int count, long prot) {
    if (offset < 0 || count < 0 || offset + count > pfns.length) {
      throw new IllegalArgumentException("pfns[" + offset + ", +" + count + ") outside array of "
          + pfns.length);
    }
    checkAligned(va, (long) count << pageShift);
    return map(pgd, va, (long) count << pageShift, 0, pfns, offset, prot, pageShift);
  }

  private void checkAligned(long va, long size) {
    long m = entrySize[last] - 1;
    if ((va & m) != 0 || (size & m) != 0) {
      throw new IllegalArgumentException("va 0x" + Long.toHexString(va) + " size 0x"
          + Long.toHexString(size) + ": both must be multiples of the page size "
          + entrySize[last]);
    }
  }

  private int map(long pgd, long va, long size, long pa, long[] pfns, int pfnOff, long prot,
      int maxBlockShift) {
    lastModMask = 0;
    journalLen = 0;
    if (size == 0) {
      return 0;
    }
    int owner = ownerOf(pgd);
    int r = mapLevel(0, pgd, va, va + size - 1, va, pa, pfns, pfnOff, prot, maxBlockShift, owner);
    if (r < 0) {
      for (int i = 0; i < journalLen; i += 3) {
        int level = (int) journal[i + 1];
        for (long k = 0; k < journal[i + 2]; k++) {
          long entryPa = journal[i] + (k << 3);
          long tablePa = entryPa & ~(entrySize[last] - 1) & ~((1L << (pageShift + tableOrder[level])) - 1);
          writeEntry(level, tablePa, (int) ((entryPa - tablePa) >>> 3), none);
          lastModMask |= modBit[level];
        }
      }
      journalLen = 0;
      return r;
    }
    return lastModMask;
  }

  private void journal(long entryPa, int level) {
    journalRun(entryPa, level, 1);
  }

  /** Journals {@code count} consecutive entries from {@code entryPa}, extending the last run. */
  private void journalRun(long entryPa, int level, long count) {
    int l = journalLen;
    if (l >= 3 && journal[l - 2] == level && journal[l - 3] + (journal[l - 1] << 3) == entryPa) {
      journal[l - 1] += count;
      return;
    }
    if (l + 3 > journal.length) {
      journal = java.util.Arrays.copyOf(journal, journal.length * 2);
    }
    journal[l] = entryPa;
    journal[l + 1] = level;
    journal[l + 2] = count;
    journalLen = l + 3;
  }

  private int mapLevel(int level, long table, long addr, long lastVa, long va0, long pa0,
      long[] pfns, int pfnOff, long prot, int maxBlockShift, int owner) {
    if (level == last && hook == null) {
      return mapLeaves(table, addr, lastVa, va0, pa0, pfns, pfnOff, prot);
    }
    long esz = entrySize[level];
    int sh = shifts[level];
    while (true) {
      long bound = addr | (esz - 1);
      long chunkLast = Long.compareUnsigned(bound, lastVa) < 0 ? bound : lastVa;
      int idx = geo.index(level, addr);
      long e = readEntry(level, table, idx);
      if (level == last) {
        if (!isNone(level, e)) {
          return EBUSY;
        }
        long pa = pfns == null ? pa0 + (addr - va0)
            : pfns[pfnOff + (int) ((addr - va0) >>> pageShift)] << pageShift;
        writeEntry(level, table, idx, fmt.leaf(level, pa, prot));
        journal(table + ((long) idx << 3), level);
        lastModMask |= modBit[level];
      } else {
        if (isNone(level, e)) {
          long pa = pa0 + (addr - va0);
          if (pfns == null && blockAllowed[level] && sh <= maxBlockShift
              && (addr & (esz - 1)) == 0 && chunkLast - addr == esz - 1 && (pa & (esz - 1)) == 0) {
            writeEntry(level, table, idx, fmt.leaf(level, pa, prot));
            journal(table + ((long) idx << 3), level);
            lastModMask |= modBit[level];
            if (chunkLast == lastVa) {
              return 0;
            }
            addr = chunkLast + 1;
            continue;
          }
          long t = allocTable(level + 1, owner);
          if (t < 0) {
            return ENOMEM;
          }
          writeEntry(level, table, idx, fmt.table(level, t));
          lastModMask |= modBit[level];
          e = fmt.table(level, t);
        } else if (!fmt.isTable(level, e)) {
          return EBUSY;
        }
        int r = mapLevel(level + 1, fmt.address(level, e), addr, chunkLast, va0, pa0, pfns,
            pfnOff, prot, maxBlockShift, owner);
        if (r < 0) {
          return r;
        }
      }
      if (chunkLast == lastVa) {
        return 0;
      }
      addr = chunkLast + 1;
    }
  }

  /**
   * {@link #mapLevel}'s last level without an access hook: the same entries read and written in
   * the same order, counted and journalled alike, with one PhysMem lookup per storage block of
   * entries instead of two per entry.
   */
  private int mapLeaves(long table, long addr, long lastVa, long va0, long pa0, long[] pfns,
      int pfnOff, long prot) {
    int level = last;
    long esz = entrySize[level];
    long entryPa = table + ((long) geo.index(level, addr) << 3);
    long runStart = entryPa;
    long[] words = null;
    int result = 0;
    while (true) {
      int w = (int) ((entryPa & (PhysMem.BLOCK_BYTES - 1)) >>> 3);
      if (words == null || w == 0) {
        words = mem.wordsForWrite(entryPa);
      }
      reads++;
      if (!isNone(level, words[w])) {
        result = EBUSY;
        break;
      }
      long pa = pfns == null ? pa0 + (addr - va0)
          : pfns[pfnOff + (int) ((addr - va0) >>> pageShift)] << pageShift;
      writes++;
      words[w] = fmt.leaf(level, pa, prot);
      entryPa += 8;
      if (Long.compareUnsigned(addr | (esz - 1), lastVa) >= 0) {
        break;
      }
      addr = (addr | (esz - 1)) + 1;
    }
    if (entryPa != runStart) {
      journalRun(runStart, level, (entryPa - runStart) >>> 3);
      lastModMask |= modBit[level];
    }
    return result;
  }

  // ---- unmap ----

  /**
   * Clears every leaf in {@code [va, va+size)} (vunmap_range_noflush): a block leaf met in the range
   * is cleared whole, as pmd_clear_huge does. Page-table pages are not freed.
   *
   * @return the pgtbl_mod_mask (bits of levels where an entry was cleared)
   */
  public int unmapRange(long pgd, long va, long size) {
    checkAligned(va, size);
    lastModMask = 0;
    if (size != 0) {
      unmapLevel(0, pgd, va, va + size - 1);
    }
    return lastModMask;
  }

  private void unmapLevel(int level, long table, long addr, long lastVa) {
    if (level == last && hook == null) {
      unmapLeaves(table, addr, lastVa);
      return;
    }
    long esz = entrySize[level];
    while (true) {
      long bound = addr | (esz - 1);
      long chunkLast = Long.compareUnsigned(bound, lastVa) < 0 ? bound : lastVa;
      int idx = geo.index(level, addr);
      long e = readEntry(level, table, idx);
      if (!isNone(level, e)) {
        if (level != last && fmt.isTable(level, e)) {
          unmapLevel(level + 1, fmt.address(level, e), addr, chunkLast);
        } else {
          writeEntry(level, table, idx, none);
          lastModMask |= modBit[level];
        }
      }
      if (chunkLast == lastVa) {
        return;
      }
      addr = chunkLast + 1;
    }
  }

  /**
   * {@link #unmapLevel}'s last level without an access hook: the same entries read and cleared in
   * the same order, with one PhysMem lookup per storage block of entries.
   */
  private void unmapLeaves(long table, long addr, long lastVa) {
    int level = last;
    long esz = entrySize[level];
    long entryPa = table + ((long) geo.index(level, addr) << 3);
    long[] words = null;
    boolean cleared = false;
    while (true) {
      int w = (int) ((entryPa & (PhysMem.BLOCK_BYTES - 1)) >>> 3);
      if (words == null || w == 0) {
        words = mem.residentWords(entryPa);
      }
      reads++;
      if (words != null && !isNone(level, words[w])) {
        writes++;
        words[w] = none;
        cleared = true;
      } else if (words == null && !isNone(level, 0L)) {
        // an unwritten entry reads 0: cleared through the normal path, as before
        writeEntry(level, table, (int) ((entryPa - table) >>> 3), none);
        words = mem.residentWords(entryPa);
        cleared = true;
      }
      entryPa += 8;
      if (Long.compareUnsigned(addr | (esz - 1), lastVa) >= 0) {
        break;
      }
      addr = (addr | (esz - 1)) + 1;
    }
    if (cleared) {
      lastModMask |= modBit[level];
    }
  }

  /**
   * Frees every table below {@code pgd} whose entries are all none and whose whole VA span lies in
   * {@code [va, va+size)}, clearing the entry that pointed at it (arm64 free_empty_tables, used by
   * memory hot-remove). The top-level table itself is never freed.
   *
   * @return the pgtbl_mod_mask of cleared table entries
   */
  public int freeEmptyTables(long pgd, long va, long size) {
    checkAligned(va, size);
    lastModMask = 0;
    if (size != 0) {
      freeEmptyLevel(0, pgd, va, va + size - 1);
    }
    return lastModMask;
  }

  private void freeEmptyLevel(int level, long table, long addr, long lastVa) {
    long esz = entrySize[level];
    while (true) {
      long bound = addr | (esz - 1);
      long chunkLast = Long.compareUnsigned(bound, lastVa) < 0 ? bound : lastVa;
      int idx = geo.index(level, addr);
      long e = readEntry(level, table, idx);
      if (level != last && fmt.isValid(level, e) && fmt.isTable(level, e)) {
        long child = fmt.address(level, e);
        freeEmptyLevel(level + 1, child, addr, chunkLast);
        boolean whole = (addr & (esz - 1)) == 0 && chunkLast - addr == esz - 1;
        if (whole && tableEmpty(level + 1, child)) {
          writeEntry(level, table, idx, none);
          lastModMask |= modBit[level];
          freeTable(level + 1, child);
        }
      }
      if (chunkLast == lastVa) {
        return;
      }
      addr = chunkLast + 1;
    }
  }

  /** True when every entry of the table is none. */
  public boolean tableEmpty(int level, long table) {
    int n = geo.entries(level);
    for (int i = 0; i < n; i++) {
      if (!isNone(level, readEntry(level, table, i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Frees the whole tree under {@code pgd} that is owned by {@code owner} (tables of other owners,
   * e.g. shared tables linked into a per-CPU pgd, are left alone), then {@code pgd} itself if owned
   * by {@code owner}. Leaves are not followed. For tearing down per-CPU tables and for leak tests.
   */
  public void destroyTree(long pgd, int owner) {
    destroyLevel(0, pgd, owner);
    if (ownerOf(pgd) == owner) {
      freeTable(0, pgd);
    }
  }

  private void destroyLevel(int level, long table, int owner) {
    if (level == last) {
      return;
    }
    int n = geo.entries(level);
    for (int i = 0; i < n; i++) {
      long e = readEntry(level, table, i);
      if (fmt.isValid(level, e) && fmt.isTable(level, e)) {
        long child = fmt.address(level, e);
        if (ownerOf(child) == owner) {
          destroyLevel(level + 1, child, owner);
          writeEntry(level, table, i, none);
          freeTable(level + 1, child);
        }
      }
    }
  }

  // ---- walk ----

  /** Software walk of {@code va} from {@code pgd}, every level recorded. */
  public WalkResult walk(long pgd, long va) {
    List<WalkStep> steps = new ArrayList<>(levels);
    long table = pgd;
    for (int level = 0; level < levels; level++) {
      int idx = geo.index(level, va);
      long e = readEntry(level, table, idx);
      steps.add(new WalkStep(level, idx, table + ((long) idx << 3), e));
      if (!fmt.isValid(level, e)) {
        return new WalkResult.Fault(va, steps, level);
      }
      if (level == last || fmt.isLeaf(level, e)) {
        long sz = entrySize[level];
        return new WalkResult.Translation(va, steps, level, fmt.address(level, e) + (va & (sz - 1)),
            fmt.protOf(level, e), sz);
      }
      table = fmt.address(level, e);
    }
    throw new AssertionError("unreachable");
  }

  /**
   * Hardware-style walk without allocation: returns the PA of {@code va} or -1 on a translation
   * fault. {@link #fastProt()}, {@link #fastLevel()} (leaf level, or the faulting level) and
   * {@link #fastReads()} describe the last call.
   */
  public long translate(long pgd, long va) {
    long table = pgd;
    for (int level = 0; level < levels; level++) {
      long e = readEntry(level, table, geo.index(level, va));
      if (!fmt.isValid(level, e)) {
        fastLevel = level;
        fastReads = level + 1;
        return -1;
      }
      if (level == last || fmt.isLeaf(level, e)) {
        fastLevel = level;
        fastReads = level + 1;
        fastProt = fmt.protOf(level, e);
        return fmt.address(level, e) + (va & (entrySize[level] - 1));
      }
      table = fmt.address(level, e);
    }
    return -1;
  }

  /**
   * {@link #translate} for the simulator's own bookkeeping: finding the frame behind a kernel VA
   * that the kernel itself reaches through the MMU (pcpu_alloc's memset of a first-chunk area), so
   * the walk is no kernel page-table work and is not counted in {@link #reads()}.
   */
  public long translateUncounted(long pgd, long va) {
    long pa = translate(pgd, va);
    reads -= fastReads;
    return pa;
  }

  public long fastProt() { return fastProt; }

  public int fastLevel() { return fastLevel; }

  public int fastReads() { return fastReads; }

  // ---- iterate ----

  /**
   * Visits every entry touched by {@code [va, va+size)} ({@code size} 0 means up to 2^64), per level,
   * never merging: a none entry yields {@link RangeVisitor#empty}, a leaf {@link RangeVisitor#leaf},
   * a table {@link RangeVisitor#table} then its children.
   */
  public void visit(long pgd, long va, long size, RangeVisitor v) {
    visitLevel(0, pgd, va, size == 0 ? -1L : va + size - 1, v);
  }

  private void visitLevel(int level, long table, long addr, long lastVa, RangeVisitor v) {
    long esz = entrySize[level];
    while (true) {
      long bound = addr | (esz - 1);
      long chunkLast = Long.compareUnsigned(bound, lastVa) < 0 ? bound : lastVa;
      int idx = geo.index(level, addr);
      long e = readEntry(level, table, idx);
      long sz = chunkLast - addr + 1;
      if (!fmt.isValid(level, e)) {
        v.empty(level, addr, sz);
      } else if (level == last || fmt.isLeaf(level, e)) {
        v.leaf(level, addr, sz, e);
      } else {
        v.table(level, addr, sz, e);
        visitLevel(level + 1, fmt.address(level, e), addr, chunkLast, v);
      }
      if (chunkLast == lastVa) {
        return;
      }
      addr = chunkLast + 1;
    }
  }

  /** Counts the table pages reachable from {@code pgd} (incl. itself) per level, following all. */
  public long[] countTables(long pgd) {
    long[] n = new long[levels];
    countLevel(0, pgd, n);
    return n;
  }

  private void countLevel(int level, long table, long[] n) {
    n[level] += 1L << tableOrder[level];
    if (level == last) {
      return;
    }
    int cnt = geo.entries(level);
    for (int i = 0; i < cnt; i++) {
      long e = readEntry(level, table, i);
      if (fmt.isValid(level, e) && fmt.isTable(level, e)) {
        countLevel(level + 1, fmt.address(level, e), n);
      }
    }
  }
}
