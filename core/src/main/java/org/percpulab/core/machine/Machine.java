package org.percpulab.core.machine;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.cpu.Cpus;
import org.percpulab.core.exec.MicroOpExecutor;
import org.percpulab.core.kpt.KernelPageTables;
import org.percpulab.core.mem.PageAllocator;
import org.percpulab.core.mem.PhysMem;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.BootMapping;
import org.percpulab.core.spi.BootMappings;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.MachineTopology;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.VaLayout;

/**
 * One booted machine: the backend's {@link ArchModel}, RAM ({@link PhysMem}), the page allocator,
 * the page-table engine, the kernel page tables (swapper and, with the gate active, per-CPU tables)
 * and the CPUs, as start_kernel leaves them before percpu setup (paging_init's linear map and the
 * kernel image mapping).
 *
 * <p>Boot mappings (model assumptions, stated): the linear map covers all of {@code mm.memory} from
 * PHYS_OFFSET with leaves up to the backend's {@link ArchModel#linearMapMaxShift()} (its linear-map
 * rule, e.g. pages when rodata_full / kfence need them, else the largest blocks allowed); the
 * kernel image is the first {@code min(32 MiB, RAM/4)} of RAM,
 * reserved in the page allocator and mapped ROX at page granularity at
 * {@link VaLayout#kernelImageStart()}.
 */
public final class Machine {
  private static final Logger LOG = LogManager.getLogger(Machine.class);
  /** Size of the modelled kernel image (assumption: a typical distro arm64 Image is ~30-40 MiB). */
  public static final long KERNEL_IMAGE_BYTES = 32L << 20;

  private final ArchBackend backend;
  private final ArchModel model;
  private final ConfigView config;
  private final MachineSettings settings;
  private final LocalMapGate gate;
  private final PhysMem mem;
  private final PageAllocator alloc;
  private final PageTableEngine engine;
  private final KernelPageTables kpt;
  private final Cpus cpus;
  private final MicroOpExecutor executor;
  private Region linearMap;
  private Region kernelImage;
  private long bootSharedTablePages;
  private long bootPerCpuTablePages;
  private final List<BootMapping> earlyVmAreas = new ArrayList<>();
  /** Frames of the CPU-private pages (percpu.access=private-page), by CPU; null without. */
  private long[] privatePagePfns;

  /** Assembles the parts and runs the boot mappings (see the class comment). */
  public Machine(ArchBackend backend, ArchModel model, ConfigView config, MachineSettings settings,
      LocalMapGate gate, PhysMem mem, PageAllocator alloc, PageTableEngine engine,
      KernelPageTables kpt, Cpus cpus, MicroOpExecutor executor) {
    this.backend = backend;
    this.model = model;
    this.config = config;
    this.settings = settings;
    this.gate = gate;
    this.mem = mem;
    this.alloc = alloc;
    this.engine = engine;
    this.kpt = kpt;
    this.cpus = cpus;
    this.executor = executor;
    boot();
  }

  /**
   * Validates {@code config} with the backend and boots a machine through Guice (core's
   * {@link MachineModule}, the backend's module, then {@code extra}).
   *
   * @throws IllegalArgumentException with one line per bad value when the config is rejected
   */
  public static Machine create(ArchBackend backend, ConfigView config, Module... extra) {
    try {
      return injector(backend, config, extra).getInstance(Machine.class);
    } catch (com.google.inject.ProvisionException e) {
      throw unwrap(e);
    }
  }

  private static RuntimeException unwrap(com.google.inject.ProvisionException e) {
    Throwable t = e;
    while (t instanceof com.google.inject.ProvisionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof RuntimeException r ? r : e;
  }

  /** The injector {@link #create} uses, for callers that bind more (mm modules). */
  public static Injector injector(ArchBackend backend, ConfigView config, Module... extra) {
    List<ConfigProblem> problems = new ArrayList<>();
    backend.nrCpusLimit().check(config, backend.id()).ifPresent(problems::add);
    problems.addAll(backend.validate(config));
    problems.addAll(org.percpulab.core.config.PercpuAccessKeys.problems(config, backend));
    problems.addAll(org.percpulab.core.spi.PreemptModel.problems(config));
    if (!problems.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (ConfigProblem p : problems) {
        if (sb.length() > 0) {
          sb.append('\n');
        }
        sb.append(p.message());
      }
      throw new IllegalArgumentException(sb.toString());
    }
    List<Module> modules = new ArrayList<>();
    modules.add(new MachineModule(backend, config));
    modules.add(backend.module());
    modules.addAll(List.of(extra));
    return Guice.createInjector(modules);
  }

  private void boot() {
    VaLayout layout = model.layout();
    Geometry g = model.geometry();
    long ram = mem.bytes();
    long lmStart = layout.pageOffset();
    long lmSize = clip(layout, lmStart, ram);
    java.util.Optional<BootMappings> arch = model.capability(BootMappings.class);
    if (arch.isPresent()) {
      long imageBytes = kernelImageBytes(mem);
      for (BootMapping b : arch.get().mappings(mem.startPa(), ram, imageBytes)) {
        apply(b);
      }
      if (lmSize > 0) {
        linearMap = new Region("linear map", lmStart, lmStart + lmSize);
      }
      long kimg = layout.kernelImageStart();
      kernelImage = new Region("kernel image", kimg, kimg + imageBytes);
      finishBoot(g);
      return;
    }
    if (lmSize > 0) {
      int r = kpt.mapShared(lmStart, layout.physOffset(), lmSize,
          model.descriptors().prot(ProtKind.KERNEL), model.linearMapMaxShift());
      if (r < 0) {
        throw new IllegalStateException("boot: mapping the linear map failed with " + r
            + " (raise mm.memory)");
      }
      linearMap = new Region("linear map", lmStart, lmStart + lmSize);
    }
    long kimg = layout.kernelImageStart();
    long kSize = clip(layout, kimg, kernelImageBytes(mem));
    if (kSize > 0) {
      int r = kpt.mapShared(kimg, mem.startPa(), kSize,
          model.descriptors().prot(ProtKind.KERNEL_ROX), g.pageShift());
      if (r < 0) {
        throw new IllegalStateException("boot: mapping the kernel image failed with " + r
            + " (raise mm.memory)");
      }
      kernelImage = new Region("kernel image", kimg, kimg + kSize);
    }
    finishBoot(g);
  }

  private void finishBoot(Geometry g) {
    mapPrivatePages();
    bootSharedTablePages = alloc.sharedTablePages();
    bootPerCpuTablePages = alloc.perCpuTablePages();
    LOG.debug("booted {} {} cpus={} localMap={} ({})", backend.id(), g.label(), cpus.count(),
        gate.active(), gate.reason());
  }

  /**
   * percpu.access=private-page ({@link org.percpulab.core.spi.CpuPrivatePage}): one zeroed page per
   * CPU, owned by it, mapped at the fixed VA in that CPU's own tables only.
   */
  private void mapPrivatePages() {
    java.util.Optional<org.percpulab.core.spi.CpuPrivatePage> cap = kpt.perCpuTables()
        && !kpt.localMapActive() ? model.capability(org.percpulab.core.spi.CpuPrivatePage.class)
        : java.util.Optional.empty();
    if (cap.isEmpty()) {
      return;
    }
    long va = cap.get().pageVa();
    privatePagePfns = new long[cpus.count()];
    for (int c = 0; c < cpus.count(); c++) {
      long pfn = alloc.allocPage(new org.percpulab.core.mem.PagePurpose(
          org.percpulab.core.mem.PagePurpose.Kind.OTHER, -1, c));
      if (pfn < 0) {
        throw new IllegalStateException("boot: out of memory allocating CPU " + c
            + "'s private page (raise mm.memory)");
      }
      privatePagePfns[c] = pfn;
      int r = kpt.mapPrivatePages(c, va, new long[] {pfn}, 0, 1,
          model.descriptors().prot(ProtKind.KERNEL));
      if (r < 0) {
        throw new IllegalStateException("boot: mapping CPU " + c + "'s private page failed with "
            + r + " (raise mm.memory)");
      }
      cpus.get(c).setPrivatePageVa(va);
    }
    syncPrivatePages();
  }

  /**
   * Writes each CPU's preempt_count, current and percpu offset into its private page (the model's
   * words, {@link org.percpulab.core.spi.CpuPrivatePage}); percpu setup calls it once the offsets
   * exist. No-op without private pages.
   */
  public void syncPrivatePages() {
    if (privatePagePfns == null) {
      return;
    }
    long ps = model.geometry().pageSize();
    for (int c = 0; c < privatePagePfns.length; c++) {
      long pa = privatePagePfns[c] * ps;
      Cpu cpu = cpus.get(c);
      mem.write(pa + org.percpulab.core.spi.CpuPrivatePage.PREEMPT_COUNT, 4,
          cpu.preemptCount() & 0xffff_ffffL);
      mem.write(pa + org.percpulab.core.spi.CpuPrivatePage.CURRENT, 8, cpu.currentTask());
      mem.write(pa + org.percpulab.core.spi.CpuPrivatePage.PERCPU_OFFSET, 8, cpu.perCpuOffset());
    }
  }

  /** Bytes of the CPU-private pages (percpu.access=private-page), all CPUs; 0 without them. */
  public long privatePageBytes() {
    return privatePagePfns == null ? 0 : (long) privatePagePfns.length
        * model.geometry().pageSize();
  }

  /** Physical address of CPU {@code cpu}'s private page, or -1 without private pages. */
  public long privatePagePa(int cpu) {
    return privatePagePfns == null ? -1 : privatePagePfns[cpu] * model.geometry().pageSize();
  }

  /** One {@link BootMapping} into swapper (and the per-CPU tables through the sync). */
  private void apply(BootMapping b) {
    for (Region p : kpt.privateRanges()) {
      if (Long.compareUnsigned(b.va(), p.end() - 1) <= 0
          && Long.compareUnsigned(p.start(), b.va() + b.size() - 1) <= 0) {
        throw new IllegalStateException("boot: " + b.name() + " overlaps the private range "
            + p.name());
      }
    }
    long pa = b.pa();
    switch (b.kind()) {
      case MAP:
        check(b, kpt.mapShared(b.va(), pa, b.size(), b.prot(), b.maxBlockShift()));
        break;
      case BACKED:
        pa = mapBacked(b);
        break;
      case TABLES:
        check(b, kpt.mapShared(b.va(), mem.startPa(), b.size(), b.prot(), g0()));
        check(b, kpt.unmapShared(b.va(), b.size()));
        pa = 0;
        break;
      default:
        break;
    }
    if (b.vmCaller() != null) {
      earlyVmAreas.add(new BootMapping(b.kind(), b.name(), b.va(), pa, b.size(), b.prot(),
          b.maxBlockShift(), 0, b.vmCaller(), b.vmGuard()));
    }
  }

  private int g0() {
    return model.geometry().pageShift();
  }

  private void check(BootMapping b, int r) {
    if (r < 0) {
      throw new IllegalStateException("boot: mapping " + b.name() + " failed with " + r
          + " (raise mm.memory)");
    }
  }

  /**
   * vmemmap-style backing from memblock, top-down: one buffer when it fits (sparse_buffer_init),
   * else block by block below the highest free block. Returns the buffer's PA or 0.
   */
  private long mapBacked(BootMapping b) {
    long ps = mem.pageSize();
    if (b.bufferBytes() > 0) {
      long buf = topDownFree(mem.startPa() + mem.bytes(), b.bufferBytes(), Math.max(b.pa(), ps));
      if (buf >= 0) {
        alloc.reserve(buf / ps, b.size() / ps);
        check(b, kpt.mapShared(b.va(), buf, b.size(), b.prot(), b.maxBlockShift()));
        return buf;
      }
    }
    long block = 1L << b.maxBlockShift();
    long below = mem.startPa() + mem.bytes();
    for (long off = 0; off < b.size(); off += block) {
      long pa = topDownFree(below, block, block);
      if (pa < 0) {
        throw new IllegalStateException("boot: no RAM left for " + b.name() + " (raise mm.memory)");
      }
      alloc.reserve(pa / ps, block / ps);
      check(b, kpt.mapShared(b.va() + off, pa, block, b.prot(), b.maxBlockShift()));
      below = pa;
    }
    return 0;
  }

  /** Highest {@code align}-aligned free range of {@code bytes} ending at or below {@code limit}. */
  private long topDownFree(long limit, long bytes, long align) {
    long ps = mem.pageSize();
    for (long pa = (limit - bytes) & -align; Long.compareUnsigned(pa, mem.startPa()) >= 0
        && pa + bytes <= limit; pa -= align) {
      boolean free = true;
      for (long q = pa + bytes - ps; q >= pa; q -= ps) {
        if (!alloc.isFree(q / ps)) {
          free = false;
          break;
        }
      }
      if (free) {
        return pa;
      }
      if (pa < align) {
        break;
      }
    }
    return -1;
  }

  /**
   * The early vm areas boot declared (vm_area_add_early: the kernel image segments), in order, with
   * their physical start; empty for a backend without {@link BootMappings}.
   */
  public List<BootMapping> earlyVmAreas() {
    return java.util.Collections.unmodifiableList(earlyVmAreas);
  }

  /**
   * Bytes of RAM (from its start) the modelled kernel image occupies; reserved in the page
   * allocator before anything else is allocated (memblock_reserve of the image).
   */
  public static long kernelImageBytes(PhysMem mem) {
    return kernelImageBytes(mem.bytes(), mem.pageSize());
  }

  /** {@link #kernelImageBytes(PhysMem)} for {@code ramBytes} of RAM in pages of {@code pageSize}. */
  public static long kernelImageBytes(long ramBytes, long pageSize) {
    return Math.min(KERNEL_IMAGE_BYTES, ramBytes / 4) & -pageSize;
  }

  /** Bytes from {@code start} (at most {@code want}) that stay inside the region holding it. */
  private long clip(VaLayout layout, long start, long want) {
    long pageMask = model.geometry().pageSize() - 1;
    for (Region r : layout.regions()) {
      if (r.contains(start)) {
        long room = r.end() - start;
        long size = r.end() == 0 || Long.compareUnsigned(room, want) >= 0 ? want : room;
        if (kpt.perCpuTables()) {
          size = Math.min(size, beforePrivate(start, size));
        }
        return size & ~pageMask;
      }
    }
    return 0;
  }

  private long beforePrivate(long start, long size) {
    for (Region p : kpt.privateRanges()) {
      if (Long.compareUnsigned(p.start(), start) > 0
          && Long.compareUnsigned(p.start() - start, size) < 0) {
        return p.start() - start;
      }
      if (p.contains(start)) {
        return 0;
      }
    }
    return size;
  }

  public ArchBackend backend() { return backend; }

  public String arch() { return backend.id(); }

  public ArchModel model() { return model; }

  public Geometry geometry() { return model.geometry(); }

  public VaLayout layout() { return model.layout(); }

  public ConfigView config() { return config; }

  public MachineSettings settings() { return settings; }

  public MachineTopology topology() { return cpus.topology(); }

  public LocalMapGate gate() { return gate; }

  /**
   * How this machine's this_cpu ops reach their copy ({@code percpu.access}; auto = local-map
   * when the local map is active, else offset). {@code ThisCpuEngine} runs this mode's sequences.
   */
  public org.percpulab.core.spi.OpMode access() {
    return org.percpulab.core.config.PercpuAccessKeys.mode(config, localMapActive());
  }

  /** The preemption model the sequences were built for ({@code kernel.preempt} and friends). */
  public org.percpulab.core.spi.PreemptModel preemptModel() {
    return org.percpulab.core.spi.PreemptModel.from(config);
  }

  public boolean localMapActive() { return kpt.localMapActive(); }

  public PhysMem mem() { return mem; }

  public PageAllocator allocator() { return alloc; }

  public PageTableEngine engine() { return engine; }

  public KernelPageTables kpt() { return kpt; }

  public Cpus cpus() { return cpus; }

  public Cpu cpu(int n) { return cpus.get(n); }

  public MicroOpExecutor executor() { return executor; }

  /** The linear map as booted (null if the layout has no room for it). */
  public Region linearMap() { return linearMap; }

  /** The kernel image mapping (null if the layout has no room for it). */
  public Region kernelImage() { return kernelImage; }

  /** Shared page-table pages right after boot. */
  public long bootSharedTablePages() { return bootSharedTablePages; }

  /** Per-CPU page-table pages right after boot (the per-CPU top-level tables). */
  public long bootPerCpuTablePages() { return bootPerCpuTablePages; }

  /**
   * The kernel page-table invariant ({@link KernelPageTables#verifyConsistent()}).
   *
   * @throws IllegalStateException naming the first divergence
   */
  public void verifyConsistent() {
    kpt.verifyConsistent();
  }
}
