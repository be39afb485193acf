package org.percpulab.mm.percpu;

import static org.percpulab.mm.percpu.PercpuConstants.PCPU_EMPTY_POP_PAGES_HIGH;
import static org.percpulab.mm.percpu.PercpuConstants.PCPU_EMPTY_POP_PAGES_LOW;
import static org.percpulab.mm.percpu.PercpuConstants.PCPU_MIN_ALLOC_SHIFT;
import static org.percpulab.mm.percpu.PercpuConstants.PCPU_MIN_ALLOC_SIZE;
import static org.percpulab.mm.percpu.PercpuConstants.PCPU_SLOT_FAIL_THRESHOLD;

import java.util.ArrayList;
import java.util.List;

/**
 * The global state and entry points of mm/percpu.c: pcpu_setup_first_chunk, pcpu_alloc_noprof,
 * free_percpu, pcpu_chunk_relocate / isolate / reintegrate, pcpu_update_empty_pages, and the balance
 * work (pcpu_balance_workfn: pcpu_balance_free, pcpu_reclaim_populated, pcpu_balance_populated),
 * plus percpu-vm.c pcpu_should_reclaim_chunk. The async worker is modelled as explicit steps: an
 * allocation or free only sets {@link #balancePending()}; the simulator calls {@link #balance()}.
 * Single-threaded: pcpu_lock and pcpu_alloc_mutex are implicit.
 */
public final class PercpuAllocator {
  final int pageShift;
  final long pageSize;
  private final PcpuChunkBackend backend;

  // setup (pcpu_setup_first_chunk)
  private int unitPages;
  private int unitSize;
  private int nrUnits;
  private long atomSize;
  private int nrSlots;
  private int freeSlot;
  private int sidelinedSlot;
  private int toDepopulateSlot;
  private int lowUnitCpu;
  private int highUnitCpu;
  private long baseAddr;
  private int[] unitMap;
  private long[] unitOffsets;
  private long[] groupOffsets;
  private long[] groupSizes;
  private long perCpuStart;
  private long[] perCpuOffset;
  private PcpuAllocInfo allocInfo;
  private PcpuChunk firstChunk;
  private PcpuChunk reservedChunk;
  private PcpuChunk[] slotHead;
  private PcpuChunk[] slotTail;

  int nrEmptyPopPages;
  private long nrPopulated;
  private boolean asyncEnabled = true;
  private boolean balancePending;
  private boolean atomicAllocFailed;
  private int nextChunkId;
  private final List<PcpuChunk> liveChunks = new ArrayList<>();

  // counters (percpu-stats.c pcpu_stats + model counters)
  private long nrAllocStat;
  private long nrDeallocStat;
  private long nrCurAlloc;
  private long nrMaxAlloc;
  private int nrChunks;
  private int nrMaxChunks;
  private int minAllocSize = Integer.MAX_VALUE;
  private int maxAllocSizeStat;
  private long chunksCreated;
  private long chunksDestroyed;
  private String lastFailure;

  public PercpuAllocator(long pageSize, PcpuChunkBackend backend) {
    if (Long.bitCount(pageSize) != 1 || pageSize < 4096) {
      throw new IllegalArgumentException("percpu: page size " + pageSize
          + " not allowed (power of two ≥ 4096)");
    }
    this.pageSize = pageSize;
    this.pageShift = Long.numberOfTrailingZeros(pageSize);
    this.backend = backend;
  }

  // ---------------------------------------------------------------- first chunk

  /**
   * pcpu_setup_first_chunk(ai, base_addr), plus the arch's {@code __per_cpu_offset[cpu] =
   * (pcpu_base_addr − __per_cpu_start) + pcpu_unit_offsets[cpu]}.
   */
  public void setupFirstChunk(PcpuAllocInfo ai, long base, long perCpuStartAddr) {
    long sizeSum = ai.staticSize + ai.reservedSize + ai.dynSize;
    check(ai.nrGroups() > 0, "ai.nr_groups", ai.nrGroups(), "> 0");
    check(ai.staticSize != 0, "ai.static_size", ai.staticSize, "!= 0");
    check((perCpuStartAddr & (pageSize - 1)) == 0, "__per_cpu_start", perCpuStartAddr,
        "page aligned");
    check(base != 0 && (base & (pageSize - 1)) == 0, "base_addr", base, "non-zero, page aligned");
    check(ai.unitSize >= sizeSum, "ai.unit_size", ai.unitSize, ">= static+reserved+dyn");
    check((ai.unitSize & (pageSize - 1)) == 0, "ai.unit_size", ai.unitSize, "page aligned");
    check(ai.unitSize >= PercpuConstants.minUnitSize(pageSize), "ai.unit_size", ai.unitSize,
        ">= PCPU_MIN_UNIT_SIZE");
    check(ai.dynSize >= PercpuConstants.PERCPU_DYNAMIC_EARLY_SIZE, "ai.dyn_size", ai.dynSize,
        ">= PERCPU_DYNAMIC_EARLY_SIZE");
    check((ai.reservedSize & (PCPU_MIN_ALLOC_SIZE - 1)) == 0, "ai.reserved_size",
        ai.reservedSize, "a multiple of 4");
    check(backend.verifyAllocInfo(ai) >= 0, "ai", 0, "accepted by the chunk backend");

    int cpus = ai.possibleCpus;
    int nrGroups = ai.nrGroups();
    groupOffsets = new long[nrGroups];
    groupSizes = new long[nrGroups];
    unitMap = new int[cpus];
    unitOffsets = new long[cpus];
    java.util.Arrays.fill(unitMap, -1);
    lowUnitCpu = -1;
    highUnitCpu = -1;
    int unit = 0;
    for (int g = 0; g < nrGroups; g++) {
      PcpuAllocInfo.Group gi = ai.groups.get(g);
      groupOffsets[g] = gi.baseOffset;
      groupSizes[g] = gi.nrUnits * ai.unitSize;
      for (int i = 0; i < gi.nrUnits; i++) {
        int cpu = gi.cpuMap[i];
        if (cpu == PcpuAllocInfo.NO_CPU) {
          continue;
        }
        check(cpu < cpus, "cpu", cpu, "< nr_cpu_ids");
        check(unitMap[cpu] == -1, "cpu", cpu, "mapped once");
        unitMap[cpu] = unit + i;
        unitOffsets[cpu] = gi.baseOffset + i * ai.unitSize;
        if (lowUnitCpu == -1 || unitOffsets[cpu] < unitOffsets[lowUnitCpu]) {
          lowUnitCpu = cpu;
        }
        if (highUnitCpu == -1 || unitOffsets[cpu] > unitOffsets[highUnitCpu]) {
          highUnitCpu = cpu;
        }
      }
      unit += gi.nrUnits;
    }
    nrUnits = unit;
    for (int cpu = 0; cpu < cpus; cpu++) {
      check(unitMap[cpu] != -1, "cpu", cpu, "has a unit");
    }
    allocInfo = ai;
    unitPages = (int) (ai.unitSize >> pageShift);
    unitSize = unitPages << pageShift;
    atomSize = ai.atomSize;
    sidelinedSlot = PercpuConstants.sizeToSlotRaw(unitSize) + 1;
    freeSlot = sidelinedSlot + 1;
    toDepopulateSlot = freeSlot + 1;
    nrSlots = toDepopulateSlot + 1;
    slotHead = new PcpuChunk[nrSlots];
    slotTail = new PcpuChunk[nrSlots];

    long staticSize = (ai.staticSize + PCPU_MIN_ALLOC_SIZE - 1) & -PCPU_MIN_ALLOC_SIZE;
    long dynSize = ai.dynSize - (staticSize - ai.staticSize);
    long tmp = base + staticSize;
    if (ai.reservedSize != 0) {
      reservedChunk = allocFirstChunk(tmp, (int) ai.reservedSize);
    }
    tmp = base + staticSize + ai.reservedSize;
    firstChunk = allocFirstChunk(tmp, (int) dynSize);
    nrEmptyPopPages = firstChunk.nrEmptyPopPages;
    relocate(firstChunk, -1);
    nrPopulated += sizeSum >> pageShift;
    nrChunks++;
    nrMaxChunks = Math.max(nrMaxChunks, nrChunks);
    baseAddr = base;
    perCpuStart = perCpuStartAddr;
    perCpuOffset = new long[cpus];
    for (int cpu = 0; cpu < cpus; cpu++) {
      perCpuOffset[cpu] = (baseAddr - perCpuStart) + unitOffsets[cpu];
    }
  }

  private static void check(boolean ok, String key, long value, String allowed) {
    if (!ok) {
      throw new IllegalArgumentException("percpu: failed to initialize, " + key + "=" + value
          + " (must be " + allowed + ")");
    }
  }

  /** pcpu_alloc_first_chunk. */
  private PcpuChunk allocFirstChunk(long tmpAddr, int mapSize) {
    long aligned = tmpAddr & -pageSize;
    int startOffset = (int) (tmpAddr - aligned);
    int regionSize = (int) ((startOffset + mapSize + pageSize - 1) & -pageSize);
    int nrPages = regionSize >> pageShift;
    PcpuChunk chunk = new PcpuChunk(this, nextChunkId++, nrPages, startOffset,
        regionSize - startOffset - mapSize);
    chunk.baseAddr = aligned;
    chunk.immutable = true;
    Bitmaps.set(chunk.populated, 0, nrPages);
    chunk.nrPopulated = nrPages;
    chunk.nrEmptyPopPages = nrPages;
    chunk.freeBytes = mapSize;
    chunk.hideFirstChunkEdges(mapSize);
    liveChunks.add(chunk);
    return chunk;
  }

  /** pcpu_alloc_chunk: metadata of a new dynamic chunk (nothing mapped yet). For backends. */
  public PcpuChunk allocChunk() {
    PcpuChunk chunk = new PcpuChunk(this, nextChunkId++, unitPages, 0, 0);
    chunk.freeBytes = unitPages << pageShift;
    return chunk;
  }

  // ---------------------------------------------------------------- slots

  /** pcpu_size_to_slot. */
  int sizeToSlot(int size) {
    if (size == unitSize) {
      return freeSlot;
    }
    return PercpuConstants.sizeToSlotRaw(size);
  }

  private void listRemove(PcpuChunk c) {
    if (c.listSlot < 0) {
      return;
    }
    int s = c.listSlot;
    if (c.prev != null) {
      c.prev.next = c.next;
    } else {
      slotHead[s] = c.next;
    }
    if (c.next != null) {
      c.next.prev = c.prev;
    } else {
      slotTail[s] = c.prev;
    }
    c.prev = null;
    c.next = null;
    c.listSlot = -1;
  }

  private void listMove(PcpuChunk c, int slot, boolean front) {
    listRemove(c);
    c.listSlot = slot;
    if (front) {
      c.next = slotHead[slot];
      c.prev = null;
      if (slotHead[slot] != null) {
        slotHead[slot].prev = c;
      } else {
        slotTail[slot] = c;
      }
      slotHead[slot] = c;
    } else {
      c.prev = slotTail[slot];
      c.next = null;
      if (slotTail[slot] != null) {
        slotTail[slot].next = c;
      } else {
        slotHead[slot] = c;
      }
      slotTail[slot] = c;
    }
  }

  private void chunkMove(PcpuChunk c, int slot, boolean front) {
    if (c != reservedChunk) {
      listMove(c, slot, front);
    }
  }

  /** pcpu_chunk_relocate. */
  void relocate(PcpuChunk c, int oslot) {
    int nslot = c.slot();
    if (c.isolated) {
      return;
    }
    if (oslot != nslot) {
      chunkMove(c, nslot, oslot < nslot);
    }
  }

  private void isolate(PcpuChunk c) {
    if (!c.isolated) {
      c.isolated = true;
      nrEmptyPopPages -= c.nrEmptyPopPages;
    }
    listMove(c, toDepopulateSlot, true);
  }

  private void reintegrate(PcpuChunk c) {
    if (c.isolated) {
      c.isolated = false;
      nrEmptyPopPages += c.nrEmptyPopPages;
      relocate(c, -1);
    }
  }

  /** pcpu_update_empty_pages. */
  void updateEmptyPages(PcpuChunk c, int nr) {
    c.nrEmptyPopPages += nr;
    if (c != reservedChunk && !c.isolated) {
      nrEmptyPopPages += nr;
    }
  }

  private void chunkPopulated(PcpuChunk c, int start, int end) {
    int nr = end - start;
    Bitmaps.set(c.populated, start, nr);
    c.nrPopulated += nr;
    nrPopulated += nr;
    updateEmptyPages(c, nr);
  }

  private void chunkDepopulated(PcpuChunk c, int start, int end) {
    int nr = end - start;
    Bitmaps.clear(c.populated, start, nr);
    c.nrPopulated -= nr;
    nrPopulated -= nr;
    updateEmptyPages(c, -nr);
  }

  // ---------------------------------------------------------------- pointers

  /** __addr_to_pcpu_ptr. */
  public long addrToPtr(long addr) {
    return addr - baseAddr + perCpuStart;
  }

  /** __pcpu_ptr_to_addr. */
  public long ptrToAddr(long ptr) {
    return ptr + baseAddr - perCpuStart;
  }

  /** per_cpu_ptr(ptr, cpu) = ptr + __per_cpu_offset[cpu]. */
  public long perCpuPtr(long ptr, int cpu) {
    return ptr + perCpuOffset[cpu];
  }

  /** pcpu_chunk_addr(chunk, cpu, page). */
  public long chunkAddr(PcpuChunk c, int cpu, int page) {
    return c.baseAddr + unitOffsets[cpu] + ((long) page << pageShift);
  }

  /** pcpu_chunk_addr_search (with the current CPU taken as 0). */
  public PcpuChunk chunkAddrSearch(long addr) {
    if (firstChunk.containsAddr(addr)) {
      return firstChunk;
    }
    if (reservedChunk != null && reservedChunk.containsAddr(addr)) {
      return reservedChunk;
    }
    return backend.chunkOfAddress(this, addr + unitOffsets[0]);
  }

  // ---------------------------------------------------------------- alloc / free

  /**
   * pcpu_alloc_noprof: a percpu pointer, or 0 when out of memory (the reason is in
   * {@link #lastFailure()}). Illegal size/align is an {@link IllegalArgumentException}, nothing
   * changed.
   */
  public long alloc(long size, long align, boolean reserved, boolean atomic) {
    // size and align are size_t in the kernel: a negative value is a huge one, and the size is
    // checked before rounding so that rounding cannot wrap
    if (align >= 0 && align < PCPU_MIN_ALLOC_SIZE) {
      align = PCPU_MIN_ALLOC_SIZE;
    }
    if (size <= 0 || size > PercpuConstants.minUnitSize(pageSize) || align < 0
        || align > pageSize || Long.bitCount(align) != 1) {
      throw new IllegalArgumentException("percpu: illegal size (" + size + ") or align (" + align
          + ") for percpu allocation: size must be 1.." + PercpuConstants.minUnitSize(pageSize)
          + ", align a power of two <= " + pageSize);
    }
    long sz = (size + PCPU_MIN_ALLOC_SIZE - 1) & -PCPU_MIN_ALLOC_SIZE;
    int bits = (int) (sz >> PCPU_MIN_ALLOC_SHIFT);
    int bitAlign = (int) (align >> PCPU_MIN_ALLOC_SHIFT);
    PcpuChunk chunk = null;
    int off = -1;
    if (reserved && reservedChunk != null) {
      chunk = reservedChunk;
      off = chunk.findBlockFit(bits, bitAlign, atomic);
      if (off >= 0) {
        off = chunk.allocArea(bits, bitAlign, off);
      }
      if (off < 0) {
        return fail(sz, align, atomic, "alloc from reserved chunk failed");
      }
    } else {
      search:
      while (true) {
        for (int slot = sizeToSlot((int) sz); slot <= freeSlot; slot++) {
          PcpuChunk c = slotHead[slot];
          while (c != null) {
            PcpuChunk next = c.next;
            int o = c.findBlockFit(bits, bitAlign, atomic);
            if (o < 0) {
              if (slot < PCPU_SLOT_FAIL_THRESHOLD) {
                chunkMove(c, 0, true);
              }
              c = next;
              continue;
            }
            o = c.allocArea(bits, bitAlign, o);
            if (o >= 0) {
              reintegrate(c);
              chunk = c;
              off = o;
              break search;
            }
            c = next;
          }
        }
        if (atomic) {
          return fail(sz, align, true, "atomic alloc failed, no space left");
        }
        if (slotHead[freeSlot] == null) {
          PcpuChunk created = createChunk();
          if (created == null) {
            return fail(sz, align, false, "failed to allocate new chunk");
          }
          relocate(created, -1);
        }
      }
    }
    // area_found
    nrAllocStat++;
    nrCurAlloc++;
    nrMaxAlloc = Math.max(nrMaxAlloc, nrCurAlloc);
    minAllocSize = Math.min(minAllocSize, (int) sz);
    maxAllocSizeStat = Math.max(maxAllocSizeStat, (int) sz);
    chunk.nrAlloc++;
    chunk.maxAllocSize = Math.max(chunk.maxAllocSize, (int) sz);
    if (nrEmptyPopPages < PCPU_EMPTY_POP_PAGES_LOW) {
      scheduleBalance();
    }
    if (!atomic) {
      int rs = off >>> pageShift;
      int pageEnd = (int) ((off + sz + pageSize - 1) >>> pageShift);
      while (true) {
        rs = Bitmaps.nextClear(chunk.populated, pageEnd, rs);
        if (rs >= pageEnd) {
          break;
        }
        int re = Bitmaps.nextSet(chunk.populated, pageEnd, rs + 1);
        int ret = backend.populate(this, chunk, rs, re);
        if (ret != 0) {
          freeAreaStats(chunk, off);
          return fail(sz, align, false, "failed to populate");
        }
        chunkPopulated(chunk, rs, re);
        rs = re;
      }
    }
    backend.clearAreas(this, chunk, off, (int) sz);
    return addrToPtr(chunk.baseAddr + off);
  }

  private void freeAreaStats(PcpuChunk chunk, int off) {
    nrDeallocStat++;
    nrCurAlloc--;
    chunk.nrAlloc--;
    chunk.freeArea(off);
  }

  private long fail(long size, long align, boolean atomic, String err) {
    lastFailure = "percpu: allocation failed, size=" + size + " align=" + align + " atomic="
        + (atomic ? 1 : 0) + ", " + err;
    if (atomic) {
      atomicAllocFailed = true;
      scheduleBalance();
    }
    return 0;
  }

  private PcpuChunk createChunk() {
    PcpuChunk c = backend.createChunk(this);
    if (c == null) {
      return null;
    }
    liveChunks.add(c);
    chunksCreated++;
    nrChunks++;
    nrMaxChunks = Math.max(nrMaxChunks, nrChunks);
    return c;
  }

  private void destroyChunk(PcpuChunk c) {
    backend.destroyChunk(this, c);
    c.destroyed = true;
    liveChunks.remove(c);
    chunksDestroyed++;
    nrChunks--;
  }

  /**
   * free_percpu. A pointer that is not the start of a live allocation is an
   * {@link IllegalArgumentException} (the kernel would corrupt its maps), nothing changed.
   */
  public void free(long ptr) {
    if (ptr == 0) {
      return;
    }
    long addr = ptrToAddr(ptr);
    PcpuChunk chunk = chunkAddrSearch(addr);
    long off = chunk == null ? -1 : addr - chunk.baseAddr;
    if (chunk == null || off < 0 || off >= ((long) chunk.nrPages << pageShift)
        || chunk.allocatedSizeAt((int) off) == 0) {
      throw new IllegalArgumentException("percpu: free_percpu(0x" + Long.toHexString(ptr)
          + "): not the start of a live percpu allocation (never allocated or already freed)");
    }
    freeAreaStats(chunk, (int) off);
    boolean needBalance = false;
    if (!chunk.isolated && chunk.freeBytes == unitSize) {
      for (PcpuChunk pos = slotHead[freeSlot]; pos != null; pos = pos.next) {
        if (pos != chunk) {
          needBalance = true;
          break;
        }
      }
    } else if (shouldReclaimChunk(chunk)) {
      isolate(chunk);
      needBalance = true;
    }
    if (needBalance) {
      scheduleBalance();
    }
  }

  /** percpu-vm.c pcpu_should_reclaim_chunk. */
  boolean shouldReclaimChunk(PcpuChunk c) {
    if (c == firstChunk || c == reservedChunk) {
      return false;
    }
    return (c.isolated && c.nrEmptyPopPages != 0)
        || (nrEmptyPopPages > PCPU_EMPTY_POP_PAGES_HIGH + c.nrEmptyPopPages
            && c.nrEmptyPopPages >= c.nrPages / 4);
  }

  private void scheduleBalance() {
    if (asyncEnabled) {
      balancePending = true;
    }
  }

  // ---------------------------------------------------------------- balance work

  /** Runs pcpu_balance_workfn if it was scheduled; returns whether it ran. */
  public boolean balance() {
    if (!balancePending) {
      return false;
    }
    runBalanceWork();
    return true;
  }

  /** pcpu_balance_workfn, unconditionally. */
  public void runBalanceWork() {
    balancePending = false;
    balanceFree(false);
    reclaimPopulated();
    balancePopulated();
    balanceFree(true);
  }

  /** pcpu_balance_free. */
  private void balanceFree(boolean emptyOnly) {
    List<PcpuChunk> toFree = new ArrayList<>();
    PcpuChunk first = slotHead[freeSlot];
    for (PcpuChunk c = first; c != null; ) {
      PcpuChunk next = c.next;
      if (c != first && (!emptyOnly || c.nrEmptyPopPages == 0)) {
        listRemove(c);
        toFree.add(c);
      }
      c = next;
    }
    for (PcpuChunk c : toFree) {
      int rs = 0;
      while (true) {
        rs = Bitmaps.nextSet(c.populated, c.nrPages, rs);
        if (rs >= c.nrPages) {
          break;
        }
        int re = Bitmaps.nextClear(c.populated, c.nrPages, rs + 1);
        backend.depopulate(this, c, rs, re);
        chunkDepopulated(c, rs, re);
        rs = re;
      }
      destroyChunk(c);
    }
  }

  /** pcpu_reclaim_populated. */
  private void reclaimPopulated() {
    PcpuChunk chunk;
    while ((chunk = slotHead[toDepopulateSlot]) != null) {
      int freedStart = chunk.nrPages;
      int freedEnd = 0;
      boolean reint = false;
      int end = -1;
      for (int i = chunk.nrPages - 1; i >= 0; i--) {
        if (chunk.nrEmptyPopPages == 0) {
          break;
        }
        if (nrEmptyPopPages < PCPU_EMPTY_POP_PAGES_HIGH) {
          reint = true;
          break;
        }
        PcpuBlockMd block = chunk.mdBlocks[i];
        if (block.contigHint == chunk.blockBits && Bitmaps.test(chunk.populated, i)) {
          if (end == -1) {
            end = i;
          }
          if (i > 0) {
            continue;
          }
          i--;
        }
        if (end == -1) {
          continue;
        }
        backend.depopulate(this, chunk, i + 1, end + 1);
        chunkDepopulated(chunk, i + 1, end + 1);
        freedStart = Math.min(freedStart, i + 1);
        freedEnd = Math.max(freedEnd, end + 1);
        end = -1;
      }
      if (freedStart < freedEnd) {
        backend.postUnmapTlbFlush(this, chunk, freedStart, freedEnd);
      }
      if (reint || chunk.freeBytes == unitSize) {
        reintegrate(chunk);
      } else {
        listMove(chunk, sidelinedSlot, false);
      }
    }
  }

  /** pcpu_balance_populated. */
  private void balancePopulated() {
    while (true) {
      int nrToPop;
      if (atomicAllocFailed) {
        nrToPop = PCPU_EMPTY_POP_PAGES_HIGH;
        atomicAllocFailed = false;
      } else {
        nrToPop = Math.max(0, Math.min(PCPU_EMPTY_POP_PAGES_HIGH,
            PCPU_EMPTY_POP_PAGES_HIGH - nrEmptyPopPages));
      }
      for (int slot = sizeToSlot((int) pageSize); slot <= freeSlot; slot++) {
        if (nrToPop == 0) {
          break;
        }
        PcpuChunk chunk = null;
        for (PcpuChunk c = slotHead[slot]; c != null; c = c.next) {
          if (c.nrPages - c.nrPopulated != 0) {
            chunk = c;
            break;
          }
        }
        if (chunk == null) {
          continue;
        }
        int rs = 0;
        while (true) {
          rs = Bitmaps.nextClear(chunk.populated, chunk.nrPages, rs);
          if (rs >= chunk.nrPages) {
            break;
          }
          int re = Bitmaps.nextSet(chunk.populated, chunk.nrPages, rs + 1);
          int nr = Math.min(re - rs, nrToPop);
          int ret = backend.populate(this, chunk, rs, rs + nr);
          if (ret == 0) {
            nrToPop -= nr;
            chunkPopulated(chunk, rs, rs + nr);
          } else {
            nrToPop = 0;
          }
          if (nrToPop == 0) {
            break;
          }
          rs = re;
        }
      }
      if (nrToPop != 0) {
        PcpuChunk c = createChunk();
        if (c != null) {
          relocate(c, -1);
          continue;
        }
      }
      return;
    }
  }

  // ---------------------------------------------------------------- accessors

  public PcpuChunkBackend backend() { return backend; }
  public long pageSize() { return pageSize; }
  public int pageShift() { return pageShift; }
  public int unitPages() { return unitPages; }
  public int unitSize() { return unitSize; }
  public int nrUnits() { return nrUnits; }
  public long atomSize() { return atomSize; }
  public int nrSlots() { return nrSlots; }
  public int freeSlot() { return freeSlot; }
  public int sidelinedSlot() { return sidelinedSlot; }
  public int toDepopulateSlot() { return toDepopulateSlot; }
  public int lowUnitCpu() { return lowUnitCpu; }
  public int highUnitCpu() { return highUnitCpu; }
  public long baseAddr() { return baseAddr; }
  public long perCpuStart() { return perCpuStart; }
  public int nrCpus() { return unitOffsets.length; }
  public int unitMap(int cpu) { return unitMap[cpu]; }
  public long unitOffset(int cpu) { return unitOffsets[cpu]; }
  public long perCpuOffset(int cpu) { return perCpuOffset[cpu]; }
  public int nrGroups() { return groupOffsets.length; }
  public long groupOffset(int g) { return groupOffsets[g]; }
  public long groupSize(int g) { return groupSizes[g]; }
  public long[] groupOffsets() { return groupOffsets.clone(); }
  public long[] groupSizes() { return groupSizes.clone(); }
  public PcpuAllocInfo allocInfo() { return allocInfo; }
  public PcpuChunk firstChunk() { return firstChunk; }
  public PcpuChunk reservedChunk() { return reservedChunk; }
  public int nrEmptyPopPages() { return nrEmptyPopPages; }
  public long nrPopulated() { return nrPopulated; }
  public boolean balancePending() { return balancePending; }
  public long chunksCreated() { return chunksCreated; }
  public long chunksDestroyed() { return chunksDestroyed; }
  public String lastFailure() { return lastFailure; }
  public long statNrAlloc() { return nrAllocStat; }
  public long statNrDealloc() { return nrDeallocStat; }
  public long statNrCurAlloc() { return nrCurAlloc; }
  public long statNrMaxAlloc() { return nrMaxAlloc; }
  public int statNrChunks() { return nrChunks; }
  public int statNrMaxChunks() { return nrMaxChunks; }
  /** pcpu_stats.min_alloc_size: starts at unit_size (pcpu_stats_save_ai). */
  public int statMinAllocSize() { return minAllocSize == Integer.MAX_VALUE ? unitSize : minAllocSize; }
  public int statMaxAllocSize() { return maxAllocSizeStat; }

  /** Every live chunk (first, reserved, dynamic) in creation order. */
  public List<PcpuChunk> chunks() {
    return List.copyOf(liveChunks);
  }

  /** The live chunks as kept (no copy; for the simulator's lookups in this package). */
  List<PcpuChunk> liveChunks() {
    return liveChunks;
  }

  /** Whether {@code c} is a live chunk (not destroyed). */
  public boolean isLive(PcpuChunk c) {
    return !c.destroyed;
  }

  /** The chunks on slot list {@code slot}, head first. */
  public List<PcpuChunk> slotList(int slot) {
    List<PcpuChunk> out = new ArrayList<>();
    for (PcpuChunk c = slotHead[slot]; c != null; c = c.next) {
      out.add(c);
    }
    return out;
  }

  /** Slot list a chunk is on, or -1 (reserved chunk). */
  public int slotOf(PcpuChunk c) {
    return c.listSlot;
  }
}
