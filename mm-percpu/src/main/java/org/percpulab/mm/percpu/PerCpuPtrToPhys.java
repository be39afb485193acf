package org.percpulab.mm.percpu;

/**
 * per_cpu_ptr_to_phys (mm/percpu.c) for the simulator's plain per_cpu_ptr accesses: the physical
 * address of {@code per_cpu_ptr(ptr, cpu)} in a dynamic chunk of the vm backend, taken from the
 * chunk's unit page array ({@link VmChunkBackend#unitPagePfn}, the pages populate mapped at
 * pcpu_chunk_addr) instead of a page-table walk (the kernel's vmalloc_to_page). It reads no
 * descriptor, so it leaves the page-table counters alone.
 *
 * <p>Returns -1 where it cannot answer without a walk: the first and reserved chunks, another
 * chunk backend, an address in no live chunk, a page not populated. The chunk found last is
 * remembered while no chunk was created or destroyed (a run of reads of one object on every CPU
 * finds it once).
 */
public final class PerCpuPtrToPhys {
  private final PercpuAllocator pcpu;
  private PcpuChunk last;
  /** chunks created + destroyed when {@link #last} was found. */
  private long lastStamp = -1;

  public PerCpuPtrToPhys(PercpuAllocator pcpu) {
    this.pcpu = pcpu;
  }

  /** The physical address of {@code per_cpu_ptr(ptr, cpu)}, or -1 (see the class comment). */
  public long pa(long ptr, int cpu) {
    if (!(pcpu.backend() instanceof VmChunkBackend vm)) {
      return -1;
    }
    long addr = pcpu.ptrToAddr(ptr);
    PcpuChunk c = chunkOf(addr);
    if (c == null) {
      return -1;
    }
    long off = addr - c.baseAddr;
    long pfn = vm.unitPagePfn(pcpu, c, cpu, (int) (off >>> pcpu.pageShift()));
    return pfn == 0 ? -1 : (pfn << pcpu.pageShift()) | (off & (pcpu.pageSize() - 1));
  }

  /**
   * {@link #pa} of {@code ptr} for every CPU {@code 0..out.length-1} into {@code out}, the chunk
   * found once; false (and {@code out} meaningless) where {@link #pa} would return -1 for any.
   */
  public boolean paEveryCpu(long ptr, long[] out) {
    if (!(pcpu.backend() instanceof VmChunkBackend vm)) {
      return false;
    }
    long addr = pcpu.ptrToAddr(ptr);
    PcpuChunk c = chunkOf(addr);
    if (c == null) {
      return false;
    }
    long off = addr - c.baseAddr;
    int page = (int) (off >>> pcpu.pageShift());
    int shift = pcpu.pageShift();
    long inPage = off & (pcpu.pageSize() - 1);
    for (int cpu = 0; cpu < out.length; cpu++) {
      long pfn = vm.unitPagePfn(pcpu, c, cpu, page);
      if (pfn == 0) {
        return false;
      }
      out[cpu] = (pfn << shift) | inPage;
    }
    return true;
  }

  private PcpuChunk chunkOf(long addr) {
    long stamp = pcpu.chunksCreated() + pcpu.chunksDestroyed();
    PcpuChunk c = last;
    if (c == null || stamp != lastStamp || !c.containsAddr(addr)) {
      c = find(addr);
      if (c == null) {
        return null;
      }
      last = c;
      lastStamp = stamp;
    }
    return c;
  }

  private PcpuChunk find(long addr) {
    PcpuChunk first = pcpu.firstChunk();
    PcpuChunk reserved = pcpu.reservedChunk();
    if (first.containsAddr(addr) || (reserved != null && reserved.containsAddr(addr))) {
      return null;
    }
    for (PcpuChunk c : pcpu.liveChunks()) {
      if (c.containsAddr(addr)) {
        return c;
      }
    }
    return null;
  }
}
