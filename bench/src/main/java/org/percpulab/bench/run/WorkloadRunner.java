package org.percpulab.bench.run;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.percpulab.bench.workload.KernelEvent;
import org.percpulab.bench.workload.KernelModel;
import org.percpulab.bench.workload.ModelledKernel;
import org.percpulab.bench.workload.Workload;
import org.percpulab.core.spi.OpMode;

/**
 * Runs a workload's event stream on freshly booted machines, baseline then local map, and
 * collects the figures. Every event is executed by {@link ModelledKernel} on the machine; nothing
 * is computed from a formula except the rest-of-kernel cycles ({@link SysCostModel}).
 */
public final class WorkloadRunner {
  private final KernelModelFactory factory;
  private final SysCostModel sysCosts;
  private final int nodes;
  private final long seed;
  private final Progress progress;
  private boolean inOpInterrupts = true;

  public WorkloadRunner(KernelModelFactory factory, SysCostModel sysCosts, int nodes, long seed,
      Progress progress) {
    this.factory = factory;
    this.sysCosts = sysCosts;
    this.nodes = nodes;
    this.seed = seed;
    this.progress = progress;
  }

  /** Whether runs model interrupts inside the ops ({@link InOpInterrupts}; default true). */
  void setInOpInterrupts(boolean on) {
    this.inOpInterrupts = on;
  }

  public RunResult run(Workload w) {
    ModeResult base = runMode(w, OpMode.BASELINE);
    ModeResult local = localMapAvailable() ? runMode(w, OpMode.LOCAL_MAP) : null;
    return combine(w, base, local);
  }

  /** Whether the factory's machines can run the local map (else its cell is not run). */
  public boolean localMapAvailable() {
    return factory.localMapUnavailable().isEmpty();
  }

  /**
   * The run result of the two mode cells of {@code w}, run separately ({@link #runMode}); a null
   * {@code local} when the local map is not available gives the baseline's figures marked so.
   */
  public RunResult combine(Workload w, ModeResult base, ModeResult local) {
    java.util.Optional<String> why = factory.localMapUnavailable();
    if (why.isPresent() || local == null) {
      local = base.unavailable("local map not available on " + factory.arch() + ": "
          + why.orElse("not run") + "; figures are the baseline's");
    }
    return new RunResult(w.name(), w.models(), w.scaling(), w.params(), factory.arch(),
        factory.cpus(), seed, base, local, sysCosts.table());
  }

  /**
   * One fresh machine per access in {@code accesses} (offset is run first whether listed or not),
   * each with its modelled path cycles and memory.
   *
   * @throws IllegalArgumentException (one line) for an access the backend does not support
   */
  public AccessRunResult runAccesses(Workload w, java.util.List<OpMode> accesses) {
    return runAccesses(w, accesses, java.util.Map.of());
  }

  /**
   * {@link #runAccesses(Workload, java.util.List)} reusing results already run on this factory
   * with the same workload and seed ({@code known}: e.g. the suite's offset and local-map runs).
   */
  public AccessRunResult runAccesses(Workload w, java.util.List<OpMode> accesses,
      java.util.Map<OpMode, ModeResult> known) {
    java.util.List<OpMode> order = new java.util.ArrayList<>();
    order.add(OpMode.BASELINE);
    for (OpMode m : accesses) {
      if (!factory.accesses().contains(m)) {
        throw new IllegalArgumentException("option '--access': value '" + m.accessName()
            + "' is not supported by " + factory.arch() + "; allowed: " + names(factory));
      }
      java.util.Optional<String> unavailable = factory.accessUnavailable(m);
      if (unavailable.isPresent()) {
        throw new IllegalArgumentException("option '--access': " + m.accessName() + " is not "
            + "available on " + factory.arch() + ": " + unavailable.get());
      }
      if (!order.contains(m)) {
        order.add(m);
      }
    }
    java.util.List<AccessRunResult.Mode> modes = new java.util.ArrayList<>();
    for (OpMode m : order) {
      ModeResult r = known.containsKey(m) ? known.get(m) : runMode(w, m);
      long path = factory.costs() == null ? 0 : AccessPathCosts.cycles(m, factory.arch(),
          factory.costs(), AccessRunResult.events(r));
      long mem = factory.privatePageBytes(m);
      modes.add(new AccessRunResult.Mode(m, r, path, mem));
    }
    return new AccessRunResult(w.name(), factory.arch(), factory.cpus(), seed, w.params(),
        factory.preempt(), modes, sysCosts.table());
  }

  /** The supported access names joined with |. */
  public static String names(KernelModelFactory f) {
    StringBuilder sb = new StringBuilder();
    for (OpMode m : OpMode.values()) {
      if (f.accesses().contains(m)) {
        sb.append(sb.length() == 0 ? "" : "|").append(m.accessName());
      }
    }
    return sb.toString();
  }

  /** One mode on a fresh machine. */
  public ModeResult runMode(Workload w, OpMode mode) {
    long t0 = System.nanoTime();
    KernelModel km = factory.boot(mode);
    KernelModel.ModelStats boot = km.stats();
    PathAttribution paths = new PathAttribution(km);
    ModelledKernel mk = new ModelledKernel(paths, nodes);
    w.configure(mk);
    mk.setTranslationRoots(TranslationRootCosts.of(km));
    InOpInterrupts irqs = inOpInterrupts && km instanceof PercpuKernelModel p
        ? p.installInterrupts(seed) : null;
    long[] peak = new long[4];
    sample(km, peak);
    progress.start(w.name() + " " + factory.arch() + " " + modeName(mode), w.expectedEvents());
    long n = 0;
    Iterator<KernelEvent> it = w.events(seed);
    while (it.hasNext()) {
      KernelEvent e = it.next();
      try {
        paths.enter(e.type());
        if (irqs != null) {
          irqs.event(e.type(), e.task(), e.cpu(),
              e.type() == KernelEvent.Type.MIGRATE ? mk.taskCpu(e.task()) : -1,
              sysCosts.cycles(e.type()));
        }
        mk.execute(e);
      } catch (IllegalStateException ex) {
        String m = String.valueOf(ex.getMessage());
        if (m.contains("ENOMEM") || m.contains("raise mm.memory")) {
          progress.finish();
          throw new SimulatedOutOfMemory(w.name(), modeName(mode), n, w.expectedEvents(), m);
        }
        throw ex;
      }
      if (mk.failedAllocations() != 0) {
        progress.finish();
        throw new SimulatedOutOfMemory(w.name(), modeName(mode), n + 1, w.expectedEvents(),
            "an alloc_percpu returned NULL");
      }
      if (e.type() == KernelEvent.Type.SAMPLE || e.type() == KernelEvent.Type.BALANCE) {
        sample(km, peak);
      }
      if ((++n & 1023) == 0) {
        progress.update(n);
      }
    }
    sample(km, peak);
    progress.finish();
    KernelModel.ModelStats end = km.stats();
    long digest = mk.digest();
    long opCycles = mk.opStats().totalCycles();
    long ptCycles = end.chunkPageTableCycles() - boot.chunkPageTableCycles();
    long irqPath = irqs == null ? 0 : irqs.pathCycles();
    long percpu = opCycles + ptCycles + irqPath;
    Map<String, Long> events = new LinkedHashMap<>();
    for (Map.Entry<KernelEvent.Type, Long> e : mk.eventCounts().entrySet()) {
      events.put(e.getKey().name(), e.getValue());
    }
    long sys = percpu + sysCosts.cycles(mk.eventCounts(), mk.zappedPages());
    return new ModeResult(true, "", mk.opStats().totalOps(), mk.opStats().totalInstructions(),
        opCycles, ptCycles, percpu, sys, mk.opStats().byType(),
        end.tlbHits() - boot.tlbHits(), end.tlbMisses() - boot.tlbMisses(),
        end.chunksCreated() - boot.chunksCreated(), end.chunksDestroyed() - boot.chunksDestroyed(),
        peak[0], peak[1], peak[2], peak[3], mk.allocations(), mk.failedAllocations(), mk.frees(),
        events, mk.zappedPages(), mk.perCpuPtrAccesses(), mk.skippedPerCpuStores(), digest, (System.nanoTime() - t0) / 1_000_000,
        paths.byPath(), km.layout(), km.unitSize(),
        mk.memcgsCreated() == 0 ? 0 : mk.memcgObjectBytes() / mk.memcgsCreated(),
        mk.translationRoots().figures(), irqs == null ? Map.of() : irqs.figures());
  }

  private static void sample(KernelModel km, long[] peak) {
    KernelModel.ModelStats s = km.stats();
    peak[0] = Math.max(peak[0], s.percpuBytes());
    peak[1] = Math.max(peak[1], s.localMapVirtualBytes());
    peak[2] = Math.max(peak[2], s.perCpuPageTableBytes());
    peak[3] = Math.max(peak[3], s.pageTableBytesTotal());
  }

  public static String modeName(OpMode m) {
    return m == OpMode.BASELINE ? "baseline" : m == OpMode.LOCAL_MAP ? "localMap"
        : m.accessName();
  }
}
