package org.percpulab.bench.run;

import java.util.Optional;
import org.percpulab.bench.workload.KernelModel;
import org.percpulab.core.boot.BootContext;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.cpu.Tlb;
import org.percpulab.core.exec.MicroOpExecutor;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PageAllocator;
import org.percpulab.core.mem.PhysMem;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.mm.percpu.PerCpuPtrToPhys;
import org.percpulab.mm.percpu.PercpuSystem;
import org.percpulab.mm.percpu.ThisCpuEngine;

/**
 * {@link KernelModel} over the real simulator: a {@link Machine} (core) booted with
 * {@code percpu.localMap} off or on, {@link PercpuSystem} (mm-percpu over mm-vmalloc) for
 * alloc_percpu/free_percpu/per_cpu_ptr/balance, and each this_cpu op run by mm-percpu's
 * {@link ThisCpuEngine}: the backend's micro-op sequence for the mode executed by core's
 * {@link MicroOpExecutor} on the CPU (real translation through that CPU's TLB and page table, real
 * reads and writes of the percpu memory; the __this_cpu debug check).
 *
 * <p>per_cpu_ptr reads and writes (not this_cpu ops) are plain memory accesses at the
 * global address translated through swapper_pg_dir, without TLB effects and not counted in the
 * percpu cycles.
 *
 * <p>Chunk page-table cycles are derived from counted events, each priced by the backend's cost
 * table: software descriptor reads (PT_READ; all descriptor reads minus the hardware walks'),
 * descriptor writes (PT_WRITE), page-table pages allocated (PAGE_ALLOC), TLB flushes (TLBI_VA per
 * range or local flush, TLBI_ALL per full flush). In these workloads only percpu chunk create,
 * populate, depopulate and destroy (and vmalloc's lazy purge of chunk areas) touch kernel page
 * tables.
 */
public final class PercpuKernelModel implements KernelModel {
  private final Machine m;
  private final PercpuSystem sys;
  private final OpMode mode;
  private final ThisCpuEngine engine;
  private InOpInterrupts irqs;
  /** What {@link #op} executed, from the deltas of each op's sequence counts (O(1) per op). */
  private long opInstructions;
  private long opCycles;
  private final CostTable costs;
  private final long pageSize;
  private long ptrWalkReads;
  /** per_cpu_ptr to PA in dynamic chunks without a walk (the first chunk: {@link #pa}'s walk). */
  private final PerCpuPtrToPhys toPhys;

  PercpuKernelModel(Machine m, OpMode mode) {
    this.m = m;
    this.mode = mode;
    this.sys = PercpuSystem.boot(m);
    this.engine = new ThisCpuEngine(sys, mode);
    this.toPhys = new PerCpuPtrToPhys(sys.allocator());
    this.costs = m.model().costs();
    this.pageSize = m.geometry().pageSize();
  }

  /** Boots machines for {@code ctx}'s config: one per mode, fresh each time. */
  static KernelModelFactory factory(BootContext ctx) {
    final ArchBackend backend = ctx.backend();
    final Config base = ctx.config();
    final int cpus = ctx.topology().cpus();
    org.percpulab.core.machine.LocalMapGate gate = org.percpulab.core.machine.LocalMapGate.decide(
        backend, ctx.topology(), "auto", base);
    final Optional<String> why = gate.active() ? Optional.empty() : Optional.of(gate.reason());
    org.percpulab.core.machine.LocalMapGate asked = org.percpulab.core.machine.LocalMapGate.decide(
        backend, ctx.topology(), "auto", ConfigLoader.applySet(base, "percpu.access="
            + OpMode.LOCAL_MAP.accessName()));
    final Optional<String> whyAsked = asked.active() ? Optional.empty()
        : Optional.of(asked.reason());
    if (gate.active()) {
      // a stride that cannot fit is a one-line error before any machine boots
      org.percpulab.mm.percpu.PcpuPackedPlan.decide(ctx.model(), cpus, base);
    }
    final java.util.Map<OpMode, Long> privateBytes =
        new java.util.concurrent.ConcurrentHashMap<>();
    return new KernelModelFactory() {
      @Override
      public String arch() {
        return backend.id();
      }

      @Override
      public int cpus() {
        return cpus;
      }

      @Override
      public Optional<String> localMapUnavailable() {
        return why;
      }

      @Override
      public Optional<String> accessUnavailable(OpMode access) {
        return access == OpMode.LOCAL_MAP ? whyAsked : Optional.empty();
      }

      @Override
      public KernelModel boot(OpMode mode) {
        Config c = ConfigLoader.applySet(base, "percpu.access=" + mode.accessName());
        c = ConfigLoader.applySet(c,
            "percpu.localMap=" + (mode == OpMode.LOCAL_MAP ? "on" : "off"));
        Machine booted = Machine.create(backend, c);
        privateBytes.put(mode, booted.privatePageBytes());
        return new PercpuKernelModel(booted, mode);
      }

      @Override
      public long privatePageBytes(OpMode mode) {
        return privateBytes.getOrDefault(mode, 0L);
      }

      @Override
      public org.percpulab.core.spi.CostTable costs() {
        return ctx.model().costs();
      }

      @Override
      public org.percpulab.core.spi.Geometry geometry() {
        return ctx.model().geometry();
      }

      @Override
      public String preempt() {
        return org.percpulab.core.spi.PreemptModel.from(base).label();
      }

      @Override
      public java.util.Set<OpMode> accesses() {
        return backend.accesses();
      }
    };
  }

  /** Interrupts landing inside the ops ({@link InOpInterrupts}), seeded from {@code seed}. */
  InOpInterrupts installInterrupts(long seed) {
    Cpu[] cs = new Cpu[m.cpus().count()];
    for (int i = 0; i < cs.length; i++) {
      cs[i] = m.cpu(i);
    }
    irqs = new InOpInterrupts(engine, m.executor(), cs, costs, seed);
    return irqs;
  }

  public PercpuSystem percpu() {
    return sys;
  }

  public Machine machine() {
    return m;
  }

  @Override
  public int cpus() {
    return m.cpus().count();
  }

  @Override
  public long alloc(int size, int align, boolean atomic) {
    return sys.alloc(size, align, atomic);
  }

  @Override
  public void free(long ptr) {
    sys.free(ptr);
  }

  @Override
  public long op(int cpu, ThisCpuOp op, OpForm form, int size, long ptr, long value,
      long expected) {
    long i0 = engine.instructions(op, form, size);
    long c0 = engine.cycles(op, form, size);
    long r = irqs != null ? irqs.op(cpu, op, form, size, ptr, value, expected)
        : engine.op(cpu, op, form, size, ptr, value, expected);
    opInstructions += engine.instructions(op, form, size) - i0;
    opCycles += engine.cycles(op, form, size) - c0;
    return r;
  }

  @Override
  public void preemptDisable(int cpu) {
    m.cpu(cpu).preemptDisable();
  }

  @Override
  public void preemptEnable(int cpu) {
    m.cpu(cpu).preemptEnableNoResched();
  }

  /**
   * Simulator shortcut for per_cpu_ptr accesses: recent page translations through swapper, valid
   * while no descriptor was written since ({@link PageTableEngine#writes()} unchanged). A hit skips
   * the walk and its reads, which these accesses leave out of the figures anyway.
   */
  private static final int XLAT_SLOTS = 1024;
  private final long[] xlatVa = new long[XLAT_SLOTS];
  private final long[] xlatPa = new long[XLAT_SLOTS];
  /** {@link PageTableEngine#writes()} when the slot was filled. */
  private final long[] xlatStamp = new long[XLAT_SLOTS];

  {
    java.util.Arrays.fill(xlatStamp, -1L);
  }

  private long pa(long ptr, int cpu) {
    long direct = toPhys.pa(ptr, cpu);
    if (direct >= 0) {
      return direct;
    }
    long va = sys.perCpuPtr(ptr, cpu);
    long off = va & (pageSize - 1);
    long vpage = va - off;
    long w = m.engine().writes();
    int slot = (int) (vpage >>> Long.numberOfTrailingZeros(pageSize)) & (XLAT_SLOTS - 1);
    if (xlatVa[slot] == vpage && xlatStamp[slot] == w) {
      return xlatPa[slot] + off;
    }
    long pa = m.engine().translate(m.kpt().swapperPgd(), va);
    ptrWalkReads += m.engine().fastReads();
    if (pa < 0) {
      throw new IllegalStateException("per_cpu_ptr(0x" + Long.toHexString(ptr) + ", " + cpu
          + ") = 0x" + Long.toHexString(va) + " is not mapped");
    }
    xlatVa[slot] = vpage;
    xlatPa[slot] = pa - off;
    xlatStamp[slot] = w;
    return pa;
  }

  @Override
  public long read(long ptr, int cpu, int size) {
    return m.mem().read(pa(ptr, cpu), size);
  }

  @Override
  public void readEveryCpu(long ptr, int size, long[] out) {
    if (toPhys.paEveryCpu(ptr, out)) {
      PhysMem mem = m.mem();
      for (int c = 0; c < out.length; c++) {
        out[c] = mem.read(out[c], size);
      }
      return;
    }
    for (int c = 0; c < out.length; c++) {
      out[c] = read(ptr, c, size);
    }
  }

  @Override
  public void write(long ptr, int cpu, int size, long value) {
    m.mem().write(pa(ptr, cpu), size, value);
  }

  @Override
  public void balance() {
    sys.balance();
  }

  @Override
  public long opInstructions() {
    return opInstructions;
  }

  @Override
  public long opCycles() {
    return opCycles;
  }

  @Override
  public String layout() {
    return sys.layoutName();
  }

  @Override
  public long unitSize() {
    return sys.allocator().unitSize();
  }

  @Override
  public ModelStats stats() {
    long hits = 0;
    long misses = 0;
    for (Tlb t : m.cpus().tlbs()) {
      hits += t.hits();
      misses += t.misses();
    }
    PageAllocator a = m.allocator();
    long localVa = sys.localArea() == null ? 0 : sys.localArea().bytesInUse();
    return new ModelStats(hits, misses, sys.allocator().chunksCreated(),
        sys.allocator().chunksDestroyed(),
        sys.allocator().nrPopulated() * sys.allocator().nrUnits() * pageSize, localVa,
        a.perCpuTablePages() * pageSize, (a.perCpuTablePages() + a.sharedTablePages()) * pageSize,
        chunkPageTableCycles());
  }

  /** O(1): every count is machine-wide (the CPUs' hardware walk reads included). */
  @Override
  public long chunkPageTableCycles() {
    PageTableEngine e = m.engine();
    long hwReads = m.cpus().walkLevelReads();
    return (e.reads() - hwReads - ptrWalkReads) * costs.cycles(CostClass.PT_READ)
        + e.writes() * costs.cycles(CostClass.PT_WRITE)
        + e.tablesAllocated() * costs.cycles(CostClass.PAGE_ALLOC)
        + (m.cpus().broadcastRangeFlushes() + m.cpus().localFlushes())
            * costs.cycles(CostClass.TLBI_VA)
        + m.cpus().broadcastAllFlushes() * costs.cycles(CostClass.TLBI_ALL);
  }
}
