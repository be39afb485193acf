package org.percpulab.mm.percpu;

import org.percpulab.core.util.PfnMap;

import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.mem.PhysMem;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.mm.vmalloc.Caller;
import org.percpulab.mm.vmalloc.VmStruct;
import org.percpulab.mm.vmalloc.Vmalloc;

/**
 * mm/percpu-vm.c over the simulated machine: chunks are pcpu_get_vm_areas areas; populate allocates
 * one page per CPU per page index (alloc_pages_node, purpose percpu of that CPU) and maps each
 * CPU's unit pages at pcpu_chunk_addr(chunk, cpu, i) in the shared kernel tables
 * (vmap_pages_range_noflush, no TLB flush); depopulate unmaps without flushing; the caller's
 * pcpu_post_unmap_tlb_flush is one broadcast range flush over the low..high unit span; destroy is
 * pcpu_free_vm_areas (lazily purged by vmalloc).
 *
 * <p>With the local map active each chunk also owns one unit-sized range of {@link PcpuLocalArea},
 * at its base address plus the area's fixed shift (so one {@code __per_cpu_local_off} serves every
 * chunk; a chunk placed below the percpu window is not created);
 * populate/depopulate map/unmap CPU n's unit pages there in CPU n's own pgd; the post-unmap flush
 * also covers the local pages (a broadcast flush, since every CPU cached its own alias), and
 * destroy issues one broadcast flush of the chunk's local range.
 *
 * <p>Packed layout ({@link PcpuPackedRegion}): a new chunk takes the lowest free slot k of the
 * percpu region instead of pcpu_get_vm_areas areas (base = region + k × unit; no vm area of its
 * own, so no vmallocinfo line: the region's one boot-time line covers it), its local range is the
 * local area start + k × unit, and destroy frees the slot lazily (reusable after the next purge
 * and its TLB flush) instead of pcpu_free_vm_areas. Populate, depopulate and the post-unmap flush
 * (one range from the lowest to the highest unit, here spanning cpus × stride) are unchanged.
 *
 * <p>Model shortcut: the pages of a chunk are kept in {@code pages} (the kernel re-finds them with
 * vmalloc_to_page when depopulating); page→chunk ({@code page->private}) is a {@link PfnMap}.
 */
public final class VmChunkBackend implements PcpuChunkBackend {
  private final Machine m;
  private final Vmalloc vmalloc;
  private final PcpuLocalArea local;
  private final PcpuPackedRegion packed;
  private final long prot;
  private final PfnMap<PcpuChunk> pagePrivate = new PfnMap<>();
  private long localBroadcastFlushes;
  private long windowRefusals;

  /** Per-chunk data: the vm areas and every unit page (pcpu_page_idx order), 0 = none. */
  static final class VmData {
    final VmStruct[] vms;
    final long[] pages;

    VmData(VmStruct[] vms, long[] pages) {
      this.vms = vms;
      this.pages = pages;
    }
  }

  public VmChunkBackend(Machine m, Vmalloc vmalloc, PcpuLocalArea local) {
    this(m, vmalloc, local, null);
  }

  /** With {@code packed} non-null, chunks take slots of that region (packed layout). */
  public VmChunkBackend(Machine m, Vmalloc vmalloc, PcpuLocalArea local, PcpuPackedRegion packed) {
    this.m = m;
    this.vmalloc = vmalloc;
    this.local = local;
    this.packed = packed;
    this.prot = m.model().descriptors().prot(ProtKind.KERNEL);
  }

  public PcpuLocalArea localArea() { return local; }

  /** The packed layout's region, or null (mirror layout or no local map). */
  public PcpuPackedRegion packedRegion() { return packed; }

  public long localBroadcastFlushes() { return localBroadcastFlushes; }

  private static int pageIdx(PercpuAllocator pcpu, int cpu, int i) {
    return pcpu.unitMap(cpu) * pcpu.unitPages() + i;
  }

  @Override
  public PcpuChunk createChunk(PercpuAllocator pcpu) {
    PcpuChunk chunk = pcpu.allocChunk();
    VmStruct[] vms = null;
    if (packed != null) {
      int slot = packed.allocSlot();
      if (slot < 0) {
        windowRefusals++;
        return null;
      }
      chunk.baseAddr = packed.slotBase(slot);
    } else {
      vms = getVmAreas(pcpu);
      if (vms == null) {
        return null;
      }
      chunk.baseAddr = vms[0].addr() - pcpu.groupOffset(0);
    }
    if (local != null) {
      local.reserve(chunk.baseAddr);
      long l = local.rangeOf(chunk.baseAddr);
      chunk.localBase = l;
      vmalloc.registerLocalArea(l, l + pcpu.unitSize(), "percpu-chunk-" + chunk.id,
          Caller.of("pcpu_create_chunk"));
    }
    chunk.data = new VmData(vms, new long[pcpu.nrUnits() * pcpu.unitPages()]);
    return chunk;
  }

  /**
   * pcpu_get_vm_areas for a new chunk. With the local map the chunk must also lie in the percpu
   * window: an area below it is given back, the lazily freed areas are purged (the window's free
   * space may be waiting for the purge, as pcpu_get_vm_areas' own overflow retry assumes) and the
   * search is tried once more; a second miss fails the chunk like an out-of-VA one.
   */
  private VmStruct[] getVmAreas(PercpuAllocator pcpu) {
    long align = Math.max(pcpu.atomSize(), pcpu.pageSize());
    for (int attempt = 0; ; attempt++) {
      VmStruct[] vms = vmalloc.pcpuGetVmAreas(pcpu.groupOffsets(), pcpu.groupSizes(), align);
      if (vms == null || local == null || local.fits(vms[0].addr() - pcpu.groupOffset(0))) {
        return vms;
      }
      vmalloc.pcpuFreeVmAreas(vms);
      if (attempt == 1) {
        windowRefusals++;
        return null;
      }
      vmalloc.reclaimAndPurge();
    }
  }

  /**
   * Chunk creations that failed because no room was left inside the percpu window (mirror) or no
   * slot was left in the percpu region (packed).
   */
  public long windowRefusals() { return windowRefusals; }

  @Override
  public void destroyChunk(PercpuAllocator pcpu, PcpuChunk chunk) {
    VmData d = (VmData) chunk.data;
    if (d.vms != null) {
      vmalloc.pcpuFreeVmAreas(d.vms);
    }
    if (chunk.localBase != 0) {
      for (int cpu = 0; cpu < pcpu.nrCpus(); cpu++) {
        m.kpt().unmapPrivate(cpu, chunk.localBase, pcpu.unitSize());
      }
      m.cpus().flushKernelRange(chunk.localBase, pcpu.unitSize());
      localBroadcastFlushes++;
      vmalloc.unregisterLocalArea(chunk.localBase);
      local.free(chunk.localBase);
    }
    if (packed != null) {
      packed.freeSlot(packed.slotOf(chunk.baseAddr));
    }
  }

  @Override
  public int populate(PercpuAllocator pcpu, PcpuChunk chunk, int rs, int re) {
    VmData d = (VmData) chunk.data;
    int n = re - rs;
    int cpus = pcpu.nrCpus();
    // pcpu_alloc_pages
    for (int cpu = 0; cpu < cpus; cpu++) {
      for (int i = rs; i < re; i++) {
        long pfn = m.allocator().allocPages(0, PagePurpose.percpu(cpu));
        if (pfn < 0) {
          freePages(pcpu, d, cpu, i, rs, re);
          return -12;
        }
        d.pages[pageIdx(pcpu, cpu, i)] = pfn;
      }
    }
    // pcpu_map_pages (+ local aliases)
    long pageSize = pcpu.pageSize();
    for (int cpu = 0; cpu < cpus; cpu++) {
      int idx = pageIdx(pcpu, cpu, rs);
      int err = m.kpt().mapSharedPages(pcpu.chunkAddr(chunk, cpu, rs), d.pages, idx, n, prot);
      if (err >= 0 && chunk.localBase != 0) {
        err = m.kpt().mapPrivatePages(cpu, chunk.localBase + rs * pageSize, d.pages, idx, n, prot);
        if (err < 0) {
          m.kpt().unmapShared(pcpu.chunkAddr(chunk, cpu, rs), n * pageSize);
        }
      }
      if (err < 0) {
        for (int c = 0; c < cpu; c++) {
          m.kpt().unmapShared(pcpu.chunkAddr(chunk, c, rs), n * pageSize);
          if (chunk.localBase != 0) {
            m.kpt().unmapPrivate(c, chunk.localBase + rs * pageSize, n * pageSize);
          }
        }
        // pcpu_map_pages' error path: pcpu_post_unmap_tlb_flush, the local range included
        postUnmapTlbFlush(pcpu, chunk, rs, re);
        freePages(pcpu, d, cpus, re, rs, re);
        return err;
      }
    }
    for (int cpu = 0; cpu < cpus; cpu++) {
      for (int i = rs; i < re; i++) {
        pagePrivate.put(d.pages[pageIdx(pcpu, cpu, i)], chunk);
      }
    }
    return 0;
  }

  /** Frees the pages allocated so far: all of CPUs before {@code uptoCpu}, then up to page i. */
  private void freePages(PercpuAllocator pcpu, VmData d, int uptoCpu, int uptoPage, int rs,
      int re) {
    for (int cpu = 0; cpu <= uptoCpu && cpu < pcpu.nrCpus(); cpu++) {
      int end = cpu < uptoCpu ? re : uptoPage;
      for (int i = rs; i < end; i++) {
        int idx = pageIdx(pcpu, cpu, i);
        m.allocator().freePages(d.pages[idx], 0);
        d.pages[idx] = 0;
      }
    }
  }

  @Override
  public void depopulate(PercpuAllocator pcpu, PcpuChunk chunk, int rs, int re) {
    VmData d = (VmData) chunk.data;
    long pageSize = pcpu.pageSize();
    long bytes = (re - rs) * pageSize;
    for (int cpu = 0; cpu < pcpu.nrCpus(); cpu++) {
      m.kpt().unmapShared(pcpu.chunkAddr(chunk, cpu, rs), bytes);
      if (chunk.localBase != 0) {
        m.kpt().unmapPrivate(cpu, chunk.localBase + rs * pageSize, bytes);
      }
      for (int i = rs; i < re; i++) {
        int idx = pageIdx(pcpu, cpu, i);
        pagePrivate.remove(d.pages[idx]);
        m.allocator().freePages(d.pages[idx], 0);
        d.pages[idx] = 0;
      }
    }
  }

  @Override
  public void postUnmapTlbFlush(PercpuAllocator pcpu, PcpuChunk chunk, int rs, int re) {
    long s = pcpu.chunkAddr(chunk, pcpu.lowUnitCpu(), rs);
    long e = pcpu.chunkAddr(chunk, pcpu.highUnitCpu(), re);
    m.cpus().flushKernelRange(s, e - s);
    if (chunk.localBase != 0) {
      m.cpus().flushKernelRange(chunk.localBase + rs * pcpu.pageSize(),
          (re - rs) * pcpu.pageSize());
      localBroadcastFlushes++;
    }
  }

  @Override
  public PcpuChunk chunkOfAddress(PercpuAllocator pcpu, long addr) {
    long pa = m.engine().translate(m.kpt().swapperPgd(), addr);
    return pa < 0 ? null : pagePrivate.get(pa >>> pcpu.pageShift());
  }

  /**
   * The frame populate mapped at {@code pcpu_chunk_addr(chunk, cpu, page)}, or 0 when that page is
   * not populated or the chunk is not one of this backend's vm chunks (the first chunk).
   */
  public long unitPagePfn(PercpuAllocator pcpu, PcpuChunk chunk, int cpu, int page) {
    if (!(chunk.data instanceof VmData d) || page < 0 || page >= pcpu.unitPages()) {
      return 0;
    }
    return d.pages[pageIdx(pcpu, cpu, page)];
  }

  /** {@link #clearArea} on every CPU; for a vm chunk one pass over its unit page array. */
  @Override
  public void clearAreas(PercpuAllocator pcpu, PcpuChunk chunk, int off, int size) {
    if (!(chunk.data instanceof VmData d)) {
      PcpuChunkBackend.super.clearAreas(pcpu, chunk, off, size);
      return;
    }
    int shift = pcpu.pageShift();
    long pageMask = pcpu.pageSize() - 1;
    int unitPages = pcpu.unitPages();
    int end = off + size;
    int firstPage = off >>> shift;
    int lastPage = (end - 1) >>> shift;
    PhysMem mem = m.mem();
    long[] pages = d.pages;
    for (int cpu = 0; cpu < pcpu.nrCpus(); cpu++) {
      int idx = pcpu.unitMap(cpu) * unitPages;
      for (int page = firstPage; page <= lastPage; page++) {
        int from = Math.max(off, page << shift);
        int to = (int) Math.min(end, ((long) page + 1) << shift);
        mem.zero((pages[idx + page] << shift) + (from & pageMask), to - from);
      }
    }
  }

  @Override
  public void clearArea(PercpuAllocator pcpu, PcpuChunk chunk, int cpu, int off, int size) {
    int shift = pcpu.pageShift();
    long pageMask = pcpu.pageSize() - 1;
    for (int o = off; o < off + size; ) {
      int page = o >>> shift;
      long pa;
      if (chunk.data instanceof VmData d) {
        pa = (d.pages[pageIdx(pcpu, cpu, page)] << shift) + (o & pageMask);
      } else {
        // the first chunk: linear map (embed) or vmalloc (page first chunk). The kernel's memset
        // goes through the MMU; this walk only finds the frame, so it is not counted as kernel
        // page-table work (it was, before: chunkPageTableCycles included it)
        pa = m.engine().translateUncounted(m.kpt().swapperPgd(),
            pcpu.chunkAddr(chunk, cpu, 0) + o);
      }
      int n = (int) Math.min(off + size - o, pcpu.pageSize() - (o & pageMask));
      m.mem().zero(pa, n);
      o += n;
    }
  }

}
