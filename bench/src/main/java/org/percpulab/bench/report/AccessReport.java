package org.percpulab.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.percpulab.bench.run.AccessRunResult;

/**
 * The {@code percpu.access} comparison (the review's rivals): the JSON of {@code run --access},
 * its text table, and the ranking table per workload for report.md. Figures include each access's
 * modelled path cycles (bench.run.AccessPathCosts); memory cost is the simulated per-CPU page-table
 * peak plus the access's modelled private pages.
 */
public final class AccessReport {
  private AccessReport() { }

  /** {@code modes.<access>} with changePercent/sysChangePercent against offset. */
  public static Map<String, Object> json(AccessRunResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workload", r.workload());
    m.put("arch", r.arch());
    m.put("cpus", r.cpus());
    m.put("seed", r.seed());
    m.put("params", new LinkedHashMap<>(r.params()));
    m.put("preempt", r.preempt());
    Map<String, Object> modes = new LinkedHashMap<>();
    for (AccessRunResult.Mode x : r.modes()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("access", x.access().accessName());
      j.put("preempt", r.preempt());
      j.putAll(ResultsJson.mode(x.result()));
      j.put("accessPathCycles", x.pathCycles());
      j.put("accessMemoryBytes", x.memoryBytes());
      j.put("memoryCostBytes", x.memoryCostBytes());
      j.put("percpuCyclesWithPaths", x.percpuCycles());
      j.put("sysCyclesWithPaths", x.sysCycles());
      j.put("changePercent", r.changePercent(x));
      j.put("sysChangePercent", r.sysChangePercent(x));
      modes.put(x.access().accessName(), j);
    }
    m.put("modes", modes);
    m.put("changeAgainst", "offset; percent of percpu work (op + chunk page-table + access path "
        + "cycles) and of the whole kernel (sys)");
    m.put("accessPathModel", "modelled: exception-return and context-switch micro-ops per access "
        + "priced with the backend cost table (bench.run.AccessPathCosts); op sequences executed");
    m.put("inOpInterruptModel", org.percpulab.bench.run.InOpInterrupts.MODEL);
    m.put("sysCostAssumptions", ResultsJson.sysCosts(r.sysCosts()));
    return m;
  }

  /** Text table: one column per access. */
  public static String text(AccessRunResult r) {
    StringBuilder b = new StringBuilder();
    b.append(r.workload()).append(" on ").append(r.arch()).append(", ").append(r.cpus())
        .append(" CPUs, seed ").append(r.seed()).append(", kernel.preempt=").append(r.preempt())
        .append('\n');
    b.append("params:  ").append(r.params()).append("\n\n");
    b.append(String.format(Locale.ROOT, "%-24s", "access"));
    for (AccessRunResult.Mode x : r.modes()) {
      b.append(String.format(Locale.ROOT, " %14s", x.access().accessName()));
    }
    b.append('\n');
    row(b, "instructions", r, x -> Long.toString(x.result().instructions()));
    row(b, "opCycles", r, x -> Long.toString(x.result().opCycles()));
    row(b, "chunkPageTableCycles", r, x -> Long.toString(x.result().chunkPageTableCycles()));
    row(b, "accessPathCycles", r, x -> Long.toString(x.pathCycles()));
    row(b, "percpuCycles+paths", r, x -> Long.toString(x.percpuCycles()));
    row(b, "sysCycles+paths", r, x -> Long.toString(x.sysCycles()));
    row(b, "memoryCostBytes", r, x -> Long.toString(x.memoryCostBytes()));
    row(b, "changePercent", r, x -> String.format(Locale.ROOT, "%+.2f", r.changePercent(x)));
    row(b, "sysChangePercent", r, x -> String.format(Locale.ROOT, "%+.2f",
        r.sysChangePercent(x)));
    row(b, "inOpInterrupts", r, x -> irq(x, "inOpInterrupts"));
    row(b, "  migratedInOp", r, x -> irq(x, "migratedInOp"));
    row(b, "  fixups", r, x -> irq(x, "fixups"));
    row(b, "  restarts", r, x -> irq(x, "restarts"));
    row(b, "  fixup+abort cycles", r, x -> irq(x, "pathCycles"));
    row(b, "  rerunCycles", r, x -> irq(x, "rerunCycles"));
    b.append("counterDigest equal in every mode: ").append(digestsEqual(r)).append('\n');
    b.append(org.percpulab.bench.run.InOpInterrupts.MODEL).append('\n');
    return b.toString();
  }

  private static String irq(AccessRunResult.Mode x, String key) {
    Long v = x.result().inOpInterrupts().get(key);
    return v == null ? "-" : Long.toString(v);
  }

  private static void row(StringBuilder b, String name, AccessRunResult r,
      java.util.function.Function<AccessRunResult.Mode, String> f) {
    b.append(String.format(Locale.ROOT, "%-24s", name));
    for (AccessRunResult.Mode x : r.modes()) {
      b.append(String.format(Locale.ROOT, " %14s", f.apply(x)));
    }
    b.append('\n');
  }

  /** Whether every access left the same counter values (the ops computed the same results). */
  public static boolean digestsEqual(AccessRunResult r) {
    for (AccessRunResult.Mode x : r.modes()) {
      if (x.result().counterDigest() != r.offset().result().counterDigest()) {
        return false;
      }
    }
    return true;
  }

  /**
   * report.md section: per workload and backend, the accesses ranked by whole-kernel change
   * (cheapest first) with their percpu change and memory cost.
   */
  public static String rankingMarkdown(List<AccessRunResult> runs) {
    StringBuilder sb = new StringBuilder("## percpu.access: the review's rivals ranked\n\n");
    sb.append("Cheapest first by sysChangePercent against offset; path cycles modelled "
        + "(exception return, context switch), memory = per-CPU page tables (peak) + private "
        + "pages.\n\n");
    sb.append("| workload | arch | rank | access | change % | sys change % | memory bytes |\n");
    sb.append("|---|---|---:|---|---:|---:|---:|\n");
    for (AccessRunResult r : runs) {
      List<AccessRunResult.Mode> sorted = new ArrayList<>(r.modes());
      sorted.sort(Comparator.comparingLong(AccessRunResult.Mode::sysCycles));
      int rank = 1;
      for (AccessRunResult.Mode x : sorted) {
        sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %+.2f | %+.2f | %d |%n",
            r.workload(), r.arch(), rank++, x.access().accessName(), r.changePercent(x),
            r.sysChangePercent(x), x.memoryCostBytes()));
      }
    }
    return sb.toString();
  }
}
