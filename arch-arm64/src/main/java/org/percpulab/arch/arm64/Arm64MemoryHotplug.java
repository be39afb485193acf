package org.percpulab.arch.arm64;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.kpt.KernelPageTables;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.pgtable.RangeVisitor;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.core.spi.VaLayout;

/**
 * arm64 memory hotplug (arch/arm64/mm/mmu.c arch_add_memory / arch_remove_memory,
 * vmemmap_populate / vmemmap_free) on a booted machine, through the core's shared-mapping API so
 * that every per-CPU top-level table stays in step (the seed's known hotplug issue: with per-CPU
 * TTBR1 tables a new linear-map or vmemmap table must reach every copy — {@code mapShared} syncs
 * changed top-level entries, {@code freeEmptyShared} syncs cleared ones).
 *
 * <p>Add: linear map of [pa, pa+size) at __phys_to_virt(pa) with PAGE_KERNEL, with the leaves
 * boot's map_mem would give the same range ({@link Arm64BootMappings#hotplugLinear}): page granular
 * (NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS) when {@code can_set_direct_map()} holds
 * ({@code arm64.rodataFull=true}, the v6.17 default), else blocks and contiguous runs; then __add_pages' vmemmap for the struct pages (64 bytes per page):
 * PMD-block backing with 4K pages when whole PMD blocks are covered (vmemmap_populate_hugepages),
 * base pages otherwise. Remove: vmemmap unmapped and its backing pages freed, then
 * unmap_hotplug_range of the linear map with one flush_tlb_kernel_range per PTE (one PAGE_SIZE
 * each, as the kernel does; per block entry for blocks) and free_empty_tables within
 * [PAGE_OFFSET, PAGE_END) / [VMEMMAP_START, VMEMMAP_END). Errors leave nothing half-done:
 * a failed add is rolled back (the kernel's __remove_pgd_mapping on failure).
 */
public final class Arm64MemoryHotplug {
  public static final long STRUCT_PAGE = 64;

  private final Machine m;
  private final KernelPageTables kpt;
  private final PageTableEngine engine;
  private final VaLayout layout;
  private final Arm64Layout arm64;
  private final Arm64BootMappings bootMappings;
  private final int pageShift;
  private final long pageSize;
  private final List<long[]> backing = new ArrayList<>();

  public Arm64MemoryHotplug(Machine m) {
    this.m = m;
    this.kpt = m.kpt();
    this.engine = m.engine();
    this.layout = m.layout();
    this.arm64 = ((Arm64Model) m.model()).arm64Layout();
    this.bootMappings = m.model().capability(Arm64BootMappings.class).orElseThrow();
    this.pageShift = m.geometry().pageShift();
    this.pageSize = m.geometry().pageSize();
  }

  /** arch_get_mappable_range: PAs whose linear-map address lies in [PAGE_OFFSET, PAGE_END). */
  public boolean mappable(long pa, long size) {
    long lo = layout.physOffset();
    long hi = lo + (arm64.pageEnd - arm64.pageOffset);
    return Long.compareUnsigned(pa, lo) >= 0 && size > 0
        && Long.compareUnsigned(pa + size, hi) <= 0;
  }

  private long vmemmapOf(long pa) {
    return arm64.vmemmapStart + ((pa - layout.physOffset()) >>> pageShift) * STRUCT_PAGE;
  }

  /**
   * arch_add_memory. Returns 0, -EINVAL (-22) for a range that is not page aligned or not mappable,
   * -EBUSY (-16) when part of its linear map already exists (nothing touched; the kernel would BUG
   * in __create_pgd_mapping), or -ENOMEM (-12) with everything rolled back.
   */
  public int addMemory(long pa, long size) {
    if (((pa | size) & (pageSize - 1)) != 0 || !mappable(pa, size)) {
      return -22;
    }
    long va = layout.physToVirt(pa);
    if (anyLeaf(va, size)) {
      return -16;
    }
    int r = 0;
    for (org.percpulab.core.spi.BootMapping b : bootMappings.hotplugLinear(va, pa, size)) {
      r = kpt.mapShared(b.va(), b.pa(), b.size(), b.prot(), b.maxBlockShift());
      if (r < 0) {
        break;
      }
    }
    if (r < 0) {
      kpt.unmapShared(va, size);
      kpt.freeEmptyShared(va, size);
      return r;
    }
    long vs = vmemmapOf(pa) & -pageSize;
    long ve = (vmemmapOf(pa + size) + pageSize - 1) & -pageSize;
    int blockShift = pageShift + (pageShift - 3);
    long block = 1L << blockShift;
    boolean huge = pageShift == 12 && ((vs | ve) & (block - 1)) == 0;
    int order = huge ? blockShift - pageShift : 0;
    long step = huge ? block : pageSize;
    List<long[]> added = new ArrayList<>();
    for (long v = vs; v != ve; v += step) {
      long pfn = m.allocator().allocPages(order, PagePurpose.other());
      int rr = pfn < 0 ? PageTableEngine.ENOMEM : kpt.mapShared(v, pfn << pageShift, step,
          m.model().descriptors().prot(ProtKind.KERNEL), huge ? blockShift : pageShift);
      if (rr < 0) {
        if (pfn >= 0) {
          m.allocator().freePages(pfn, order);
        }
        for (long[] b : added) {
          kpt.unmapShared(b[0], b[2]);
          m.allocator().freePages(b[1], (int) b[3]);
        }
        freeEmptyTables(vs, ve, arm64.vmemmapStart, arm64.vmemmapEnd);
        removeLinear(va, size);
        return rr;
      }
      added.add(new long[] {v, pfn, step, order});
    }
    backing.addAll(added);
    return 0;
  }

  private boolean anyLeaf(long va, long size) {
    boolean[] found = new boolean[1];
    engine.visit(kpt.swapperPgd(), va, size, new RangeVisitor() {
      @Override public void leaf(int level, long a, long s, long entry) {
        found[0] = true;
      }

      @Override public void empty(int level, long a, long s) { }
    });
    return found[0];
  }

  /** arch_remove_memory: vmemmap_free then __remove_pgd_mapping of the linear map. */
  public void removeMemory(long pa, long size) {
    long vs = vmemmapOf(pa) & -pageSize;
    long ve = (vmemmapOf(pa + size) + pageSize - 1) & -pageSize;
    List<long[]> keep = new ArrayList<>();
    for (long[] b : backing) {
      if (Long.compareUnsigned(b[0], vs) >= 0 && Long.compareUnsigned(b[0], ve) < 0) {
        kpt.unmapShared(b[0], b[2]);
        m.cpus().flushKernelRange(b[0], b[2]);
        m.allocator().freePages(b[1], (int) b[3]);
      } else {
        keep.add(b);
      }
    }
    backing.clear();
    backing.addAll(keep);
    freeEmptyTables(vs, ve, arm64.vmemmapStart, arm64.vmemmapEnd);
    removeLinear(layout.physToVirt(pa), size);
  }

  /** unmap_hotplug_range(free_mapped = false) with one TLB flush per leaf, then free_empty_tables. */
  private void removeLinear(long va, long size) {
    List<long[]> leaves = new ArrayList<>();
    engine.visit(kpt.swapperPgd(), va, size, new RangeVisitor() {
      @Override public void leaf(int level, long a, long s, long entry) {
        leaves.add(new long[] {a, s});
      }

      @Override public void empty(int level, long a, long s) { }
    });
    for (long[] l : leaves) {
      kpt.unmapShared(l[0], l[1]);
      m.cpus().flushKernelRange(l[0], l[1]);
    }
    freeEmptyTables(va, va + size, arm64.pageOffset, arm64.pageEnd);
  }

  /**
   * free_empty_tables(addr, end, floor, ceiling): empty tables around [start, end) are freed when
   * their whole span lies within [floor, ceiling); done here by letting the core free every empty
   * table under the top-level entries that [start, end) touches, clipped to [floor, ceiling).
   */
  private void freeEmptyTables(long start, long end, long floor, long ceiling) {
    long top = m.geometry().entrySize(0);
    long lo = start & -top;
    long hi = ((end - 1) & -top) + top;
    if (Long.compareUnsigned(lo, floor) < 0) {
      lo = floor;
    }
    if (hi == 0 || Long.compareUnsigned(hi, ceiling) > 0) {
      hi = ceiling;
    }
    kpt.freeEmptyShared(lo, hi - lo);
  }
}
