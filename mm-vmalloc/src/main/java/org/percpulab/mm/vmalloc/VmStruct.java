package org.percpulab.mm.vmalloc;

/**
 * One {@code struct vm_struct} (include/linux/vmalloc.h): a busy vmalloc area and what backs it.
 *
 * <p>{@code size} includes the guard page unless {@link VmFlags#VM_NO_GUARD} (pcpu_get_vm_areas'
 * areas have none even without the flag). {@code pfns} holds the small pages in order
 * ({@code nrPages} of them; a huge mapping's block contributes its {@code 2^pageOrder} pages), null
 * for areas that do not own pages (ioremap, pcpu). {@code pagesArray} is the address of the nested
 * vmalloc area that holds the page array when it is larger than a page (printed as {@code vpages}),
 * else 0. Read-only to users; {@link Vmalloc} alone changes it.
 */
public final class VmStruct {
  final long addr;
  final long size;
  int flags;
  final Caller caller;
  long[] pfns;
  int nrPages;
  int pageOrder;
  long physAddr;
  final long requestedSize;
  final long pgd;
  final long guardSize;
  long pagesArray;
  /** vmap node the VA was requested from (node_alloc's vn_id), -1 when none. */
  int vnId = -1;

  VmStruct(long addr, long size, long guardSize, int flags, Caller caller, long requestedSize,
      long pgd) {
    this.addr = addr;
    this.size = size;
    this.guardSize = guardSize;
    this.flags = flags;
    this.caller = caller;
    this.requestedSize = requestedSize;
    this.pgd = pgd;
  }

  public long addr() { return addr; }

  /** Size including the guard page (what vmallocinfo prints). */
  public long size() { return size; }

  /** get_vm_area_size(): the usable size, without the guard page. */
  public long usableSize() {
    return size - guardSize;
  }

  /** PAGE_SIZE, or 0 for VM_NO_GUARD and pcpu areas. */
  public long guardSize() { return guardSize; }

  public int flags() { return flags; }

  public Caller caller() { return caller; }

  public int nrPages() { return nrPages; }

  public int pageOrder() { return pageOrder; }

  /** PFN of the {@code i}-th small page. */
  public long pfn(int i) {
    if (pfns == null || i < 0 || i >= nrPages) {
      throw new VmallocException("page index " + i + " not in 0.." + (nrPages - 1));
    }
    return pfns[i];
  }

  public long physAddr() { return physAddr; }

  public long requestedSize() { return requestedSize; }

  /** The page table the area is mapped in. */
  public long pgd() { return pgd; }

  public long pagesArray() { return pagesArray; }

  @Override public String toString() {
    return String.format("vm_struct[0x%016x-0x%016x %s flags=0x%x]", addr, addr + size, caller,
        flags);
  }
}
