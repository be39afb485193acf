package org.percpulab.mm.percpu;

import static org.percpulab.mm.percpu.PercpuConstants.PCPU_MIN_ALLOC_SIZE;

/**
 * mm/percpu-internal.h {@code struct pcpu_chunk} and the bitmap allocator of mm/percpu.c that works
 * on one chunk: pcpu_next_md_free_region, pcpu_next_fit_region, pcpu_block_update_scan,
 * pcpu_chunk_refresh_hint, pcpu_block_refresh_hint, pcpu_block_update_hint_alloc/free,
 * pcpu_is_populated, pcpu_find_block_fit, pcpu_find_zero_area, pcpu_alloc_area, pcpu_free_area,
 * pcpu_alloc_first_chunk / pcpu_alloc_chunk (the bitmap part). All offsets are in bits (4 bytes)
 * unless named otherwise. Global counters and slot lists live in {@link PercpuAllocator}.
 */
public final class PcpuChunk {
  final PercpuAllocator pcpu;
  final int pageShift;
  final int blockBits;

  /** chunk->base_addr. */
  public long baseAddr;
  public final int startOffset;
  public final int endOffset;
  public final int nrPages;
  public int nrPopulated;
  public int nrEmptyPopPages;
  public int freeBytes;
  public final long[] allocMap;
  public final long[] boundMap;
  public final PcpuBlockMd[] mdBlocks;
  public final PcpuBlockMd chunkMd = new PcpuBlockMd();
  public final long[] populated;
  public boolean immutable;
  public boolean isolated;
  /** Set once pcpu_destroy_chunk ran (the model keeps no dangling users). */
  public boolean destroyed;
  /** chunk->data: backend-private state (percpu-vm: the vm areas). */
  public Object data;
  /**
   * Local-area base of a dynamic chunk (its unit-sized range: base address + the local area's
   * size) when the local map is active; else 0. The first and reserved chunks share the first
   * unit's range, which PercpuSystem maps ({@code firstLocalBase}).
   */
  public long localBase;
  /** percpu-stats: nr_alloc and max_alloc_size (CONFIG_PERCPU_STATS). */
  public int nrAlloc;
  public int maxAllocSize;
  /** A sequence number for reports (creation order). */
  public final int id;

  PcpuChunk prev;
  PcpuChunk next;
  int listSlot = -1;

  // scratch results of the region iterators (bit_off / bits in-out parameters in the kernel)
  private int itOff;
  private int itBits;
  private int nextOff;

  PcpuChunk(PercpuAllocator pcpu, int id, int nrPages, int startOffset, int endOffset) {
    this.pcpu = pcpu;
    this.id = id;
    this.pageShift = pcpu.pageShift;
    this.blockBits = PercpuConstants.bitmapBlockBits(1L << pageShift);
    this.nrPages = nrPages;
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    int bits = mapBits();
    this.allocMap = new long[Bitmaps.words(bits)];
    this.boundMap = new long[Bitmaps.words(bits + 1)];
    this.mdBlocks = new PcpuBlockMd[nrPages];
    for (int i = 0; i < nrPages; i++) {
      mdBlocks[i] = new PcpuBlockMd();
    }
    this.populated = new long[Bitmaps.words(nrPages)];
    initMdBlocks();
  }

  /** pcpu_chunk_map_bits. */
  public int mapBits() {
    return (nrPages << pageShift) >> PercpuConstants.PCPU_MIN_ALLOC_SHIFT;
  }

  /** pcpu_chunk_nr_blocks (one block per page). */
  public int nrBlocks() {
    return nrPages;
  }

  public int blockBits() {
    return blockBits;
  }

  void initMdBlocks() {
    chunkMd.init(mapBits());
    for (PcpuBlockMd b : mdBlocks) {
      b.init(blockBits);
    }
  }

  /** pcpu_chunk_slot. */
  int slot() {
    if (freeBytes < PCPU_MIN_ALLOC_SIZE || chunkMd.contigHint == 0) {
      return 0;
    }
    return pcpu.sizeToSlot(chunkMd.contigHint * PCPU_MIN_ALLOC_SIZE);
  }

  /** pcpu_addr_in_chunk. */
  public boolean containsAddr(long addr) {
    long start = baseAddr + startOffset;
    long end = baseAddr + ((long) nrPages << pageShift) - endOffset;
    return Long.compareUnsigned(addr, start) >= 0 && Long.compareUnsigned(addr, end) < 0;
  }

  public boolean isPagePopulated(int page) {
    return Bitmaps.test(populated, page);
  }

  private static int align(int x, int a) {
    return (x + a - 1) & -a;
  }

  /** pcpu_next_md_free_region: updates itOff / itBits. */
  private void nextMdFreeRegion() {
    int i = itOff / blockBits;
    int blockOff = itOff & (blockBits - 1);
    itBits = 0;
    int n = nrBlocks();
    for (; i < n; i++) {
      PcpuBlockMd block = mdBlocks[i];
      if (itBits != 0) {
        itBits += block.leftFree;
        if (block.leftFree == blockBits) {
          continue;
        }
        return;
      }
      itBits = block.contigHint;
      if (itBits != 0 && block.contigHintStart >= blockOff
          && itBits + block.contigHintStart < blockBits) {
        itOff = i * blockBits + block.contigHintStart;
        return;
      }
      blockOff = 0;
      itBits = block.rightFree;
      itOff = (i + 1) * blockBits - block.rightFree;
    }
  }

  /** pcpu_next_fit_region: updates itOff / itBits; itOff = mapBits() when nothing fits. */
  private void nextFitRegion(int allocBits, int align) {
    int i = itOff / blockBits;
    int blockOff = itOff & (blockBits - 1);
    itBits = 0;
    int n = nrBlocks();
    for (; i < n; i++) {
      PcpuBlockMd block = mdBlocks[i];
      if (itBits != 0) {
        itBits += block.leftFree;
        if (itBits >= allocBits) {
          return;
        }
        if (block.leftFree == blockBits) {
          continue;
        }
      }
      itBits = align(block.contigHintStart, align) - block.contigHintStart;
      if (block.contigHint != 0 && block.contigHintStart >= blockOff
          && block.contigHint >= itBits + allocBits) {
        int start = block.nextHint(allocBits);
        itBits += allocBits + block.contigHintStart - start;
        itOff = i * blockBits + start;
        return;
      }
      blockOff = 0;
      int off = align(blockBits - block.rightFree, align);
      itBits = blockBits - off;
      itOff = i * blockBits + off;
      if (itBits >= allocBits) {
        return;
      }
    }
    itOff = mapBits();
  }

  /** pcpu_block_update_scan: feed a hole skipped by the area scan back into its block. */
  private void blockUpdateScan(int bitOff, int bits) {
    int sOff = bitOff & (blockBits - 1);
    int eOff = sOff + bits;
    if (eOff > blockBits) {
      return;
    }
    int sIndex = bitOff / blockBits;
    int lBit = Bitmaps.lastSetFrom(allocMap, sIndex * blockBits, sOff);
    sOff = (sOff == lBit) ? 0 : lBit + 1;
    mdBlocks[sIndex].update(sOff, eOff);
  }

  /** pcpu_chunk_refresh_hint. */
  void chunkRefreshHint(boolean fullScan) {
    PcpuBlockMd md = chunkMd;
    if (!fullScan && md.scanHint != 0) {
      itOff = md.scanHintStart + md.scanHint;
      md.contigHintStart = md.scanHintStart;
      md.contigHint = md.scanHint;
      md.scanHint = 0;
    } else {
      itOff = md.firstFree;
      md.contigHint = 0;
    }
    int limit = mapBits();
    nextMdFreeRegion();
    while (itOff < limit) {
      md.update(itOff, itOff + itBits);
      itOff += itBits + 1;
      nextMdFreeRegion();
    }
  }

  /** pcpu_block_refresh_hint. */
  void blockRefreshHint(int index) {
    PcpuBlockMd block = mdBlocks[index];
    int base = index * blockBits;
    int start;
    if (block.scanHint != 0) {
      start = block.scanHintStart + block.scanHint;
      block.contigHintStart = block.scanHintStart;
      block.contigHint = block.scanHint;
      block.scanHint = 0;
    } else {
      start = block.firstFree;
      block.contigHint = 0;
    }
    block.rightFree = 0;
    while (true) {
      start = Bitmaps.nextClearFrom(allocMap, base, blockBits, start);
      if (start >= blockBits) {
        break;
      }
      int end = Bitmaps.nextSetFrom(allocMap, base, blockBits, start + 1);
      block.update(start, end);
      start = end + 1;
    }
  }

  private static boolean overlap(int a, int b, int x, int y) {
    return a < y && x < b;
  }

  /** pcpu_block_update_hint_alloc. */
  void blockUpdateHintAlloc(int bitOff, int bits) {
    int nrEmptyPages = 0;
    int sIndex = bitOff / blockBits;
    int eIndex = (bitOff + bits - 1) / blockBits;
    int sOff = bitOff & (blockBits - 1);
    int eOff = ((bitOff + bits - 1) & (blockBits - 1)) + 1;
    PcpuBlockMd s = mdBlocks[sIndex];
    PcpuBlockMd e = mdBlocks[eIndex];

    if (s.contigHint == blockBits) {
      nrEmptyPages++;
    }
    if (sOff == s.firstFree) {
      s.firstFree = Bitmaps.nextClearFrom(allocMap, sIndex * blockBits, blockBits, sOff + bits);
    }
    if (overlap(s.scanHintStart, s.scanHintStart + s.scanHint, sOff, sOff + bits)) {
      s.scanHint = 0;
    }
    if (overlap(s.contigHintStart, s.contigHintStart + s.contigHint, sOff, sOff + bits)) {
      if (sOff == 0) {
        s.leftFree = 0;
      }
      blockRefreshHint(sIndex);
    } else {
      s.leftFree = Math.min(s.leftFree, sOff);
      if (sIndex == eIndex) {
        s.rightFree = Math.min(s.rightFree, blockBits - eOff);
      } else {
        s.rightFree = 0;
      }
    }

    if (sIndex != eIndex) {
      if (e.contigHint == blockBits) {
        nrEmptyPages++;
      }
      e.firstFree = Bitmaps.nextClearFrom(allocMap, eIndex * blockBits, blockBits, eOff);
      int endBlock = eIndex;
      if (eOff == blockBits) {
        endBlock = eIndex + 1;
      } else {
        if (eOff > e.scanHintStart) {
          e.scanHint = 0;
        }
        e.leftFree = 0;
        if (eOff > e.contigHintStart) {
          blockRefreshHint(eIndex);
        } else {
          e.rightFree = Math.min(e.rightFree, blockBits - eOff);
        }
      }
      nrEmptyPages += eIndex - sIndex - 1;
      for (int b = sIndex + 1; b < endBlock; b++) {
        PcpuBlockMd block = mdBlocks[b];
        block.scanHint = 0;
        block.contigHint = 0;
        block.leftFree = 0;
        block.rightFree = 0;
      }
    }

    if (nrEmptyPages != 0) {
      pcpu.updateEmptyPages(this, -nrEmptyPages);
    }
    PcpuBlockMd md = chunkMd;
    if (overlap(md.scanHintStart, md.scanHintStart + md.scanHint, bitOff, bitOff + bits)) {
      md.scanHint = 0;
    }
    if (overlap(md.contigHintStart, md.contigHintStart + md.contigHint, bitOff, bitOff + bits)) {
      chunkRefreshHint(false);
    }
  }

  /** pcpu_block_update_hint_free. */
  void blockUpdateHintFree(int bitOff, int bits) {
    int nrEmptyPages = 0;
    int sIndex = bitOff / blockBits;
    int eIndex = (bitOff + bits - 1) / blockBits;
    int sOff = bitOff & (blockBits - 1);
    int eOff = ((bitOff + bits - 1) & (blockBits - 1)) + 1;
    PcpuBlockMd s = mdBlocks[sIndex];
    PcpuBlockMd e = mdBlocks[eIndex];

    int start = sOff;
    if (sOff == s.contigHint + s.contigHintStart) {
      start = s.contigHintStart;
    } else {
      int lBit = Bitmaps.lastSetFrom(allocMap, sIndex * blockBits, start);
      start = (start == lBit) ? 0 : lBit + 1;
    }
    int end;
    if (eOff == e.contigHintStart) {
      end = e.contigHintStart + e.contigHint;
    } else {
      end = Bitmaps.nextSetFrom(allocMap, eIndex * blockBits, blockBits, eOff);
    }

    int sEnd = (sIndex == eIndex) ? end : blockBits;
    if (start == 0 && sEnd == blockBits) {
      nrEmptyPages++;
    }
    s.update(start, sEnd);

    if (sIndex != eIndex) {
      if (end == blockBits) {
        nrEmptyPages++;
      }
      e.update(0, end);
      nrEmptyPages += eIndex - sIndex - 1;
      for (int b = sIndex + 1; b < eIndex; b++) {
        PcpuBlockMd block = mdBlocks[b];
        block.firstFree = 0;
        block.scanHint = 0;
        block.contigHintStart = 0;
        block.contigHint = blockBits;
        block.leftFree = blockBits;
        block.rightFree = blockBits;
      }
    }
    if (nrEmptyPages != 0) {
      pcpu.updateEmptyPages(this, nrEmptyPages);
    }
    if ((end - start) >= blockBits || sIndex != eIndex) {
      chunkRefreshHint(true);
    } else {
      // v6.17 passes the chunk offset of start but the block offset of end here: for s_index > 0
      // the "area" is negative and pcpu_block_update changes nothing (first_free is already min).
      // The chunk contig_hint then under-estimates until a refresh; kept as the kernel does.
      chunkMd.update(sIndex * blockBits + start, end);
    }
  }

  /** pcpu_is_populated; on false, {@link #nextOff} holds where to continue. */
  private boolean isPopulated(int bitOff, int bits) {
    int start = (bitOff * PCPU_MIN_ALLOC_SIZE) >>> pageShift;
    long endBytes = (long) (bitOff + bits) * PCPU_MIN_ALLOC_SIZE;
    int end = (int) ((endBytes + (1L << pageShift) - 1) >>> pageShift);
    start = Bitmaps.nextClear(populated, end, start);
    if (start >= end) {
      return true;
    }
    end = Bitmaps.nextSet(populated, end, start + 1);
    nextOff = (int) (((long) end << pageShift) / PCPU_MIN_ALLOC_SIZE);
    return false;
  }

  /** pcpu_find_block_fit: the bit offset to start the area scan at, or -1. */
  int findBlockFit(int allocBits, int align, boolean popOnly) {
    if (!chunkMd.fitsContig(allocBits, align)) {
      return -1;
    }
    int limit = mapBits();
    itOff = chunkMd.nextHint(allocBits);
    nextFitRegion(allocBits, align);
    while (itOff < limit) {
      if (!popOnly || isPopulated(itOff, itBits)) {
        break;
      }
      itOff = nextOff;
      itBits = 0;
      nextFitRegion(allocBits, align);
    }
    if (itOff == limit) {
      return -1;
    }
    return itOff;
  }

  // pcpu_find_zero_area's largest skipped area (out-parameters)
  private int largestOff;
  private int largestBits;

  /** pcpu_find_zero_area. */
  private int findZeroArea(int size, int start, int nr, int alignMask) {
    while (true) {
      int index = Bitmaps.nextClear(allocMap, size, start);
      index = (index + alignMask) & ~alignMask;
      int areaOff = index;
      int end = index + nr;
      if (end > size) {
        return end;
      }
      int i = Bitmaps.nextSet(allocMap, end, index);
      if (i < end) {
        int areaBits = i - areaOff;
        if (areaBits > largestBits
            || (areaBits == largestBits && largestOff != 0
                && (areaOff == 0
                    || Integer.numberOfTrailingZeros(areaOff)
                        > Integer.numberOfTrailingZeros(largestOff)))) {
          largestOff = areaOff;
          largestBits = areaBits;
        }
        start = i + 1;
        continue;
      }
      return index;
    }
  }

  /** pcpu_alloc_area: byte offset of the new area in the chunk, or -1. */
  int allocArea(int allocBits, int align, int start) {
    int alignMask = align != 0 ? align - 1 : 0;
    int oslot = slot();
    int mapBits = mapBits();
    int end = Math.min(start + allocBits + blockBits, mapBits);
    largestOff = 0;
    largestBits = 0;
    int bitOff = findZeroArea(end, start, allocBits, alignMask);
    if (bitOff >= end) {
      return -1;
    }
    if (largestBits != 0) {
      blockUpdateScan(largestOff, largestBits);
    }
    Bitmaps.set(allocMap, bitOff, allocBits);
    Bitmaps.setBit(boundMap, bitOff);
    Bitmaps.clear(boundMap, bitOff + 1, allocBits - 1);
    Bitmaps.setBit(boundMap, bitOff + allocBits);
    freeBytes -= allocBits * PCPU_MIN_ALLOC_SIZE;
    if (bitOff == chunkMd.firstFree) {
      chunkMd.firstFree = Bitmaps.nextClear(allocMap, mapBits, bitOff + allocBits);
    }
    blockUpdateHintAlloc(bitOff, allocBits);
    pcpu.relocate(this, oslot);
    return bitOff * PCPU_MIN_ALLOC_SIZE;
  }

  /** Size in bytes of the allocation starting at byte offset {@code off} (bound map), 0 if none. */
  int allocatedSizeAt(int off) {
    if (off < 0 || (off & (PCPU_MIN_ALLOC_SIZE - 1)) != 0) {
      return 0;
    }
    int bitOff = off / PCPU_MIN_ALLOC_SIZE;
    int mapBits = mapBits();
    if (bitOff >= mapBits || !Bitmaps.test(boundMap, bitOff) || !Bitmaps.test(allocMap, bitOff)) {
      return 0;
    }
    if (bitOff < startOffset / PCPU_MIN_ALLOC_SIZE
        || bitOff >= mapBits - endOffset / PCPU_MIN_ALLOC_SIZE) {
      return 0;
    }
    int end = Bitmaps.nextSet(boundMap, mapBits, bitOff + 1);
    return (end - bitOff) * PCPU_MIN_ALLOC_SIZE;
  }

  /** pcpu_free_area: returns the number of freed bytes. */
  int freeArea(int off) {
    int oslot = slot();
    int bitOff = off / PCPU_MIN_ALLOC_SIZE;
    int end = Bitmaps.nextSet(boundMap, mapBits(), bitOff + 1);
    int bits = end - bitOff;
    Bitmaps.clear(allocMap, bitOff, bits);
    int freed = bits * PCPU_MIN_ALLOC_SIZE;
    freeBytes += freed;
    chunkMd.firstFree = Math.min(chunkMd.firstFree, bitOff);
    blockUpdateHintFree(bitOff, bits);
    pcpu.relocate(this, oslot);
    return freed;
  }

  /** First-chunk part of pcpu_alloc_first_chunk: hide [0, start) and the end slack. */
  void hideFirstChunkEdges(int mapSize) {
    if (startOffset != 0) {
      int offsetBits = startOffset / PCPU_MIN_ALLOC_SIZE;
      Bitmaps.set(allocMap, 0, offsetBits);
      Bitmaps.setBit(boundMap, 0);
      Bitmaps.setBit(boundMap, offsetBits);
      chunkMd.firstFree = offsetBits;
      blockUpdateHintAlloc(0, offsetBits);
    }
    if (endOffset != 0) {
      int offsetBits = endOffset / PCPU_MIN_ALLOC_SIZE;
      int mapBits = mapBits();
      Bitmaps.set(allocMap, mapBits - offsetBits, offsetBits);
      Bitmaps.setBit(boundMap, (startOffset + mapSize) / PCPU_MIN_ALLOC_SIZE);
      Bitmaps.setBit(boundMap, mapBits);
      blockUpdateHintAlloc(mapBits - offsetBits, offsetBits);
    }
  }

  @Override
  public String toString() {
    return "chunk#" + id + "@" + Long.toHexString(baseAddr);
  }
}
