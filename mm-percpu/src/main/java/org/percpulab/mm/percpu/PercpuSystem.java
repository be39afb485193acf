package org.percpulab.mm.percpu;

import java.util.List;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.PerCpuAreaSpec;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.core.spi.Region;
import org.percpulab.mm.vmalloc.Caller;
import org.percpulab.mm.vmalloc.VmStruct;
import org.percpulab.mm.vmalloc.Vmalloc;

/**
 * setup_per_cpu_areas on a booted {@link Machine} and the percpu API the simulator uses: uses
 * vmalloc over the machine (mm-vmalloc's Vmalloc.boot unless given), the percpu-vm chunk backend,
 * the first chunk the backend's {@link PerCpuAreaSpec} names, {@code __per_cpu_offset[]} into each
 * CPU, and, when the machine's local map is active, the local area with the first chunk's unit
 * range mapped into every CPU's own pgd and {@code __per_cpu_local_off}.
 *
 * <p>First chunk: embed puts one memblock block per group top-down in RAM (memblock allocates
 * top-down) and uses it through the linear map; page (pcpu_page_first_chunk) allocates every unit
 * page separately and maps the units into vmalloc space, at the bottom (vm_area_register_early)
 * without the local map.
 *
 * <p>{@code __per_cpu_local_off} is one constant for every chunk: {@code pcpu_base_addr −
 * __per_cpu_start + W}, where W is the local area's size ({@link PcpuLocalArea}). A percpu pointer
 * {@code p} addresses {@code a = p + pcpu_base_addr − __per_cpu_start} in its chunk's unit 0
 * ({@code per_cpu_ptr(p, cpu) = a + unit_offset[cpu]}), so {@code p + __per_cpu_local_off = a + W}:
 * every chunk's local range is its base address shifted by W, and every chunk must therefore lie in
 * the W bytes of vmalloc space right below the local area. That rules out the embedded first
 * chunk (linear map), so with the local map the backend asks for the page first chunk, and its vm
 * area is placed top-down like pcpu_get_vm_areas (right below the local area, where the dynamic
 * chunks follow). How the series itself does this is not in the stored sources
 * (seed-and-review.md); this is the model's construction, stated in the README. That is the
 * mirror layout; {@code percpu.localLayout=packed} (the default where the backend gives a region
 * budget) instead reserves a CPU-major percpu region ({@link PcpuPackedRegion}): the first chunk
 * is slot 0 ({@link PcpuFirstChunk#packed}), {@code __per_cpu_local_off = pcpu_base_addr −
 * __per_cpu_start + (local start − region base)}, and the local ranges pack unit after unit.
 */
public final class PercpuSystem {
  private final Machine machine;
  private final Vmalloc vmalloc;
  private final VmChunkBackend backend;
  private final PercpuAllocator pcpu;
  private final PcpuLocalArea local;
  private final PcpuPackedPlan plan;
  private final PcpuPackedRegion region;
  private final List<String> bootLog;
  private final long perCpuLocalOff;
  private final long firstLocalBase;
  /** The page first chunk's unit pages (pcpu_page_idx order), null for embed. */
  private final long[] firstChunkPages;

  private PercpuSystem(Machine m, Vmalloc vmalloc) {
    this.machine = m;
    long pageSize = m.geometry().pageSize();
    this.vmalloc = vmalloc;
    PerCpuAreaSpec spec = m.model().perCpuAreas();
    boolean pageFc = spec.firstChunk() == PerCpuAreaSpec.FirstChunk.PAGE;
    PcpuLocalArea la = null;
    PcpuPackedPlan p = null;
    PcpuPackedRegion rg = null;
    if (m.localMapActive()) {
      if (!pageFc) {
        throw new IllegalStateException("percpu: the local map needs the page first chunk (one "
            + "__per_cpu_local_off for the first and the dynamic chunks); the backend chose embed");
      }
      p = PcpuPackedPlan.decide(m.model(), m.cpus().count(), m.config());
      Region r = m.kpt().localArea();
      long unit = PcpuFirstChunk.allocInfo(spec, pageSize, nodes(spec) > 1).unitSize;
      if (p.layout() == PcpuLocalLayout.PACKED) {
        long base = reserveRegion(p);
        rg = new PcpuPackedRegion(base, m.cpus().count(), p.stride(), unit, pageSize, vmalloc);
        la = new PcpuLocalArea(r.start(), r.start() + p.stride(), unit, r.start() - base);
      } else {
        la = new PcpuLocalArea(r.start(), r.end(), unit);
      }
    }
    this.plan = p;
    this.region = rg;
    this.local = la;
    this.backend = new VmChunkBackend(m, vmalloc, la, rg);
    this.pcpu = new PercpuAllocator(pageSize, backend);
    PcpuFirstChunk.Boot boot;
    if (rg != null) {
      long base = rg.base();
      boot = PcpuFirstChunk.packed(pcpu, spec, p.stride(), bytes -> base);
      rg.takeFirst();
    } else {
      boot = pageFc
          ? PcpuFirstChunk.page(pcpu, spec, this::pageFirstChunkArea)
          : PcpuFirstChunk.embed(pcpu, spec, nodes(spec) > 1, this::memblockPlace);
    }
    this.bootLog = boot.log();
    for (int cpu = 0; cpu < pcpu.nrCpus(); cpu++) {
      m.cpu(cpu).setPerCpuOffset(pcpu.perCpuOffset(cpu));
    }
    m.syncPrivatePages();
    long prot = m.model().descriptors().prot(ProtKind.KERNEL);
    firstChunkPages = pageFc ? mapPageFirstChunk(prot) : null;
    if (la != null) {
      firstLocalBase = la.rangeOf(pcpu.baseAddr());
      if (!la.reserve(pcpu.baseAddr())) {
        throw new IllegalStateException(String.format("percpu: first chunk at 0x%016x lies below "
            + "the percpu window 0x%016x", pcpu.baseAddr(), la.windowStart()));
      }
      int unitPages = pcpu.unitPages();
      for (int cpu = 0; cpu < pcpu.nrCpus(); cpu++) {
        int err = m.kpt().mapPrivatePages(cpu, firstLocalBase, firstChunkPages,
            pcpu.unitMap(cpu) * unitPages, unitPages, prot);
        if (err < 0) {
          throw new IllegalStateException("percpu: out of memory mapping the first chunk's local"
              + " range for cpu " + cpu);
        }
      }
      vmalloc.registerLocalArea(firstLocalBase, firstLocalBase + pcpu.unitSize(),
          "percpu-first-chunk", Caller.of("setup_per_cpu_areas"));
      perCpuLocalOff = pcpu.baseAddr() - spec.perCpuStart() + la.shift();
      m.cpus().setPerCpuLocalOff(perCpuLocalOff);
    } else {
      firstLocalBase = 0;
      perCpuLocalOff = 0;
    }
  }

  /**
   * The packed layout's percpu region: {@code cpus × stride} bytes reserved as one vm area
   * (VM_ALLOC, caller pcpu_packed_region) top-down from VMALLOC_END, i.e. right below the local
   * area, aligned to the stride's lowest set bit, so that vmalloc never hands its VA out. It is the
   * region's one /proc/vmallocinfo line; its chunks add none.
   */
  private long reserveRegion(PcpuPackedPlan p) {
    long align = Math.max(Long.lowestOneBit(p.stride()), machine.geometry().pageSize());
    VmStruct[] vms = vmalloc.pcpuGetVmAreas(new long[] {0}, new long[] {p.regionBytes()}, align,
        Caller.of("pcpu_packed_region"));
    if (vms == null) {
      throw new IllegalStateException("percpu: no " + p.regionBytes() + " bytes of vmalloc space"
          + " for the packed percpu region");
    }
    return vms[0].addr();
  }

  /**
   * The page first chunk's vm area: vm_area_register_early (lowest fit from VMALLOC_START) in the
   * kernel; with the local map, top-down from VMALLOC_END like pcpu_get_vm_areas so that it lies in
   * the percpu window.
   */
  private long pageFirstChunkArea(long bytes) {
    long pageSize = machine.geometry().pageSize();
    if (local == null) {
      return vmalloc.registerEarly(bytes, pageSize).addr();
    }
    VmStruct[] vms = vmalloc.pcpuGetVmAreas(new long[] {0}, new long[] {bytes}, pageSize,
        Caller.of("setup_per_cpu_areas"));
    if (vms == null) {
      throw new IllegalStateException("percpu: no " + bytes + " bytes of vmalloc space for the "
          + "first chunk");
    }
    return vms[0].addr();
  }

  /**
   * pcpu_page_first_chunk's page allocation and mapping: every unit page taken on its own from
   * memblock (pcpu_fc_alloc, top-down in RAM like the embed blocks, reserved for good), the page
   * tables populated and the units mapped into the shared kernel tables. A failure here is the
   * kernel's boot-time panic.
   */
  private long[] mapPageFirstChunk(long prot) {
    int unitPages = pcpu.unitPages();
    long[] pages = new long[pcpu.nrUnits() * unitPages];
    long pageSize = machine.geometry().pageSize();
    long nextPfn = (machine.mem().startPa() + machine.mem().bytes()) / pageSize - 1;
    long lowPfn = machine.mem().startPa() / pageSize;
    for (int cpu = 0; cpu < pcpu.nrCpus(); cpu++) {
      int idx = pcpu.unitMap(cpu) * unitPages;
      for (int i = 0; i < unitPages; i++) {
        while (nextPfn >= lowPfn && !machine.allocator().isFree(nextPfn)) {
          nextPfn--;
        }
        if (nextPfn < lowPfn) {
          throw new IllegalStateException("percpu: failed to allocate the page first chunk's "
              + "pages for cpu " + cpu);
        }
        machine.allocator().reserve(nextPfn, 1);
        pages[idx + i] = nextPfn--;
      }
      int err = machine.kpt().mapSharedPages(pcpu.baseAddr() + pcpu.unitOffset(cpu), pages, idx,
          unitPages, prot);
      if (err < 0) {
        throw new IllegalStateException("percpu: out of memory mapping the page first chunk for "
            + "cpu " + cpu);
      }
    }
    return pages;
  }

  private static int nodes(PerCpuAreaSpec spec) {
    java.util.BitSet seen = new java.util.BitSet();
    for (int cpu = 0; cpu < spec.cpus(); cpu++) {
      seen.set(spec.node(cpu));
    }
    return seen.cardinality();
  }

  /** Boots percpu on {@code m} (setup_per_cpu_areas and percpu_enable_async). */
  public static PercpuSystem boot(Machine m) {
    return new PercpuSystem(m, Vmalloc.boot(m));
  }

  /** Boots percpu on {@code m} sharing an already booted vmalloc (vmalloc_init ran first). */
  public static PercpuSystem boot(Machine m, Vmalloc vmalloc) {
    return new PercpuSystem(m, vmalloc);
  }

  /** memblock_alloc_try_nid for a group block: top-down in RAM, aligned to {@code align}. */
  private long memblockPlace(int group, int node, long bytes, long align) {
    long pageSize = machine.geometry().pageSize();
    long a = Math.max(align, pageSize);
    long count = bytes / pageSize;
    long endPa = machine.mem().startPa() + machine.mem().bytes();
    for (long pa = (endPa - bytes) & -a; pa >= machine.mem().startPa(); pa -= a) {
      if (machine.allocator().tryReserve(pa / pageSize, count)) {
        return machine.layout().physToVirt(pa);
      }
    }
    throw new IllegalStateException("percpu: no " + bytes + " bytes of RAM for group " + group);
  }

  public Machine machine() { return machine; }
  public Vmalloc vmalloc() { return vmalloc; }
  public VmChunkBackend backend() { return backend; }
  public PercpuAllocator allocator() { return pcpu; }
  public PcpuLocalArea localArea() { return local; }

  /** The layout decision (null without the local map). */
  public PcpuPackedPlan layoutPlan() { return plan; }

  /** The local layout in effect: "mirror", "packed", or "none" without the local map. */
  public String layoutName() { return plan == null ? "none" : plan.layout().id(); }

  /** The packed layout's region, or null. */
  public PcpuPackedRegion packedRegion() { return region; }
  public List<String> bootLog() { return bootLog; }
  public boolean localMapActive() { return local != null; }

  /** {@code __per_cpu_local_off} (0 without the local map). */
  public long perCpuLocalOff() { return perCpuLocalOff; }

  /** Local-area base of the first chunk's unit range (0 without the local map). */
  public long firstLocalBase() { return firstLocalBase; }

  /** __alloc_percpu_gfp: a percpu pointer or 0. */
  public long alloc(long size, long align, boolean atomic) {
    return pcpu.alloc(size, align, false, atomic);
  }

  /** __alloc_reserved_percpu. */
  public long allocReserved(long size, long align) {
    return pcpu.alloc(size, align, true, false);
  }

  public void free(long ptr) {
    pcpu.free(ptr);
  }

  /**
   * this_cpu_ptr(ptr) on {@code cpu}: {@code ptr + __my_cpu_offset}, the global address of that
   * CPU's copy. The series keeps it global (never the local alias): callers compare and publish
   * these pointers.
   */
  public long thisCpuPtr(long ptr, int cpu) {
    return ptr + machine.cpu(cpu).perCpuOffset();
  }

  /** per_cpu_ptr(ptr, cpu): the global, per-CPU-distinct address. */
  public long perCpuPtr(long ptr, int cpu) {
    return pcpu.perCpuPtr(ptr, cpu);
  }

  /** The local alias of {@code ptr} (the same VA on every CPU); requires the local map. */
  public long localAlias(long ptr) {
    if (local == null) {
      throw new IllegalStateException("percpu: the local map is not active on this machine");
    }
    return ptr + perCpuLocalOff;
  }

  /** Runs the balance work if scheduled. */
  public boolean balance() {
    return pcpu.balance();
  }
}
