package org.percpulab.mm.vmalloc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.VaLayout;

/**
 * mm/vmalloc.c for one simulated machine: {@code vmalloc}/{@code vfree}, {@code vmap}/{@code vunmap},
 * {@code ioremap}/{@code iounmap}, {@code get_vm_area}/{@code free_vm_area}, lazy freeing with the
 * purge and its single broadcast TLB flush, and {@code pcpu_get_vm_areas}/{@code pcpu_free_vm_areas}.
 *
 * <p>Mappings go to {@link VmallocHost#swapperPgd()} unless a pgd is given (the seed series makes
 * {@code vmap_range_noflush}/{@code vunmap_range_noflush} take one). Areas are vm_structs kept in the
 * {@link VmapAreaAllocator}'s busy tree. Where the kernel defers work to a workqueue (the lazy drain
 * once {@code vmap_lazy_nr > lazy_max_pages()}), the model does it synchronously at the point the
 * kernel schedules it.
 *
 * <p>VA reuse follows v6.17's vmap nodes: nr_vmap_nodes = clamp(possible CPUs, 1, 128), 16-page
 * zones; a request over exactly [VMALLOC_START, VMALLOC_END) on CPU {@code c} (see
 * {@link #setCurrentCpu}) first tries node {@code c mod nodes}'s pool for its exact size (1..256
 * pages incl. guard) and remembers that node; when purged, such VAs go into that node's pool
 * instead of the free tree. Each drain decays every pool by ~25% (newest first) back into the free
 * tree; {@link #reclaimAndPurge} (run before the retry on allocation failure) empties them. Busy areas
 * live in one global tree here (the kernel splits them per node); only the listing order is per node.
 *
 * <p>Bad frees: the kernel's vfree/vunmap look the address up by containment; this model requires
 * the exact start of a live area (as the issue asks) and reports an address inside an area, an
 * already (lazily) freed one, and an unknown one with different messages.
 *
 * <p>Results: allocation functions return the address, or 0 (NULL) when address space or memory runs
 * out, with nothing left allocated except what the kernel itself leaves (a failed vmalloc's area goes
 * to the lazy list, as vfree does there). Caller errors (bad free, double free, size 0, beyond the
 * space, bad alignment) throw {@link VmallocException} before anything changes.
 */
public final class Vmalloc {
  private static final long SZ_32M = 32L << 20;
  /** MAX vmap nodes on 64-bit (vmap_init_nodes). */
  private static final int MAX_VMAP_NODES = 128;
  /** Node partition in pages (vmap_zone_size = 16 pages). */
  private static final int VMAP_ZONE_PAGES = 16;

  private final VmallocHost host;
  private final VmapAreaAllocator kva;
  private final long vmallocStart;
  private final long vmallocEnd;
  private final int pageShift;
  private final long pageSize;
  private final int nrVmapNodes;
  private final long vmapZoneSize;

  /** MAX_VA_SIZE_PAGES: per-node pools hold VAs of 1..256 pages. */
  static final int MAX_VA_SIZE_PAGES = 256;

  private long[] lazyStart = new long[64];
  private long[] lazyEnd = new long[64];
  private int[] lazyVn = new int[64];
  private int lazyCount;
  /** Per vmap node and size class (pages - 1): a LIFO of free VA starts (vmap_pool). */
  private final VaPool[] pools;
  private long pooledBytes;
  private int currentCpu;
  private long lazyPages;
  private long lazyLow = -1;
  private long lazyHigh;

  private long purges;
  private long tlbFlushes;
  private long flushedPages;
  private long vmallocPages;

  private final List<LocalAreaRange> localAreas = new ArrayList<>();

  public Vmalloc(VmallocHost host, long vmallocStart, long vmallocEnd) {
    this.host = host;
    this.pageShift = host.pageShift();
    this.pageSize = 1L << pageShift;
    this.vmallocStart = vmallocStart;
    this.vmallocEnd = vmallocEnd;
    this.kva = new VmapAreaAllocator(vmallocStart, vmallocEnd, pageSize);
    int n = Math.max(1, Math.min(MAX_VMAP_NODES, host.possibleCpus()));
    this.nrVmapNodes = n;
    this.vmapZoneSize = n > 1 ? (long) VMAP_ZONE_PAGES << pageShift : 1;
    this.pools = new VaPool[n > 1 ? n * MAX_VA_SIZE_PAGES : 0];
  }

  /** A LIFO of VA starts of one size (struct vmap_pool's list, newest first). */
  private static final class VaPool {
    long[] starts = new long[8];
    int len;
  }

  /**
   * The CPU that performs the following calls (raw_smp_processor_id(): picks the vmap node whose pool
   * serves vmalloc-range requests). Default 0.
   */
  public void setCurrentCpu(int cpu) {
    if (cpu < 0 || cpu >= host.possibleCpus()) {
      throw new VmallocException("cpu " + cpu + " not in 0.." + (host.possibleCpus() - 1));
    }
    this.currentCpu = cpu;
  }

  /**
   * vmalloc_init for a booted machine: the KVA allocator over the backend's
   * [VMALLOC_START, VMALLOC_END) and the machine's early vm areas ({@link Machine#earlyVmAreas()}:
   * arm64's declare_kernel_vmas, five VM_MAP segments with {@code phys=}, only the last with a guard
   * page); for a backend without boot mappings, when the machine mapped its kernel image inside that
   * range, the image as one early VM_MAP area with caller {@code paging_init}.
   */
  public static Vmalloc boot(Machine machine) {
    return boot(machine, new MachineVmallocHost(machine));
  }

  /** {@link #boot(Machine)} with a given host (e.g. huge vmap forced off). */
  public static Vmalloc boot(Machine machine, VmallocHost host) {
    VaLayout l = machine.layout();
    Vmalloc v = new Vmalloc(host, l.vmallocStart(), l.vmallocEnd());
    if (!machine.earlyVmAreas().isEmpty()) {
      for (org.percpulab.core.spi.BootMapping b : machine.earlyVmAreas()) {
        v.declareEarlyArea(b.va(), b.size() + (b.vmGuard() ? v.pageSize : 0),
            VmFlags.VM_MAP | (b.vmGuard() ? 0 : VmFlags.VM_NO_GUARD), b.pa(),
            Caller.of(b.vmCaller()));
      }
      return v;
    }
    Region img = machine.kernelImage();
    if (img != null && v.isVmallocAddr(img.start())
        && Long.compareUnsigned(img.end() + v.pageSize, l.vmallocEnd()) <= 0) {
      long pa = machine.engine().translate(host.swapperPgd(), img.start());
      v.declareEarlyArea(img.start(), img.size() + v.pageSize, VmFlags.VM_MAP,
          pa < 0 ? 0 : pa, Caller.of("paging_init"));
    }
    return v;
  }

  public VmallocHost host() { return host; }

  public VmapAreaAllocator allocator() { return kva; }

  public long vmallocStart() { return vmallocStart; }

  public long vmallocEnd() { return vmallocEnd; }

  public long pageSize() { return pageSize; }

  // ---- vmalloc family --------------------------------------------------------------------------

  /** vmalloc(size) called from {@code caller}. */
  public long vmalloc(long size, Caller caller) {
    return vmallocNodeRange(size, 1, vmallocStart, vmallocEnd, 0, ProtKind.KERNEL,
        host.swapperPgd(), caller);
  }

  /** vmalloc_huge(size): may use PMD blocks (VM_ALLOW_HUGE_VMAP). */
  public long vmallocHuge(long size, Caller caller) {
    return vmallocNodeRange(size, 1, vmallocStart, vmallocEnd, VmFlags.VM_ALLOW_HUGE_VMAP,
        ProtKind.KERNEL, host.swapperPgd(), caller);
  }

  /** vmalloc_user(size): VM_USERMAP, aligned to SHMLBA (PAGE_SIZE here). */
  public long vmallocUser(long size, Caller caller) {
    return vmallocNodeRange(size, pageSize, vmallocStart, vmallocEnd, VmFlags.VM_USERMAP,
        ProtKind.KERNEL, host.swapperPgd(), caller);
  }

  /**
   * __vmalloc_node_range: reserve {@code size} (page-aligned, plus a guard page) in
   * {@code [start, end)}, allocate the pages and map them into {@code pgd}. Returns the address or 0.
   */
  public long vmallocNodeRange(long size, long align, long start, long end, int vmFlags,
      ProtKind prot, long pgd, Caller caller) {
    checkSize("vmalloc", size, start, end);
    long realSize = size;
    long realAlign = align;
    size = pageAlign(size);
    if ((size >>> pageShift) > host.totalRamPages()) {
      return 0;
    }
    int shift = pageShift;
    int pmd = host.pmdShift();
    if ((vmFlags & VmFlags.VM_ALLOW_HUGE_VMAP) != 0 && host.hugeVmapAllowed() && pmd > 0
        && size >= (1L << pmd)) {
      shift = pmd;
      align = Math.max(realAlign, 1L << shift);
    }
    while (true) {
      long blk = 1L << shift;
      long mapped = (realSize + blk - 1) & -blk;
      VmStruct area = getVmAreaNode(mapped, realSize, align, vmFlags | VmFlags.VM_ALLOC
          | VmFlags.VM_UNINITIALIZED, start, end, pgd, caller);
      if (area == null) {
        return 0;
      }
      if (vmallocAreaNode(area, shift, prot)) {
        area.flags &= ~VmFlags.VM_UNINITIALIZED;
        return area.addr;
      }
      if (shift == pageShift) {
        return 0;
      }
      shift = pageShift;
      align = realAlign;
    }
  }

  /** __vmalloc_area_node: page array (nested vmalloc when over a page), pages, mapping. */
  private boolean vmallocAreaNode(VmStruct area, int shift, ProtKind prot) {
    long usable = area.usableSize();
    int nrSmall = (int) (usable >>> pageShift);
    long arrayBytes = (long) nrSmall * 8;
    if (arrayBytes > pageSize) {
      long arr = vmallocNodeRange(arrayBytes, 1, vmallocStart, vmallocEnd, 0, ProtKind.KERNEL,
          host.swapperPgd(), area.caller);
      if (arr == 0) {
        removeAndFree(area);
        return false;
      }
      area.pagesArray = arr;
    }
    int order = shift - pageShift;
    area.pageOrder = order;
    area.pfns = new long[nrSmall];
    int step = 1 << order;
    if (order == 0) {
      // vm_area_alloc_pages: order-0 pages come from the bulk allocator
      int got = host.allocPagesBulk(area.pfns, 0, nrSmall);
      area.nrPages = got;
      vmallocPages += got;
      if (got < nrSmall) {
        vfreeArea(area);
        return false;
      }
    }
    for (int i = order == 0 ? nrSmall : 0; i < nrSmall; i += step) {
      long pfn = host.allocPages(order);
      if (pfn < 0) {
        vfreeArea(area);
        return false;
      }
      for (int j = 0; j < step; j++) {
        area.pfns[i + j] = pfn + j;
      }
      area.nrPages = i + step;
      vmallocPages += step;
    }
    int rc;
    if (order == 0) {
      rc = host.mapPages(area.pgd, area.addr, area.pfns, 0, nrSmall, prot);
    } else {
      rc = 0;
      long blk = 1L << shift;
      for (int i = 0; i < nrSmall && rc >= 0; i += step) {
        rc = host.mapRange(area.pgd, area.addr + ((long) i << pageShift), area.pfns[i] << pageShift,
            blk, prot, shift);
      }
    }
    if (rc < 0) {
      vfreeArea(area);
      return false;
    }
    return true;
  }

  /**
   * vfree(addr): unmap now, free the pages, put the address range on the lazy list. {@code 0} is a
   * no-op like vfree(NULL).
   */
  public void vfree(long addr) {
    if (addr == 0) {
      return;
    }
    Object o = kva.takeBusy(addr);
    if (o == null) {
      lookupForFree("vfree", addr);
    }
    VmStruct vm = (VmStruct) o;
    unmapAndQueue(vm, vm.size);
    freeBacking(vm);
  }

  private void vfreeArea(VmStruct vm) {
    removeAndFree(vm);
    freeBacking(vm);
  }

  private void freeBacking(VmStruct vm) {
    if (vm.pfns != null) {
      int step = 1 << vm.pageOrder;
      boolean owned = (vm.flags & VmFlags.VM_MAP) == 0
          || (vm.flags & VmFlags.VM_MAP_PUT_PAGES) != 0;
      if (owned) {
        if (vm.pageOrder == 0) {
          host.freePagesBulk(vm.pfns, 0, vm.nrPages);
        } else {
          for (int i = 0; i < vm.nrPages; i += step) {
            host.freePages(vm.pfns[i], vm.pageOrder);
          }
        }
        if ((vm.flags & VmFlags.VM_ALLOC) != 0) {
          vmallocPages -= vm.nrPages;
        }
      }
    }
    if (vm.pagesArray != 0) {
      long arr = vm.pagesArray;
      vm.pagesArray = 0;
      vfree(arr);
    }
  }

  private VmStruct lookupForFree(String fn, long addr) {
    Object o = kva.busyAt(addr);
    if (o instanceof VmStruct vm) {
      return vm;
    }
    if (lazyIndexOf(addr) >= 0) {
      throw new VmallocException(String.format(
          "%s: 0x%016x was already freed (double free; its area is awaiting the lazy purge)",
          fn, addr));
    }
    Object inside = kva.busyContaining(addr);
    if (inside instanceof VmStruct vm) {
      throw new VmallocException(String.format(
          "%s: 0x%016x is inside the area starting at 0x%016x, not its start", fn, addr, vm.addr));
    }
    throw new VmallocException(String.format(
        "Trying to %s() nonexistent vm area (0x%016x)", fn, addr));
  }

  /** remove_vm_area + free_unmap_vmap_area: unlink, unmap at once, queue the VA lazily. */
  private void removeAndFree(VmStruct vm) {
    unmapAndQueue(vm, kva.unlinkBusy(vm.addr));
  }

  private void unmapAndQueue(VmStruct vm, long size) {
    host.unmapRange(vm.pgd, vm.addr, size);
    addLazy(vm.addr, vm.addr + size, vm.vnId);
  }

  // ---- vmap / ioremap / get_vm_area -----------------------------------------------------------

  /**
   * vmap(pages, count, flags, prot): maps caller-owned pages (not freed by vunmap unless
   * VM_MAP_PUT_PAGES). Returns the address or 0.
   */
  public long vmap(long[] pfns, int count, int flags, ProtKind prot, long pgd, Caller caller) {
    if (count <= 0 || count > pfns.length) {
      throw new VmallocException("vmap count " + count + " must be in 1.." + pfns.length);
    }
    if ((flags & VmFlags.VM_NO_GUARD) != 0) {
      throw new VmallocException("vmap flags 0x" + Integer.toHexString(flags)
          + " must not contain VM_NO_GUARD (0x40)");
    }
    if (count > host.totalRamPages()) {
      return 0;
    }
    long size = (long) count << pageShift;
    checkSize("vmap", size, vmallocStart, vmallocEnd);
    VmStruct area = getVmAreaNode(size, size, 1, flags, vmallocStart, vmallocEnd, pgd, caller);
    if (area == null) {
      return 0;
    }
    int rc = host.mapPages(pgd, area.addr, pfns, 0, count, prot);
    if (rc < 0) {
      removeAndFree(area);
      return 0;
    }
    if ((flags & VmFlags.VM_MAP_PUT_PAGES) != 0) {
      area.pfns = Arrays.copyOf(pfns, count);
      area.nrPages = count;
    }
    return area.addr;
  }

  /** vmap into swapper with VM_MAP. */
  public long vmap(long[] pfns, int count, Caller caller) {
    return vmap(pfns, count, VmFlags.VM_MAP, ProtKind.KERNEL, host.swapperPgd(), caller);
  }

  /** vunmap(addr): unmap and lazily free the area; the pages stay the caller's. */
  public void vunmap(long addr) {
    if (addr == 0) {
      return;
    }
    VmStruct vm = lookupForFree("vunmap", addr);
    removeAndFree(vm);
  }

  /**
   * ioremap_prot(phys, size, prot): maps a physical range (device memory) with blocks up to
   * IOREMAP_MAX_ORDER alignment. Returns the virtual address of {@code phys} (with its in-page
   * offset) or 0.
   */
  public long ioremap(long phys, long size, ProtKind prot, Caller caller) {
    if (size <= 0 || phys + size - 1 < phys) {
      throw new VmallocException("ioremap size " + size + " at phys 0x" + Long.toHexString(phys)
          + " must be positive and not wrap");
    }
    long offset = phys & (pageSize - 1);
    long base = phys - offset;
    long mapSize = pageAlign(size + offset);
    checkSize("ioremap", mapSize, vmallocStart, vmallocEnd);
    VmStruct area = getVmAreaNode(mapSize, mapSize, 1, VmFlags.VM_IOREMAP, vmallocStart,
        vmallocEnd, host.swapperPgd(), caller);
    if (area == null) {
      return 0;
    }
    area.physAddr = base;
    int maxShift = host.hugeVmapAllowed() ? 63 : pageShift;
    int rc = host.mapRange(area.pgd, area.addr, base, mapSize, prot, maxShift);
    if (rc < 0) {
      removeAndFree(area);
      return 0;
    }
    return area.addr + offset;
  }

  /** iounmap(addr). */
  public void iounmap(long addr) {
    if (addr == 0) {
      return;
    }
    vunmap(addr & -pageSize);
  }

  /** get_vm_area_caller(size, flags, caller): reserve address space only. Null when out of VA. */
  public VmStruct getVmArea(long size, int flags, Caller caller) {
    checkSize("get_vm_area", size, vmallocStart, vmallocEnd);
    long s = pageAlign(size);
    return getVmAreaNode(s, size, 1, flags, vmallocStart, vmallocEnd, host.swapperPgd(), caller);
  }

  /** free_vm_area(area): remove_vm_area (unmap, lazy) and forget the struct. */
  public void freeVmArea(VmStruct area) {
    if (area == null) {
      return;
    }
    if (kva.busyAt(area.addr) != area) {
      throw new VmallocException(String.format(
          "free_vm_area: 0x%016x is not a live vm area (double free?)", area.addr));
    }
    removeAndFree(area);
  }

  /**
   * __get_vm_area_node: ioremap alignment, guard page unless VM_NO_GUARD, alloc_vmap_area with one
   * purge-and-retry on failure, setup_vmalloc_vm.
   */
  private VmStruct getVmAreaNode(long size, long requested, long align, int flags, long start,
      long end, long pgd, Caller caller) {
    if ((flags & VmFlags.VM_IOREMAP) != 0) {
      int order = 64 - Long.numberOfLeadingZeros(size - 1);
      order = Math.max(pageShift, Math.min(host.ioremapMaxShift(), order));
      align = 1L << order;
    }
    long guard = (flags & VmFlags.VM_NO_GUARD) != 0 ? 0 : pageSize;
    long total = size + guard;
    if (Long.compareUnsigned(total, end - start) > 0) {
      return null;
    }
    int vn = -1;
    long addr = VmapAreaAllocator.NO_SPACE;
    if (start == vmallocStart && end == vmallocEnd && nrVmapNodes > 1) {
      vn = currentCpu % nrVmapNodes;
      addr = poolTake(vn, total, align);
    }
    if (addr == VmapAreaAllocator.NO_SPACE) {
      addr = kva.alloc(total, align, start, end);
      if (addr == VmapAreaAllocator.NO_SPACE) {
        reclaimAndPurge();
        addr = kva.alloc(total, align, start, end);
      }
    }
    if (addr == VmapAreaAllocator.NO_SPACE) {
      return null;
    }
    VmStruct vm = new VmStruct(addr, total, guard, flags, caller, requested, pgd);
    vm.vnId = vn;
    kva.insertBusy(addr, total, vm);
    return vm;
  }

  /**
   * vm_area_add_early + vmalloc_init's import: an area that exists from boot (e.g. the kernel image
   * segments, VM_MAP with phys=). Throws if the range is not free.
   */
  public VmStruct declareEarlyArea(long addr, long size, int flags, long phys, Caller caller) {
    if (!kva.clip(addr, size)) {
      throw new VmallocException(String.format(
          "early vm area 0x%016x-0x%016x must be free and inside vmalloc space", addr, addr + size));
    }
    long guard = (flags & VmFlags.VM_NO_GUARD) != 0 ? 0 : pageSize;
    VmStruct vm = new VmStruct(addr, size, guard, flags, caller, size, host.swapperPgd());
    vm.physAddr = phys;
    kva.insertBusy(addr, size, vm);
    return vm;
  }

  /**
   * vm_area_register_early(vm, align) as pcpu_page_first_chunk calls it: the lowest free
   * {@code align}-aligned range of {@code size} bytes from VMALLOC_START, VM_ALLOC, no guard page and
   * no caller (the kernel never sets one, so /proc/vmallocinfo prints none). Throws when nothing
   * fits: at that point of boot the kernel has no fallback either.
   */
  public VmStruct registerEarly(long size, long align) {
    checkSize("vm_area_register_early", size, vmallocStart, vmallocEnd);
    long s = pageAlign(size);
    long addr = kva.alloc(s, Math.max(align, pageSize), vmallocStart, vmallocEnd);
    if (addr == VmapAreaAllocator.NO_SPACE) {
      throw new VmallocException(String.format(
          "vm_area_register_early: no 0x%x bytes free in vmalloc space", s));
    }
    VmStruct vm = new VmStruct(addr, s, 0, VmFlags.VM_ALLOC, null, size, host.swapperPgd());
    kva.insertBusy(addr, s, vm);
    return vm;
  }

  /** find_vm_area: the live area containing {@code addr}, or null. */
  public VmStruct findVmArea(long addr) {
    Object o = kva.busyContaining(addr);
    return o instanceof VmStruct vm ? vm : null;
  }

  /** is_vmalloc_addr. */
  public boolean isVmallocAddr(long addr) {
    return Long.compareUnsigned(addr, vmallocStart) >= 0
        && Long.compareUnsigned(addr, vmallocEnd) < 0;
  }

  // ---- mapping helpers taking a pgd (the seed series' signature change) ----------------------------

  /**
   * vmap_pages_range_noflush(pgd, addr, addr + count pages, prot, pages, PAGE_SHIFT): maps
   * {@code count} small pages at {@code addr} into {@code pgd} (swapper through the shared-kernel
   * API, so per-CPU copies stay in sync). Returns the pgtbl_mod_mask or a negative errno with nothing
   * changed. No TLB or cache flush, as in the kernel. Used by percpu-vm's pcpu_map_pages.
   */
  public int vmapPagesRangeNoflush(long pgd, long addr, long[] pfns, int offset, int count,
      ProtKind prot) {
    if (count <= 0 || offset < 0 || offset + count > pfns.length) {
      throw new VmallocException("vmap_pages_range_noflush: " + count + " pages from index "
          + offset + " must lie inside the " + pfns.length + "-entry page array");
    }
    if ((addr & (pageSize - 1)) != 0) {
      throw new VmallocException(String.format(
          "vmap_pages_range_noflush: address 0x%016x must be page aligned", addr));
    }
    return host.mapPages(pgd, addr, pfns, offset, count, prot);
  }

  /**
   * vunmap_range_noflush(pgd, start, end): clears the entries, never frees page-table pages, no TLB
   * flush. Used by percpu-vm's pcpu_unmap_pages.
   */
  public void vunmapRangeNoflush(long pgd, long start, long end) {
    if (((start | end) & (pageSize - 1)) != 0 || Long.compareUnsigned(start, end) > 0) {
      throw new VmallocException(String.format(
          "vunmap_range_noflush: range 0x%016x-0x%016x must be page aligned and ordered",
          start, end));
    }
    if (start != end) {
      host.unmapRange(pgd, start, end - start);
    }
  }

  /**
   * flush_tlb_kernel_range(start, end): one broadcast flush (pcpu_post_unmap_tlb_flush). Not counted
   * in {@link #tlbFlushes()}, which counts the lazy purge's flushes only.
   */
  public void flushTlbKernelRange(long start, long end) {
    host.flushTlbKernelRange(start, end);
  }

  // ---- pcpu_get_vm_areas ------------------------------------------------------------------------

  /**
   * pcpu_get_vm_areas(offsets, sizes, nr, align): congruent areas {@code base + offsets[i]}, placed
   * top-down from VMALLOC_END, no guard page, VM_ALLOC, caller pcpu_get_vm_areas. On overflow the lazy
   * areas are purged once and the search retried. Returns the areas, or null when no base fits.
   */
  public VmStruct[] pcpuGetVmAreas(long[] offsets, long[] sizes, long align) {
    return pcpuGetVmAreas(offsets, sizes, align, Caller.PCPU_GET_VM_AREAS);
  }

  /**
   * {@link #pcpuGetVmAreas(long[], long[], long)} with another caller tag: the seed series' arm64
   * setup_per_cpu_areas places the page first chunk this way (top-down, next to the dynamic chunks).
   */
  public VmStruct[] pcpuGetVmAreas(long[] offsets, long[] sizes, long align, Caller caller) {
    int nr = offsets.length;
    if (nr == 0 || sizes.length != nr) {
      throw new VmallocException("pcpu_get_vm_areas: offsets (" + nr + ") and sizes ("
          + sizes.length + ") must be non-empty and of equal length");
    }
    if (Long.bitCount(align) != 1 || align < pageSize) {
      throw new VmallocException("pcpu_get_vm_areas: align " + align
          + " must be a power of two and a multiple of the page size " + pageSize);
    }
    int last = 0;
    for (int i = 0; i < nr; i++) {
      if ((offsets[i] & (align - 1)) != 0 || (sizes[i] & (align - 1)) != 0 || sizes[i] <= 0
          || offsets[i] < 0) {
        throw new VmallocException(String.format(
            "pcpu_get_vm_areas: area %d offset 0x%x size 0x%x must be non-negative, non-empty and "
                + "aligned to 0x%x", i, offsets[i], sizes[i], align));
      }
      if (offsets[i] > offsets[last]) {
        last = i;
      }
      for (int j = i + 1; j < nr; j++) {
        if (offsets[j] < offsets[i] + sizes[i] && offsets[i] < offsets[j] + sizes[j]) {
          throw new VmallocException("pcpu_get_vm_areas: areas " + i + " and " + j + " overlap");
        }
      }
    }
    long lastEnd = offsets[last] + sizes[last];
    long vs = (vmallocStart + align - 1) & -align;
    long ve = vmallocEnd & -align;
    if (Long.compareUnsigned(ve - vs, lastEnd) < 0) {
      throw new VmallocException(String.format(
          "pcpu_get_vm_areas: span 0x%x exceeds the vmalloc space 0x%x", lastEnd, ve - vs));
    }
    long base = kva.placeCongruent(offsets, sizes, align);
    if (base == VmapAreaAllocator.NO_SPACE) {
      reclaimAndPurge();
      base = kva.placeCongruent(offsets, sizes, align);
    }
    if (base == VmapAreaAllocator.NO_SPACE) {
      return null;
    }
    VmStruct[] vms = new VmStruct[nr];
    for (int i = 0; i < nr; i++) {
      long a = base + offsets[i];
      vms[i] = new VmStruct(a, sizes[i], 0, VmFlags.VM_ALLOC, caller, sizes[i],
          host.swapperPgd());
      kva.insertBusy(a, sizes[i], vms[i]);
    }
    return vms;
  }

  /** pcpu_free_vm_areas: free_vm_area on each (unmapped now, VA freed lazily). */
  public void pcpuFreeVmAreas(VmStruct[] vms) {
    for (VmStruct vm : vms) {
      if (kva.busyAt(vm.addr) != vm) {
        throw new VmallocException(String.format(
            "pcpu_free_vm_areas: 0x%016x is not a live pcpu area (double free?)", vm.addr));
      }
    }
    for (VmStruct vm : vms) {
      removeAndFree(vm);
    }
  }

  // ---- lazy purge ---------------------------------------------------------------------------

  /** lazy_max_pages() = fls(num_online_cpus()) * (32 MiB / PAGE_SIZE). */
  public long lazyMaxPages() {
    int cpus = host.onlineCpus();
    int fls = 32 - Integer.numberOfLeadingZeros(cpus);
    return (long) fls * (SZ_32M >>> pageShift);
  }

  /**
   * free_vmap_area_noflush: queue the VA on the lazy list of its node (the node it was requested
   * from, else the node of its address); past lazy_max_pages() drain at once.
   */
  private void addLazy(long start, long end, int vnId) {
    if (lazyCount == lazyStart.length) {
      lazyStart = Arrays.copyOf(lazyStart, lazyCount * 2);
      lazyEnd = Arrays.copyOf(lazyEnd, lazyCount * 2);
      lazyVn = Arrays.copyOf(lazyVn, lazyCount * 2);
    }
    lazyStart[lazyCount] = start;
    lazyEnd[lazyCount] = end;
    lazyVn[lazyCount] = vnId;
    lazyCount++;
    if (lazyLow == -1 || Long.compareUnsigned(start, lazyLow) < 0) {
      lazyLow = start;
    }
    if (Long.compareUnsigned(end, lazyHigh) > 0) {
      lazyHigh = end;
    }
    lazyPages += (end - start) >>> pageShift;
    if (lazyPages > lazyMaxPages()) {
      purge(false);
    }
  }

  private int lazyIndexOf(long start) {
    for (int i = 0; i < lazyCount; i++) {
      if (lazyStart[i] == start) {
        return i;
      }
    }
    return -1;
  }

  /**
   * drain_vmap_area_work (also what vm_unmap_aliases runs): decay every node pool by ~25%, then one
   * flush_tlb_kernel_range over the union {@code [lowest start, highest end)} of every lazily freed
   * area, then each area goes to its node's pool (requested from a node, at most 256 pages) or back
   * into the free tree (merged with neighbours). Returns false, flushing nothing, when nothing was
   * pending.
   */
  public boolean purgeVmapAreaLazy() {
    return purge(false);
  }

  /**
   * reclaim_and_purge_vmap_areas: the same purge with full pool decay, every pooled and purged VA
   * back to the free tree (run on allocation failure before the retry).
   */
  public boolean reclaimAndPurge() {
    return purge(true);
  }

  private boolean purge(boolean fullDecay) {
    for (int i = 0; i < pools.length; i++) {
      VaPool p = pools[i];
      if (p == null || p.len == 0) {
        continue;
      }
      int decay = fullDecay ? p.len : p.len >> 2;
      long size = (long) (i % MAX_VA_SIZE_PAGES + 1) << pageShift;
      for (int k = 0; k < decay; k++) {
        kva.free(p.starts[p.len - 1 - k], size);
      }
      p.len -= decay;
      pooledBytes -= decay * size;
    }
    if (lazyCount == 0) {
      return false;
    }
    host.flushTlbKernelRange(lazyLow, lazyHigh);
    tlbFlushes++;
    flushedPages += (lazyHigh - lazyLow) >>> pageShift;
    for (int i = 0; i < lazyCount; i++) {
      long size = lazyEnd[i] - lazyStart[i];
      if (lazyVn[i] >= 0 && !fullDecay && poolAdd(lazyVn[i], lazyStart[i], size)) {
        continue;
      }
      kva.free(lazyStart[i], size);
    }
    lazyCount = 0;
    lazyPages = 0;
    lazyLow = -1;
    lazyHigh = 0;
    purges++;
    return true;
  }

  /** node_pool_add_va. */
  private boolean poolAdd(int vn, long start, long size) {
    long idx = (size - 1) >>> pageShift;
    if (idx >= MAX_VA_SIZE_PAGES) {
      return false;
    }
    int k = vn * MAX_VA_SIZE_PAGES + (int) idx;
    VaPool p = pools[k];
    if (p == null) {
      p = pools[k] = new VaPool();
    }
    if (p.len == p.starts.length) {
      p.starts = Arrays.copyOf(p.starts, p.len * 2);
    }
    p.starts[p.len++] = start;
    pooledBytes += size;
    return true;
  }

  /**
   * node_pool_del_va: the newest VA of exactly {@code size} in node {@code vn}'s pool if it is
   * {@code align}-aligned; a misaligned one is moved to the tail (oldest end). NO_SPACE if none.
   */
  private long poolTake(int vn, long size, long align) {
    long idx = (size - 1) >>> pageShift;
    if (idx >= MAX_VA_SIZE_PAGES) {
      return VmapAreaAllocator.NO_SPACE;
    }
    VaPool p = pools[vn * MAX_VA_SIZE_PAGES + (int) idx];
    if (p == null || p.len == 0) {
      return VmapAreaAllocator.NO_SPACE;
    }
    long s = p.starts[p.len - 1];
    if ((s & (align - 1)) == 0) {
      p.len--;
      pooledBytes -= size;
      return s;
    }
    System.arraycopy(p.starts, 0, p.starts, 1, p.len - 1);
    p.starts[0] = s;
    return VmapAreaAllocator.NO_SPACE;
  }

  /** Bytes held in the per-node VA pools (neither free in the tree nor busy). */
  public long pooledBytes() { return pooledBytes; }

  /** Number of pooled VAs of {@code pages} pages in node {@code vn}. */
  public int pooledCount(int vn, int pages) {
    if (pools.length == 0 || pages < 1 || pages > MAX_VA_SIZE_PAGES) {
      return 0;
    }
    VaPool p = pools[vn * MAX_VA_SIZE_PAGES + pages - 1];
    return p == null ? 0 : p.len;
  }

  /** vmap_lazy_nr: pages waiting for the purge. */
  public long lazyPages() { return lazyPages; }

  public int lazyAreaCount() { return lazyCount; }

  /**
   * Lazily freed ranges in the order they were freed: {@code {start, end, node}} where node is the
   * vmap node whose lazy list holds it.
   */
  public List<long[]> lazyRanges() {
    List<long[]> out = new ArrayList<>(lazyCount);
    for (int i = 0; i < lazyCount; i++) {
      int node = lazyVn[i] >= 0 ? lazyVn[i] : vmapNodeOf(lazyStart[i]);
      out.add(new long[] {lazyStart[i], lazyEnd[i], node});
    }
    return out;
  }

  public long purges() { return purges; }

  /** Number of broadcast flush_tlb_kernel_range calls made by purges. */
  public long tlbFlushes() { return tlbFlushes; }

  /** Sum of the flushed ranges' sizes in pages. */
  public long flushedPages() { return flushedPages; }

  /** nr_vmalloc_pages. */
  public long vmallocPages() { return vmallocPages; }

  // ---- vmap nodes (listing order) -----------------------------------------------------------

  public int nrVmapNodes() { return nrVmapNodes; }

  /** addr_to_node_id: (addr / vmap_zone_size) mod nr_vmap_nodes. */
  public int vmapNodeOf(long addr) {
    return (int) Long.remainderUnsigned(Long.divideUnsigned(addr, vmapZoneSize), nrVmapNodes);
  }

  // ---- percpu local areas ---------------------------------------------------------------------

  /**
   * Registers a percpu local-area range so /proc/vmallocinfo reports it (mm-percpu calls this when a
   * chunk gets its local range). Throws if it overlaps vmalloc space or a registered range.
   */
  public void registerLocalArea(long start, long end, String owner, Caller caller) {
    LocalAreaRange r = new LocalAreaRange(start, end, owner, caller);
    if (Long.compareUnsigned(start, vmallocEnd) < 0 && Long.compareUnsigned(vmallocStart, end) < 0) {
      throw new VmallocException(String.format(
          "local area range 0x%016x-0x%016x must lie outside vmalloc space", start, end));
    }
    for (LocalAreaRange o : localAreas) {
      if (Long.compareUnsigned(start, o.end()) < 0 && Long.compareUnsigned(o.start(), end) < 0) {
        throw new VmallocException(String.format(
            "local area range 0x%016x-0x%016x overlaps 0x%016x-0x%016x of %s",
            start, end, o.start(), o.end(), o.owner()));
      }
    }
    localAreas.add(r);
  }

  /** Removes the local-area range starting at {@code start}; throws if none does. */
  public void unregisterLocalArea(long start) {
    for (int i = 0; i < localAreas.size(); i++) {
      if (localAreas.get(i).start() == start) {
        localAreas.remove(i);
        return;
      }
    }
    throw new VmallocException(String.format(
        "no percpu local area range starts at 0x%016x", start));
  }

  /** Registered local-area ranges in address order. */
  public List<LocalAreaRange> localAreas() {
    List<LocalAreaRange> out = new ArrayList<>(localAreas);
    out.sort((a, b) -> Long.compareUnsigned(a.start(), b.start()));
    return Collections.unmodifiableList(out);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private long pageAlign(long size) {
    return (size + pageSize - 1) & -pageSize;
  }

  private void checkSize(String fn, long size, long start, long end) {
    if (size <= 0) {
      throw new VmallocException(fn + ": size " + size + " must be positive");
    }
    if (Long.compareUnsigned(size, end - start) > 0) {
      throw new VmallocException(String.format(
          "%s: size %d exceeds the address range 0x%016x-0x%016x (%d bytes)",
          fn, size, start, end, end - start));
    }
  }
}
