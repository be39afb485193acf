package org.percpulab.mm.percpu;

import java.util.Map;
import java.util.TreeMap;

/**
 * A chunk backend with percpu-vm.c's bookkeeping (one page per CPU per populated page index,
 * chunk VA = one area per group, allocated top-down) but no page tables or memory: the pure
 * allocator's test and benchmark backend ({@code VmChunkBackend} is the one over core's page
 * tables).
 * Page allocations can be failed on purpose ({@link #failNthPageAlloc}) and are counted so leak
 * checks are exact.
 */
public final class UnmappedChunkBackend implements PcpuChunkBackend {
  private final long vaTop;
  private long nextVa;
  private final TreeMap<Long, PcpuChunk> byBase = new TreeMap<>(Long::compareUnsigned);
  private long pagesInUse;
  private long pageAllocCalls;
  private long failAt = -1;
  private long tlbFlushes;
  private long areaAllocCalls;
  private long failAreaAt = -1;

  /** @param vaTop end of the (simulated) vmalloc range chunks are carved from, top-down */
  public UnmappedChunkBackend(long vaTop) {
    this.vaTop = vaTop;
    this.nextVa = vaTop;
  }

  /** Fail the page allocation whose 1-based sequence number is {@code n} (counting from now). */
  public void failNthPageAlloc(long n) {
    failAt = pageAllocCalls + n;
  }

  /** Fail the {@code n}-th chunk address-space allocation from now. */
  public void failNthAreaAlloc(long n) {
    failAreaAt = areaAllocCalls + n;
  }

  public long pagesInUse() { return pagesInUse; }
  public long pageAllocCalls() { return pageAllocCalls; }
  public long tlbFlushes() { return tlbFlushes; }

  @Override
  public PcpuChunk createChunk(PercpuAllocator pcpu) {
    areaAllocCalls++;
    if (areaAllocCalls == failAreaAt) {
      return null;
    }
    PcpuChunk chunk = pcpu.allocChunk();
    long span = 0;
    for (int g = 0; g < pcpu.nrGroups(); g++) {
      span = Math.max(span, pcpu.groupOffset(g) + pcpu.groupSize(g));
    }
    long atom = Math.max(pcpu.atomSize(), pcpu.pageSize());
    nextVa = (nextVa - span) & -atom;
    chunk.baseAddr = nextVa;
    byBase.put(chunk.baseAddr, chunk);
    return chunk;
  }

  @Override
  public void destroyChunk(PercpuAllocator pcpu, PcpuChunk chunk) {
    byBase.remove(chunk.baseAddr);
  }

  @Override
  public int populate(PercpuAllocator pcpu, PcpuChunk chunk, int pageStart, int pageEnd) {
    long need = (long) (pageEnd - pageStart) * pcpu.nrCpus();
    for (long i = 0; i < need; i++) {
      pageAllocCalls++;
      if (pageAllocCalls == failAt) {
        pagesInUse -= i;
        return -12;
      }
      pagesInUse++;
    }
    return 0;
  }

  @Override
  public void depopulate(PercpuAllocator pcpu, PcpuChunk chunk, int pageStart, int pageEnd) {
    pagesInUse -= (long) (pageEnd - pageStart) * pcpu.nrCpus();
  }

  @Override
  public void postUnmapTlbFlush(PercpuAllocator pcpu, PcpuChunk chunk, int pageStart,
      int pageEnd) {
    tlbFlushes++;
  }

  @Override
  public PcpuChunk chunkOfAddress(PercpuAllocator pcpu, long addr) {
    Map.Entry<Long, PcpuChunk> e = byBase.floorEntry(addr);
    if (e == null) {
      return null;
    }
    PcpuChunk c = e.getValue();
    long off = addr - c.baseAddr;
    for (int cpu = 0; cpu < pcpu.nrCpus(); cpu++) {
      long u = off - pcpu.unitOffset(cpu);
      if (u >= 0 && u < pcpu.unitSize()) {
        int page = (int) (u >>> pcpu.pageShift());
        return c.isPagePopulated(page) ? c : null;
      }
    }
    return null;
  }
}
