package org.percpulab.mm.percpu;

import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.mm.vmalloc.VmallocHost;

/**
 * mm-vmalloc's {@link VmallocHost} over core's {@link Machine}: frames from the PageAllocator
 * (purpose vmalloc), mappings on the shared kernel tables through KernelPageTables (so top-level
 * changes are synced to every per-CPU pgd, the arch_sync_kernel_mappings idea), flushes through
 * Cpus. Lives here until mm-vmalloc ships its own production host. Assumptions: one NUMA node for
 * vmalloc pages (node 0); huge vmap allowed when the geometry has PMD blocks.
 */
public final class MachineVmallocHost implements VmallocHost {
  private final Machine m;

  public MachineVmallocHost(Machine m) {
    this.m = m;
  }

  private int pmdLevel() {
    Geometry g = m.geometry();
    return g.levels() >= 2 ? g.levels() - 2 : -1;
  }

  @Override public int pageShift() { return m.geometry().pageShift(); }

  @Override public int pmdShift() {
    int l = pmdLevel();
    return l >= 0 && m.geometry().blockAllowed(l) ? m.geometry().shift(l) : -1;
  }

  @Override public boolean hugeVmapAllowed() { return pmdShift() > 0; }

  @Override public int ioremapMaxShift() {
    int p = pmdShift();
    return p > 0 ? p : pageShift();
  }

  @Override public int onlineCpus() { return m.cpus().count(); }

  @Override public int possibleCpus() { return m.cpus().count(); }

  @Override public long totalRamPages() { return m.mem().frames(); }

  @Override public long swapperPgd() { return m.kpt().swapperPgd(); }

  @Override public long allocPages(int order) {
    return m.allocator().allocPages(order, PagePurpose.vmalloc());
  }

  @Override public void freePages(long pfn, int order) { m.allocator().freePages(pfn, order); }

  @Override public int nodeOfPfn(long pfn) { return 0; }

  @Override public int mapPages(long pgd, long va, long[] pfns, int offset, int count,
      ProtKind prot) {
    long p = m.model().descriptors().prot(prot);
    if (pgd == m.kpt().swapperPgd()) {
      return m.kpt().mapSharedPages(va, pfns, offset, count, p);
    }
    return m.engine().mapPages(pgd, va, pfns, offset, count, p);
  }

  @Override public int mapRange(long pgd, long va, long pa, long size, ProtKind prot,
      int maxBlockShift) {
    long p = m.model().descriptors().prot(prot);
    if (pgd == m.kpt().swapperPgd()) {
      return m.kpt().mapShared(va, pa, size, p, maxBlockShift);
    }
    return m.engine().mapRange(pgd, va, pa, size, p, maxBlockShift);
  }

  @Override public void unmapRange(long pgd, long va, long size) {
    if (pgd == m.kpt().swapperPgd()) {
      m.kpt().unmapShared(va, size);
    } else {
      m.engine().unmapRange(pgd, va, size);
    }
  }

  @Override public void flushTlbKernelRange(long start, long end) {
    m.cpus().flushKernelRange(start, end - start);
  }
}
