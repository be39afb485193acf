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
    description = "Run one workload (kernel-build, stress-vm, mmapfork, fork, memcg-create) on the"
        + " configured backend with the local map off (baseline) and on.")
public final class RunCommand extends BaseCommand {

  /** Test seam: how a factory is made for a booted config. */
  static Function<BootContext, KernelModelFactory> factories = SimulatedMachines::factory;

  @Parameters(index = "0", paramLabel = "WORKLOAD", description = "Workload name.")
  String workload;

  @Option(names = "--count", paramLabel = "N",
      description = "The workload's main count (kernel-build: processes, stress-vm: cycles,"
          + " mmapfork: ops, fork: forks, memcg-create: memcgs).")
  Long count;

  @Mixin
  WorkloadOptions wopts;

  @Option(names = "--access", paramLabel = "A,B,..", split = ",",
      description = "One mode per percpu.access choice (offset|local-map|private-page|"
          + "marker-fixup|restart|segment; the backend's subset), compared with offset.")
  java.util.List<String> access;

  @Override
  protected int run() {
    Map<String, Long> params = new LinkedHashMap<>();
    Workload w;
    BootContext ctx = boot();
    int cpus = ctx.config().getInt(CoreKeys.CPUS);
    try {
      if (count != null) {
        params.put(Workloads.countParam(workload), count);
      }
      params.putAll(wopts.params());
      w = Workloads.create(workload, cpus, params);
      wopts.sysCostModel();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    KernelModelFactory f = factories.apply(ctx);
    if (access != null) {
      java.util.List<org.percpulab.core.spi.OpMode> modes = new java.util.ArrayList<>();
      for (String a : access) {
        org.percpulab.core.spi.OpMode m = org.percpulab.core.spi.OpMode.ofAccess(a);
        if (m == null) {
          throw new ConfigException("option '--access': value '" + a + "' is not allowed; "
              + "allowed: " + org.percpulab.core.spi.OpMode.allAccessNames());
        }
        modes.add(m);
      }
      org.percpulab.bench.run.AccessRunResult ar;
      try {
        ar = new WorkloadRunner(f, wopts.sysCostModel(), wopts.nodes, wopts.seed,
            Progress.forTerminal(err())).runAccesses(w, modes);
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
    RunResult r = new WorkloadRunner(f, wopts.sysCostModel(), wopts.nodes, wopts.seed,
        Progress.forTerminal(err())).run(w);
    if (json()) {
      printJson(ResultsJson.run(r));
    } else {
      out().print(text(r));
    }
    return ExitCodes.OK;
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
    t.row("percpuOps", a.percpuOps(), l.percpuOps());
    t.row("instructions", a.instructions(), l.instructions());
    t.row("opCycles", a.opCycles(), l.opCycles());
    t.row("chunkPageTableCycles", a.chunkPageTableCycles(), l.chunkPageTableCycles());
    t.row("percpuCycles", a.percpuCycles(), l.percpuCycles());
    t.row("sysCycles", a.sysCycles(), l.sysCycles());
    t.row("tlbHits", a.tlbHits(), l.tlbHits());
    t.row("tlbMisses", a.tlbMisses(), l.tlbMisses());
    t.row("chunksCreated", a.chunksCreated(), l.chunksCreated());
    t.row("chunksDestroyed", a.chunksDestroyed(), l.chunksDestroyed());
    t.row("percpuBytes (peak)", a.percpuBytes(), l.percpuBytes());
    t.row("localMapVirtualBytes (peak)", a.localMapVirtualBytes(), l.localMapVirtualBytes());
    t.row("perCpuPageTableBytes (peak)", a.perCpuPageTableBytes(), l.perCpuPageTableBytes());
    t.row("pageTableBytesTotal (peak)", a.pageTableBytesTotal(), l.pageTableBytesTotal());
    t.row("counterDigest", String.format("%016x", a.counterDigest()),
        String.format("%016x", l.counterDigest()));
    b.append(t.render());
    if (!l.available()) {
      b.append("localMap: ").append(l.note()).append('\n');
    }
    b.append(String.format(Locale.ROOT, "%nchangePercent (percpu work): %+.2f%n",
        r.changePercent()));
    b.append(String.format(Locale.ROOT, "sysChangePercent (whole kernel): %+.2f%n",
        r.sysChangePercent()));
    b.append("rest-of-kernel cycles per event (assumptions): ").append(r.sysCosts()).append('\n');
    b.append("host time: baseline ").append(a.wallMillis()).append(" ms, localMap ")
        .append(l.wallMillis()).append(" ms\n");
    return b.toString();
  }
}
