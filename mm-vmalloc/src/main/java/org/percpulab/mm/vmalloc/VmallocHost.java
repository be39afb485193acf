package org.percpulab.mm.vmalloc;

import org.percpulab.core.spi.ProtKind;

/**
 * What vmalloc needs from the simulated machine: page frames, page-table writes on a given
 * {@code pgd}, the broadcast kernel TLB flush and the CPU count. The production implementation is
 * MachineVmallocHost over core's Machine (PageAllocator, PageTableEngine, KernelPageTables,
 * Cpus); tests may use a recording double.
 *
 * <p>Contracts follow the kernel helpers they stand for: map calls return the pgtbl_mod_mask
 * (bit0 PGD .. bit4 PTE) or a negative errno with every mapping exactly as before; unmap never frees
 * page-table pages (vunmap_range_noflush).
 */
public interface VmallocHost {

  /** log2 of PAGE_SIZE. */
  int pageShift();

  /** PMD_SHIFT of the geometry (the huge vmap block size), or -1 if no PMD block is possible. */
  int pmdShift();

  /**
   * Whether huge vmalloc/vmap mappings are allowed (HAVE_ARCH_HUGE_VMALLOC, arch_vmap_pmd_supported,
   * and not disabled, e.g. arm64 with CONFIG_PTDUMP_DEBUGFS).
   */
  boolean hugeVmapAllowed();

  /** IOREMAP_MAX_ORDER as a shift (arm64: PUD_SHIFT on 4K, else PMD_SHIFT; generic PAGE_SHIFT+7). */
  int ioremapMaxShift();

  /** num_online_cpus(). */
  int onlineCpus();

  /** num_possible_cpus() (sizes the vmap nodes). */
  int possibleCpus();

  /** totalram_pages(). */
  long totalRamPages();

  /** swapper_pg_dir, the default target of every mapping. */
  long swapperPgd();

  /** alloc_pages(order) for vmalloc backing memory: a PFN, or -1 when out of memory. */
  long allocPages(int order);

  void freePages(long pfn, int order);

  /**
   * {@code count} order-0 {@link #allocPages} calls at once (alloc_pages_bulk): PFNs into
   * {@code out[off..]} in the order single calls return them; stops at the first failure.
   *
   * @return the number of pages allocated
   */
  default int allocPagesBulk(long[] out, int off, int count) {
    for (int i = 0; i < count; i++) {
      long pfn = allocPages(0);
      if (pfn < 0) {
        return i;
      }
      out[off + i] = pfn;
    }
    return count;
  }

  /** {@link #freePages}{@code (pfns[i], 0)} for {@code i} in {@code [off, off + count)}. */
  default void freePagesBulk(long[] pfns, int off, int count) {
    for (int i = off; i < off + count; i++) {
      freePages(pfns[i], 0);
    }
  }

  /** NUMA node of a page (for the {@code N<node>=} counts). */
  int nodeOfPfn(long pfn);

  /** vmap_pages_range_noflush with small pages. */
  int mapPages(long pgd, long va, long[] pfns, int offset, int count, ProtKind prot);

  /** vmap_range_noflush: a physically contiguous range, blocks up to {@code maxBlockShift}. */
  int mapRange(long pgd, long va, long pa, long size, ProtKind prot, int maxBlockShift);

  /** vunmap_range_noflush. */
  void unmapRange(long pgd, long va, long size);

  /** flush_tlb_kernel_range: one broadcast flush of {@code [start, end)} on every CPU. */
  void flushTlbKernelRange(long start, long end);
}
