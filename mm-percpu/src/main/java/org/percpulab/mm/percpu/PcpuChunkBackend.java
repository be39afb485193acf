package org.percpulab.mm.percpu;

/**
 * The chunk-backend contract mm/percpu.c includes from percpu-vm.c or percpu-km.c (the seven
 * functions declared before the {@code #include}): pcpu_create_chunk, pcpu_destroy_chunk,
 * pcpu_populate_chunk, pcpu_depopulate_chunk, pcpu_post_unmap_tlb_flush, pcpu_addr_to_page (here:
 * the chunk recorded in the page's {@code private} field) and pcpu_verify_alloc_info.
 */
public interface PcpuChunkBackend {

  /** pcpu_create_chunk: a new chunk from {@link PercpuAllocator#allocChunk()} with its address space
   * set up and nothing populated, or null when any allocation fails (nothing leaked). */
  PcpuChunk createChunk(PercpuAllocator pcpu);

  /** pcpu_destroy_chunk: always preceded by full depopulation. */
  void destroyChunk(PercpuAllocator pcpu, PcpuChunk chunk);

  /** pcpu_populate_chunk for pages {@code [pageStart, pageEnd)} of every unit: 0 or -ENOMEM (-12)
   * with nothing allocated or mapped. */
  int populate(PercpuAllocator pcpu, PcpuChunk chunk, int pageStart, int pageEnd);

  /** pcpu_depopulate_chunk: unmap and free, no TLB flush. */
  void depopulate(PercpuAllocator pcpu, PcpuChunk chunk, int pageStart, int pageEnd);

  /** pcpu_post_unmap_tlb_flush: one flush over the low..high unit span of those pages. */
  void postUnmapTlbFlush(PercpuAllocator pcpu, PcpuChunk chunk, int pageStart, int pageEnd);

  /** pcpu_addr_to_page + pcpu_get_page_chunk: the dynamic chunk whose page maps {@code addr}, or
   * null when nothing is mapped there. */
  PcpuChunk chunkOfAddress(PercpuAllocator pcpu, long addr);

  /** pcpu_verify_alloc_info: 0 or a negative errno. */
  default int verifyAllocInfo(PcpuAllocInfo ai) {
    return 0;
  }

  /** The memset of a new area for one CPU ({@code pcpu_chunk_addr(chunk, cpu, 0) + off}). */
  default void clearArea(PercpuAllocator pcpu, PcpuChunk chunk, int cpu, int off, int size) {}

  /**
   * pcpu_alloc's memset of a new area on every possible CPU: {@link #clearArea} for each CPU in
   * order; a backend may do the same in one pass.
   */
  default void clearAreas(PercpuAllocator pcpu, PcpuChunk chunk, int off, int size) {
    for (int cpu = 0; cpu < pcpu.nrCpus(); cpu++) {
      clearArea(pcpu, chunk, cpu, off, size);
    }
  }
}
