package org.percpulab.bench.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.percpulab.bench.report.ResultsJson;
import org.percpulab.bench.run.KernelModelFactory;
import org.percpulab.bench.run.ModeResult;
import org.percpulab.bench.run.Progress;
import org.percpulab.bench.run.RunResult;
import org.percpulab.bench.run.SimulatedOutOfMemory;
import org.percpulab.core.machine.MachineConfigKeys;
import org.percpulab.core.machine.MachineSettings;
import org.percpulab.bench.run.SimulatedMachines;
import org.percpulab.bench.run.WorkloadRunner;
import org.percpulab.bench.workload.Workload;
import org.percpulab.bench.workload.Workloads;
import org.percpulab.core.boot.BootContext;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.config.CoreKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code percpu-lab run WORKLOAD}: one workload on the configured backend, local map off
 * (baseline) and on (where the backend has it; otherwise reported as not available with the
 * baseline's figures).
 */
@Command(name = "run",
    description = {"Run one workload, local map off (baseline) and on.",
        "Workloads: kernel-build, stress-vm, mmapfork, fork, memcg-create. Both modes must do the"
            + " same work: a run in which an allocation fails (mm.memory too small) stops with one"
            + " error line naming the mm.memory that fits (exit 1)."})
public final class RunCommand extends BaseCommand {

  /** Test seam: how a factory is made for a booted config. */
  static Function<BootContext, KernelModelFactory> factories = SimulatedMachines::factory;

  @Parameters(index = "0", paramLabel = "WORKLOAD", description = "Workload name.")
  String workload;

  /** Upper bound of {@code --count} (a fork run of this size takes minutes). */
  static final long MAX_COUNT = 1_000_000;

  @Option(names = "--count", paramLabel = "N",
      description = "The workload's main count, 0..1000000 (kernel-build: processes, stress-vm:"
          + " cycles, mmapfork: ops, fork: forks, memcg-create: memcgs).")
  @Bounds(min = 0, max = MAX_COUNT)
  Long count;

  @Option(names = "--live", paramLabel = "N",
      description = "Churn: at most N alive at once (memcg-create: memcgs, removing the oldest"
          + " before each new one; process workloads: processes, i.e. workers or jobs).")
  Long live;

  @Option(names = "--breakdown",
      description = "memcg-create: list every percpu object one mkdir allocates (struct, bytes"
          + " per CPU, count, source).")
  boolean breakdown;

  @Mixin
  WorkloadOptions wopts;

  @Option(names = "--access", paramLabel = "A,B,..", split = ",",
      description = "One mode per percpu.access choice (offset|local-map|private-page|"
          + "marker-fixup|restart|segment; the backend's subset), compared with offset.")
  java.util.List<String> access;

  /**
   * Default: the available processors, as suite's. With C2 the second core was busy compiling and
   * two cells were no faster than one; the launcher runs this command with C1 only (README, "Where
   * the time went"), and then the two cells side by side halve the wall time.
   */
  @Option(names = "--threads", paramLabel = "N",
      description = "Run the baseline and local-map cells on N threads, 1..64 (default: available"
          + " processors; the figures are the same for every N).")
  @Bounds(min = 1, max = org.percpulab.bench.run.ParallelCells.MAX_THREADS)
  int threads = org.percpulab.bench.run.ParallelCells.defaultThreads();

  @Override
  protected int run() throws Exception {
    Map<String, Long> params = new LinkedHashMap<>();
    Workload w;
    BootContext ctx = boot();
    int cpus = ctx.config().getInt(CoreKeys.CPUS);
    wopts.checkNodes(cpus);
    try {
      if (count != null) {
        params.put(Workloads.countParam(workload), count);
      }
      if (live != null) {
        params.put(Workloads.liveParam(workload), live);
      }
      if (breakdown && !workload.equals("memcg-create")) {
        throw new IllegalArgumentException("option '--breakdown': only for memcg-create");
      }
      params.putAll(wopts.params());
      w = Workloads.create(workload, cpus, params);
      wopts.sysCostModel();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    KernelModelFactory f = factories.apply(ctx);
    Progress progress = progress();
    if (access == null) {
      progress.phase("run " + workload + " on " + ctx.config().get(CoreKeys.ARCH) + ", " + cpus
          + " CPUs: booting");
    }
    if (access != null) {
      java.util.List<org.percpulab.core.spi.OpMode> modes = new java.util.ArrayList<>();
      for (String a : access) {
        org.percpulab.core.spi.OpMode m = org.percpulab.core.spi.OpMode.ofAccess(a);
        if (m == null) {
          throw new ConfigException("option '--access': value '" + a + "' is not allowed; "
              + "allowed: " + org.percpulab.core.spi.OpMode.allAccessNames());
        }
        if (!f.accesses().contains(m)) {
          throw new ConfigException("option '--access': value '" + a + "' is not supported by "
              + f.arch() + "; allowed: " + org.percpulab.bench.run.WorkloadRunner.names(f));
        }
        modes.add(m);
      }
      progress.phase("run " + workload + " on " + f.arch() + ", " + cpus + " CPUs, accesses "
          + String.join(",", access));
      org.percpulab.bench.run.AccessRunResult ar;
      try {
        ar = new WorkloadRunner(f, wopts.sysCostModel(), wopts.nodes, wopts.seed,
            progress).runAccesses(w, modes);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
      if (json()) {
        printJson(org.percpulab.bench.report.AccessReport.json(ar));
      } else {
        out().print(org.percpulab.bench.report.AccessReport.text(ar));
      }
      return ExitCodes.OK;
    }
    long c0 = threadCpuNanos();
    long w0 = System.nanoTime();
    RunResult r;
    try {
      r = runModes(f, w, threads, progress);
    } catch (SimulatedOutOfMemory e) {
      String mem = ctx.config().raw(MachineConfigKeys.MEMORY).orElse("4G");
      err().println("error: " + e.line(mem, MachineSettings.parseSize(mem)));
      return ExitCodes.RUNTIME;
    }
    if (json()) {
      Map<String, Object> doc = ResultsJson.run(r);
      if (breakdown) {
        org.percpulab.bench.report.MemcgBreakdown.addTo(doc, r, wopts.nodes);
      }
      printJson(doc);
    } else {
      out().print(text(r));
      if (breakdown) {
        out().print(org.percpulab.bench.report.MemcgBreakdown.text(r, wopts.nodes));
      }
      long wall = (System.nanoTime() - w0) / 1_000_000;
      if (threads > 1 && r.localMap().available()) {
        // two cells (baseline and local map) on at most two of the threads
        out().println("simulation wall: " + wall + " ms (modes in parallel on "
            + Math.min(threads, 2) + " threads; the host times above are each mode's wall time)");
      } else {
        out().println("simulation wall: " + wall + " ms; thread CPU: "
            + (threadCpuNanos() - c0) / 1_000_000 + " ms (both modes, one thread)");
      }
    }
    return ExitCodes.OK;
  }

  /**
   * The baseline and local-map cells of {@code w} ({@link RunCells}): in this thread one after the
   * other with {@code progress}, or on up to {@code threads} threads, each cell on its own machine
   * and workload instance, so the figures are the same for every thread count.
   */
  private RunResult runModes(KernelModelFactory f, Workload w, int threads, Progress progress)
      throws Exception {
    if (threads == 1) {
      return new WorkloadRunner(f, wopts.sysCostModel(), wopts.nodes, wopts.seed, progress).run(w);
    }
    WorkloadRunner runner = new WorkloadRunner(f, wopts.sysCostModel(), wopts.nodes, wopts.seed,
        Progress.quiet());
    Map<String, Long> p = w.params();
    int cpus = f.cpus();
    java.util.List<java.util.concurrent.Callable<org.percpulab.bench.run.ModeResult>> cells =
        new java.util.ArrayList<>();
    org.percpulab.bench.run.RunCells plan = org.percpulab.bench.run.RunCells.add(runner,
        () -> Workloads.create(workload, cpus, p), cells);
    java.util.List<String> labels = cells.size() == 1 ? java.util.List.of("baseline")
        : java.util.List.of("baseline", "local map");
    return plan.result(org.percpulab.bench.run.ParallelCells.run(cells, threads, progress,
        "run " + workload + " on " + f.arch() + ": " + cells.size() + " modes on "
            + Math.min(threads, cells.size()) + " threads", labels));
  }

  /** CPU time of the calling thread (0 where the JVM cannot measure it). */
  static long threadCpuNanos() {
    java.lang.management.ThreadMXBean b = java.lang.management.ManagementFactory.getThreadMXBean();
    return b.isCurrentThreadCpuTimeSupported() ? b.getCurrentThreadCpuTime() : 0L;
  }

  static String text(RunResult r) {
    StringBuilder b = new StringBuilder();
    b.append(r.workload()).append(" on ").append(r.arch()).append(", ").append(r.cpus())
        .append(" CPUs, seed ").append(r.seed()).append('\n');
    b.append("models:  ").append(r.models()).append('\n');
    b.append("scaling: ").append(r.scaling()).append('\n');
    b.append("params:  ").append(r.params()).append("\n\n");
    TextTable t = new TextTable("", "baseline", "localMap");
    ModeResult a = r.baseline();
    ModeResult l = r.localMap();
    t.row("layout", a.layout(), l.layout());
    t.row("percpuOps", a.percpuOps(), l.percpuOps());
    t.row("instructions", a.instructions(), l.instructions());
    t.row("opCycles", a.opCycles(), l.opCycles());
    t.row("chunkPageTableCycles", a.chunkPageTableCycles(), l.chunkPageTableCycles());
    t.row("percpuCycles", a.percpuCycles(), l.percpuCycles());
    t.row("sysCycles", a.sysCycles(), l.sysCycles());
    t.row("tlbHits", a.tlbHits(), l.tlbHits());
    t.row("tlbMisses", a.tlbMisses(), l.tlbMisses());
    if (a.failedAllocations() != 0 || l.failedAllocations() != 0) {
      t.row("failedAllocations (NOT a comparison)", a.failedAllocations(), l.failedAllocations());
    }
    t.row("chunksCreated", a.chunksCreated(), l.chunksCreated());
    t.row("chunksDestroyed", a.chunksDestroyed(), l.chunksDestroyed());
    t.row("percpuBytes (peak)", a.percpuBytes(), l.percpuBytes());
    t.row("localMapVirtualBytes (peak)", a.localMapVirtualBytes(), l.localMapVirtualBytes());
    t.row("perCpuPageTableBytes (peak)", a.perCpuPageTableBytes(), l.perCpuPageTableBytes());
    t.row("pageTableBytesTotal (peak)", a.pageTableBytesTotal(), l.pageTableBytesTotal());
    t.row("counterDigest", String.format("%016x", a.counterDigest()),
        String.format("%016x", l.counterDigest()));
    t.row("inOpInterrupts", a.inOpInterrupts().getOrDefault("inOpInterrupts", 0L),
        l.inOpInterrupts().getOrDefault("inOpInterrupts", 0L));
    b.append(t.render());
    if (!l.available()) {
      b.append("localMap: ").append(l.note()).append('\n');
    }
    b.append(String.format(Locale.ROOT, "%nchangePercent (percpu work): %+.2f%n",
        r.changePercent()));
    b.append(String.format(Locale.ROOT, "sysChangePercent (whole kernel): %+.2f%n",
        r.sysChangePercent()));
    b.append("rest-of-kernel cycles per event (assumptions): ").append(r.sysCosts()).append('\n');
    b.append(org.percpulab.bench.run.InOpInterrupts.MODEL).append('\n');
    b.append("host time: baseline ").append(a.wallMillis()).append(" ms, localMap ")
        .append(l.wallMillis()).append(" ms\n");
    return b.toString();
  }
}
