package org.percpulab.mm.vmalloc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.core.spi.ProtKind;

/**
 * A recording {@link VmallocHost} for allocator-level tests: page frames from a counter (with a
 * live-set for leak checks and an optional failure budget), mappings in a map keyed by page VA,
 * flushes in a list. Mirrors the contracts of core's PageAllocator/PageTableEngine without their
 * cost.
 */
final class RecordingHost implements VmallocHost {
  int pageShift = 12;
  int pmdShift = 21;
  boolean huge = true;
  int cpus = 4;
  long totalRam = 1L << 22;
  long nextPfn = 0x40000;
  final Map<Long, Integer> live = new HashMap<>();
  final Map<Long, Long> mapped = new HashMap<>();
  final Map<Long, Integer> blockShift = new HashMap<>();
  final List<long[]> flushes = new ArrayList<>();
  long failAllocAfter = Long.MAX_VALUE;
  long allocCalls;

  @Override public int pageShift() { return pageShift; }

  @Override public int pmdShift() { return pmdShift; }

  @Override public boolean hugeVmapAllowed() { return huge; }

  @Override public int ioremapMaxShift() { return 30; }

  @Override public int onlineCpus() { return cpus; }

  @Override public int possibleCpus() { return cpus; }

  @Override public long totalRamPages() { return totalRam; }

  @Override public long swapperPgd() { return 0x1000; }

  @Override public long allocPages(int order) {
    allocCalls++;
    if (allocCalls > failAllocAfter) {
      return -1;
    }
    long n = 1L << order;
    long pfn = (nextPfn + n - 1) & -n;
    nextPfn = pfn + n;
    live.put(pfn, order);
    return pfn;
  }

  @Override public void freePages(long pfn, int order) {
    Integer o = live.remove(pfn);
    if (o == null || o != order) {
      throw new AssertionError("bad free of pfn 0x" + Long.toHexString(pfn) + " order " + order);
    }
  }

  @Override public int nodeOfPfn(long pfn) { return 0; }

  @Override public int mapPages(long pgd, long va, long[] pfns, int offset, int count,
      ProtKind prot) {
    for (int i = 0; i < count; i++) {
      long p = va + ((long) i << pageShift);
      if (mapped.containsKey(p)) {
        throw new AssertionError("remapping already mapped page 0x" + Long.toHexString(p));
      }
    }
    for (int i = 0; i < count; i++) {
      mapped.put(va + ((long) i << pageShift), pfns[offset + i]);
    }
    return 1 << 4;
  }

  @Override public int mapRange(long pgd, long va, long pa, long size, ProtKind prot,
      int maxBlockShift) {
    int shift = maxBlockShift >= pmdShift && ((va | pa | size) & ((1L << pmdShift) - 1)) == 0
        ? pmdShift : pageShift;
    for (long off = 0; off < size; off += 1L << pageShift) {
      mapped.put(va + off, (pa + off) >>> pageShift);
    }
    blockShift.put(va, shift);
    return shift == pmdShift ? 1 << 3 : 1 << 4;
  }

  @Override public void unmapRange(long pgd, long va, long size) {
    for (long off = 0; off < size; off += 1L << pageShift) {
      mapped.remove(va + off);
    }
  }

  @Override public void flushTlbKernelRange(long start, long end) {
    flushes.add(new long[] {start, end});
  }
}
