package org.percpulab.mm.percpu;

import java.util.List;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.PerCpuAreaSpec;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.core.spi.Region;
import org.percpulab.mm.vmalloc.Caller;
import org.percpulab.mm.vmalloc.Vmalloc;

/**
 * setup_per_cpu_areas on a booted {@link Machine} and the percpu API the simulator uses: uses
 * vmalloc over the machine (mm-vmalloc's Vmalloc.boot unless given), the percpu-vm chunk backend, the embed first chunk (memblock blocks
 * taken top-down from RAM, as memblock allocates top-down, and used through the linear map),
 * {@code __per_cpu_offset[]} into each CPU, and, when the machine's local map is active, the
 * local area with the first chunk's unit range mapped into every CPU's own pgd and
 * {@code __per_cpu_local_off}.
 *
 * <p>{@code __per_cpu_local_off} = (local-area base of the first chunk's unit) − __per_cpu_start:
 * a percpu pointer is {@code __per_cpu_start + offset-in-unit} for the static area, the reserved
 * chunk and the first dynamic chunk, so {@code ptr + __per_cpu_local_off} is the same offset inside
 * the local range, which CPU n's pgd maps to CPU n's own unit. The value is identical on every CPU.
 * The reserved chunk shares the first chunk's unit range (they share one unit in the kernel too).
 * A dynamic chunk's local range is placed by {@link PcpuLocalArea} wherever there is room, which is
 * not congruent with its vmalloc address; {@link #localAlias} therefore adds that chunk's
 * displacement ({@link #localDelta}), zero for the first and reserved chunks. How the series keeps
 * one constant valid for dynamic chunks is not in the stored sources (seed-and-review.md).
 */
public final class PercpuSystem {
  private final Machine machine;
  private final Vmalloc vmalloc;
  private final VmChunkBackend backend;
  private final PercpuAllocator pcpu;
  private final PcpuLocalArea local;
  private final List<String> bootLog;
  private final long perCpuLocalOff;
  private final long firstLocalBase;
  /** One-entry cache for {@link #localDelta} (avoids the page walk of pcpu_chunk_addr_search). */
  private PcpuChunk lastDeltaChunk;

  private PercpuSystem(Machine m, Vmalloc vmalloc) {
    this.machine = m;
    long pageSize = m.geometry().pageSize();
    this.vmalloc = vmalloc;
    PerCpuAreaSpec spec = m.model().perCpuAreas();
    PcpuLocalArea la = null;
    if (m.localMapActive()) {
      Region r = m.kpt().localArea();
      long unit = PcpuBuildAllocInfo.build(spec, spec.reservedSize(), spec.dynamicReserve(),
          spec.atomSize(), pageSize, nodes(spec) > 1).unitSize;
      la = new PcpuLocalArea(r.start(), r.end(), unit);
    }
    this.local = la;
    this.backend = new VmChunkBackend(m, vmalloc, la);
    this.pcpu = new PercpuAllocator(pageSize, backend);
    PcpuFirstChunk.Boot boot = PcpuFirstChunk.embed(pcpu, spec, nodes(spec) > 1,
        this::memblockPlace);
    this.bootLog = boot.log();
    for (int cpu = 0; cpu < pcpu.nrCpus(); cpu++) {
      m.cpu(cpu).setPerCpuOffset(pcpu.perCpuOffset(cpu));
    }
    if (la != null) {
      firstLocalBase = la.alloc();
      long prot = m.model().descriptors().prot(ProtKind.KERNEL);
      for (int cpu = 0; cpu < pcpu.nrCpus(); cpu++) {
        long pa = m.layout().virtToPhys(pcpu.baseAddr() + pcpu.unitOffset(cpu));
        int err = m.kpt().mapPrivate(cpu, firstLocalBase, pa, pcpu.unitSize(), prot,
            m.geometry().pageShift());
        if (err < 0) {
          throw new IllegalStateException("percpu: out of memory mapping the first chunk's local"
              + " range for cpu " + cpu);
        }
      }
      vmalloc.registerLocalArea(firstLocalBase, firstLocalBase + pcpu.unitSize(),
          "percpu-first-chunk", Caller.of("setup_per_cpu_areas"));
      perCpuLocalOff = firstLocalBase - spec.perCpuStart();
      m.cpus().setPerCpuLocalOff(perCpuLocalOff);
    } else {
      firstLocalBase = 0;
      perCpuLocalOff = 0;
    }
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
      try {
        machine.allocator().reserve(pa / pageSize, count);
        return machine.layout().physToVirt(pa);
      } catch (IllegalArgumentException busy) {
        // frames in use: try the next lower block
      }
    }
    throw new IllegalStateException("percpu: no " + bytes + " bytes of RAM for group " + group);
  }

  public Machine machine() { return machine; }
  public Vmalloc vmalloc() { return vmalloc; }
  public VmChunkBackend backend() { return backend; }
  public PercpuAllocator allocator() { return pcpu; }
  public PcpuLocalArea localArea() { return local; }
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

  /** per_cpu_ptr(ptr, cpu): the global, per-CPU-distinct address. */
  public long perCpuPtr(long ptr, int cpu) {
    return pcpu.perCpuPtr(ptr, cpu);
  }

  /**
   * Displacement to add to {@code ptr + __per_cpu_local_off} to reach the local alias: 0 for the
   * first and reserved chunks; for a dynamic chunk its local range minus where the constant lands.
   */
  public long localDelta(long ptr) {
    long addr = pcpu.ptrToAddr(ptr);
    PcpuChunk c = lastDeltaChunk;
    if (c == null || !c.containsAddr(addr) || !pcpu.isLive(c)) {
      c = pcpu.chunkAddrSearch(addr);
      lastDeltaChunk = c;
    }
    if (c == null || c.localBase == 0) {
      return 0;
    }
    return c.localBase + (addr - c.baseAddr) - (ptr + perCpuLocalOff);
  }

  /** The local alias of {@code ptr} (the same VA on every CPU); requires the local map. */
  public long localAlias(long ptr) {
    if (local == null) {
      throw new IllegalStateException("percpu: the local map is not active on this machine");
    }
    return ptr + perCpuLocalOff + localDelta(ptr);
  }

  /** Runs the balance work if scheduled. */
  public boolean balance() {
    return pcpu.balance();
  }
}
