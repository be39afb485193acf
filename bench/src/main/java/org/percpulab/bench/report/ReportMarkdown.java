package org.percpulab.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.percpulab.bench.run.ModeResult;
import org.percpulab.bench.run.RunResult;

/** report.md: the main table, op types, the CPU sweep, the assumptions and provenance. */
public final class ReportMarkdown {
  private ReportMarkdown() { }

  public static String write(SuiteResult s) {
    StringBuilder b = new StringBuilder();
    b.append("# percpu-lab suite report\n\n");
    b.append("Backends: ").append(String.join(", ", s.archs())).append(" · CPUs: ")
        .append(s.cpus()).append(" · seed: ").append(s.seed()).append("\n\n");
    b.append("Every figure comes from executing the workloads' kernel events on the simulated ")
        .append("machines (percpu allocator, vmalloc, page tables, TLBs, this_cpu op sequences); ")
        .append("only the rest-of-kernel cycles behind sysChange are an assumption table ")
        .append("(below). Counts are scaled down (see Scaling).\n\n");
    b.append("## Main table\n\n");
    b.append(mainTable(s));
    b.append("\n`change` = modelled percpu work (this_cpu ops + chunk page-table work), local map ")
        .append("against baseline; `sysChange` = the whole modelled kernel time of the workload. ")
        .append("Negative = faster. `n/a` = the backend has no local map (its localMap figures ")
        .append("are the baseline's).\n\n");
    b.append("![cycles per op](cycles-per-op.png)\n\n");
    b.append("![per-workload change](change-per-workload.png)\n\n");
    b.append("## this_cpu ops by type (").append(s.workloads().get(0)).append(")\n\n");
    b.append(opTypeTable(s));
    if (!s.sweep().isEmpty()) {
      b.append("\n## CPU sweep (").append(s.sweepWorkload()).append(")\n\n");
      b.append(sweepTable(s));
      b.append("\n![extra memory vs CPUs](sweep-memory.png)\n\n");
      b.append("![chunk page-table work vs CPUs](sweep-chunk-work.png)\n\n");
    }
    b.append("## Scaling\n\n| workload | models | scaling |\n|---|---|---|\n");
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (RunResult r : s.runs()) {
      if (seen.add(r.workload())) {
        b.append("| ").append(r.workload()).append(" | `").append(r.models()).append("` | ")
            .append(r.scaling()).append(" |\n");
      }
    }
    b.append("\n## Cost-model assumptions\n\n");
    b.append("Rest of the kernel per event (cycles; assumptions, not measurements; override with ")
        .append("`--sys-cost EVENT=CYCLES`):\n\n| event | cycles |\n|---|---:|\n");
    for (Map.Entry<String, Long> e : s.sysCosts().entrySet()) {
      b.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
    }
    b.append("\nCycles per micro-op class come from each backend's cost table (`percpu-lab ")
        .append("config` / the backend's sources).\n\n");
    b.append("## What is copied from the kernel and what is modelled\n\nFrom the kernel ")
        .append("(Linux v6.17-rc3):\n\n");
    for (String l : Provenance.FROM_KERNEL) {
      b.append("- ").append(l).append('\n');
    }
    b.append("\nModelled (assumptions):\n\n");
    for (String l : Provenance.MODELLED) {
      b.append("- ").append(l).append('\n');
    }
    for (List<String> lines : s.archProvenance().values()) {
      for (String l : lines) {
        b.append("- ").append(l).append('\n');
      }
    }
    return b.toString();
  }

  /** The main table alone (also printed by the suite command). */
  public static String mainTable(SuiteResult s) {
    StringBuilder b = new StringBuilder();
    b.append("| workload | arch | this_cpu ops | cycles/op base | cycles/op local | chunks base/local | ")
        .append("per-CPU PT bytes | local VA bytes | change % | sysChange % |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (RunResult r : s.runs()) {
      ModeResult base = r.baseline();
      ModeResult loc = r.localMap();
      boolean na = !loc.available();
      b.append("| ").append(r.workload()).append(" | ").append(r.arch()).append(" | ")
          .append(base.percpuOps()).append(" | ").append(perOp(base)).append(" | ")
          .append(na ? "n/a" : perOp(loc)).append(" | ").append(base.chunksCreated())
          .append(na ? "" : " / " + loc.chunksCreated()).append(" | ").append(na ? "n/a" : Long.toString(loc.perCpuPageTableBytes()))
          .append(" | ").append(na ? "n/a" : Long.toString(loc.localMapVirtualBytes()))
          .append(" | ").append(na ? "n/a" : pct(r.changePercent())).append(" | ")
          .append(na ? "n/a" : pct(r.sysChangePercent())).append(" |\n");
    }
    return b.toString();
  }

  static String opTypeTable(SuiteResult s) {
    StringBuilder b = new StringBuilder();
    b.append("| arch | op | count | instr/op base | instr/op local | cycles/op base | ")
        .append("cycles/op local |\n|---|---|---:|---:|---:|---:|---:|\n");
    String wl = s.workloads().get(0);
    for (RunResult r : s.runs()) {
      if (!r.workload().equals(wl)) {
        continue;
      }
      for (Map.Entry<String, long[]> e : r.baseline().byOpType().entrySet()) {
        long[] bv = e.getValue();
        long[] lv = r.localMap().available() ? r.localMap().byOpType().get(e.getKey()) : null;
        b.append("| ").append(r.arch()).append(" | ").append(e.getKey()).append(" | ")
            .append(bv[0]).append(" | ").append(ratio(bv[1], bv[0])).append(" | ")
            .append(lv == null ? "n/a" : ratio(lv[1], lv[0])).append(" | ")
            .append(ratio(bv[2], bv[0])).append(" | ")
            .append(lv == null ? "n/a" : ratio(lv[2], lv[0])).append(" |\n");
      }
    }
    return b.toString();
  }

  static String sweepTable(SuiteResult s) {
    StringBuilder b = new StringBuilder();
    b.append("| arch | CPUs | chunks | PT bytes base | PT bytes local | per-CPU PT bytes | ")
        .append("local VA bytes | chunk PT cycles base | chunk PT cycles local |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (RunResult r : s.sweep()) {
      ModeResult base = r.baseline();
      ModeResult loc = r.localMap();
      boolean na = !loc.available();
      b.append("| ").append(r.arch()).append(" | ").append(r.cpus()).append(" | ")
          .append(base.chunksCreated()).append(" | ").append(base.pageTableBytesTotal())
          .append(" | ").append(na ? "n/a" : Long.toString(loc.pageTableBytesTotal()))
          .append(" | ").append(na ? "n/a" : Long.toString(loc.perCpuPageTableBytes()))
          .append(" | ").append(na ? "n/a" : Long.toString(loc.localMapVirtualBytes()))
          .append(" | ").append(base.chunkPageTableCycles()).append(" | ")
          .append(na ? "n/a" : Long.toString(loc.chunkPageTableCycles())).append(" |\n");
    }
    return b.toString();
  }

  static String perOp(ModeResult m) {
    return m.percpuOps() == 0 ? "0" : ratio(m.opCycles(), m.percpuOps());
  }

  static String ratio(long a, long b) {
    return b == 0 ? "0" : String.format(Locale.ROOT, "%.2f", (double) a / b);
  }

  static String pct(double v) {
    return String.format(Locale.ROOT, "%+.2f", v);
  }
}
