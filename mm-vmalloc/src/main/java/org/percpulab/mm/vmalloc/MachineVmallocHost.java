package org.percpulab.mm.vmalloc;

import org.percpulab.core.cpu.Cpus;
import org.percpulab.core.kpt.KernelPageTables;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PageAllocator;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.ProtKind;

/**
 * {@link VmallocHost} over a booted core {@link Machine}: pages from its PageAllocator (purpose
 * vmalloc), mappings through its PageTableEngine, and for swapper through KernelPageTables'
 * shared-kernel API so that per-CPU top-level copies stay in sync (arch_sync_kernel_mappings), and
 * flush_tlb_kernel_range as Cpus' broadcast range flush.
 *
 * <p>Modelled per arch (assumptions, from kernel-facts §1.1/§4.3/§9): HAVE_ARCH_HUGE_VMALLOC and
 * PMD block vmap only on arm64 (CONFIG_PTDUMP_DEBUGFS is assumed off; pass {@code hugeVmap=false}
 * to model it on); IOREMAP_MAX_ORDER is PUD_SHIFT with 4K pages and PMD_SHIFT otherwise on arm64,
 * PAGE_SHIFT + 7 (the generic value) elsewhere. Memory is one NUMA node (node 0).
 */
public final class MachineVmallocHost implements VmallocHost {
  private final Machine machine;
  private final PageAllocator alloc;
  private final PageTableEngine engine;
  private final KernelPageTables kpt;
  private final Cpus cpus;
  private final long swapper;
  private final int pageShift;
  private final int pmdShift;
  private final int pudShift;
  private final boolean huge;
  private final long[] prot = new long[ProtKind.values().length];

  public MachineVmallocHost(Machine machine) {
    this(machine, "arm64".equals(machine.arch()));
  }

  public MachineVmallocHost(Machine machine, boolean hugeVmap) {
    this.machine = machine;
    this.alloc = machine.allocator();
    this.engine = machine.engine();
    this.kpt = machine.kpt();
    this.cpus = machine.cpus();
    this.swapper = kpt.swapperPgd();
    Geometry g = machine.geometry();
    this.pageShift = g.pageShift();
    int n = g.levels();
    this.pmdShift = n >= 2 && g.blockAllowed(n - 2) ? g.shift(n - 2) : -1;
    this.pudShift = n >= 3 && g.blockAllowed(n - 3) ? g.shift(n - 3) : -1;
    this.huge = hugeVmap && pmdShift > 0;
    for (ProtKind k : ProtKind.values()) {
      prot[k.ordinal()] = machine.model().descriptors().prot(k);
    }
  }

  public Machine machine() { return machine; }

  @Override public int pageShift() { return pageShift; }

  @Override public int pmdShift() { return pmdShift; }

  @Override public boolean hugeVmapAllowed() { return huge; }

  @Override public int ioremapMaxShift() {
    if ("arm64".equals(machine.arch())) {
      return pageShift == 12 && pudShift > 0 ? pudShift : pmdShift;
    }
    return pageShift + 7;
  }

  @Override public int onlineCpus() { return cpus.count(); }

  @Override public int possibleCpus() { return cpus.count(); }

  @Override public long totalRamPages() { return machine.mem().bytes() >>> pageShift; }

  @Override public long swapperPgd() { return swapper; }

  @Override public long allocPages(int order) {
    return alloc.allocPages(order, PagePurpose.vmalloc());
  }

  @Override public void freePages(long pfn, int order) {
    alloc.freePages(pfn, order);
  }

  @Override public int allocPagesBulk(long[] out, int off, int count) {
    return alloc.allocPagesBulk(PagePurpose.vmalloc(), out, off, count);
  }

  @Override public void freePagesBulk(long[] pfns, int off, int count) {
    alloc.freePagesBulk(pfns, off, count);
  }

  @Override public int nodeOfPfn(long pfn) { return 0; }

  @Override public int mapPages(long pgd, long va, long[] pfns, int offset, int count,
      ProtKind kind) {
    long p = prot[kind.ordinal()];
    return pgd == swapper ? kpt.mapSharedPages(va, pfns, offset, count, p)
        : engine.mapPages(pgd, va, pfns, offset, count, p);
  }

  @Override public int mapRange(long pgd, long va, long pa, long size, ProtKind kind,
      int maxBlockShift) {
    long p = prot[kind.ordinal()];
    return pgd == swapper ? kpt.mapShared(va, pa, size, p, maxBlockShift)
        : engine.mapRange(pgd, va, pa, size, p, maxBlockShift);
  }

  @Override public void unmapRange(long pgd, long va, long size) {
    if (pgd == swapper) {
      kpt.unmapShared(va, size);
    } else {
      engine.unmapRange(pgd, va, size);
    }
  }

  @Override public void flushTlbKernelRange(long start, long end) {
    cpus.flushKernelRange(start, end - start);
  }
}
