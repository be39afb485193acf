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
    long stamp = pcpu.chunksCreated() + pcpu.chunksDestroyed();
    PcpuChunk c = last;
    if (c == null || stamp != lastStamp || !c.containsAddr(addr)) {
      c = find(addr);
      if (c == null) {
        return -1;
      }
      last = c;
      lastStamp = stamp;
    }
    long off = addr - c.baseAddr;
    long pfn = vm.unitPagePfn(pcpu, c, cpu, (int) (off >>> pcpu.pageShift()));
    return pfn == 0 ? -1 : (pfn << pcpu.pageShift()) | (off & (pcpu.pageSize() - 1));
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
