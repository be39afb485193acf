package org.percpulab.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.percpulab.bench.run.ModeResult;
import org.percpulab.bench.run.RunResult;

/**
 * The suite's "design space": the local map under each layout of the percpu local area
 * ({@code percpu.localLayout}) and each preemption model, side by side — cycles per op, the
 * change of the percpu work, per-CPU page-table bytes and local-area VA at 160 and 4096 CPUs —
 * plus the CPU-sweep chart with one series per layout. Every figure names the layout it assumes.
 */
public final class DesignSpace {
  /** The CPU counts whose sweep points the table shows. */
  public static final int[] TABLE_CPUS = {160, 4096};

  private DesignSpace() { }

  /**
   * One layout x preemption model of one backend.
   *
   * @param layout {@code mirror} or {@code packed}
   * @param preempt the preemption model the runs used
   * @param runs the workload runs (local map in this layout; baseline of the same preemption model)
   * @param sweep the CPU-sweep runs, by CPU count
   */
  public record Cell(String layout, String preempt, List<RunResult> runs,
      Map<Integer, RunResult> sweep) { }

  /** The markdown section for report.md. */
  public static String markdown(List<Cell> cells, String arch, String mainWorkload, int cpus,
      String mainLayout) {
    StringBuilder b = new StringBuilder();
    b.append("\n## Design space: local-area layout x preemption model (").append(arch)
        .append(")\n\n");
    b.append("The seed does not say how chunks' local ranges are laid out. `mirror`: each"
        + " chunk's local range is its pcpu_get_vm_areas base plus the local area's size, so the"
        + " ranges inherit the chunk spacing (cpus x unit). `packed`: a CPU-major percpu region,"
        + " unit c of chunk slot k at region + c x stride + k x unit, local ranges unit after unit"
        + " (README, \"Local-area layouts\"). Cycles per op and the percpu work change are from"
        + " the ").append(mainWorkload).append(" run at ").append(cpus).append(" CPUs; the"
        + " memory columns from the CPU sweep (peak over the run). The main table, the other"
        + " charts and sweep above use the local map in the `").append(mainLayout)
        .append("` layout.\n\n");
    b.append("| layout | preempt | cycles/op baseline | cycles/op local map | percpu work change");
    for (int n : TABLE_CPUS) {
      b.append(" | per-CPU page tables @").append(n);
    }
    for (int n : TABLE_CPUS) {
      b.append(" | local VA @").append(n);
    }
    b.append(" |\n|---|---|---:|---:|---:");
    for (int i = 0; i < 2 * TABLE_CPUS.length; i++) {
      b.append("|---:");
    }
    b.append("|\n");
    for (Cell c : cells) {
      RunResult main = find(c.runs(), mainWorkload);
      b.append("| ").append(c.layout()).append(" | ").append(c.preempt()).append(" | ");
      b.append(main == null ? "n/a" : perOp(main.baseline())).append(" | ");
      b.append(main == null ? "n/a" : perOp(main.localMap())).append(" | ");
      b.append(main == null ? "n/a"
          : String.format(Locale.ROOT, "%+.2f%%", main.changePercent()));
      for (int n : TABLE_CPUS) {
        RunResult r = c.sweep().get(n);
        b.append(" | ").append(r == null ? "not swept" : bytes(r.localMap().perCpuPageTableBytes()));
      }
      for (int n : TABLE_CPUS) {
        RunResult r = c.sweep().get(n);
        b.append(" | ").append(r == null ? "not swept" : bytes(r.localMap().localMapVirtualBytes()));
      }
      b.append(" |\n");
    }
    b.append("\nPercpu work change per workload and layout (local map vs baseline, ").append(cpus)
        .append(" CPUs):\n\n| workload");
    for (Cell c : cells) {
      b.append(" | ").append(c.layout()).append(" / ").append(c.preempt());
    }
    b.append(" |\n|---");
    for (int i = 0; i < cells.size(); i++) {
      b.append("|---:");
    }
    b.append("|\n");
    List<String> names = new ArrayList<>();
    for (Cell c : cells) {
      for (RunResult r : c.runs()) {
        if (!names.contains(r.workload())) {
          names.add(r.workload());
        }
      }
    }
    for (String w : names) {
      b.append("| ").append(w);
      for (Cell c : cells) {
        RunResult r = find(c.runs(), w);
        b.append(" | ").append(r == null ? "n/a"
            : String.format(Locale.ROOT, "%+.2f%%", r.changePercent()));
      }
      b.append(" |\n");
    }
    return b.toString();
  }

  /** The same figures for results.json. */
  public static List<Object> json(List<Cell> cells, String mainWorkload) {
    List<Object> out = new ArrayList<>();
    for (Cell c : cells) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("layout", c.layout());
      m.put("preempt", c.preempt());
      Map<String, Object> change = new LinkedHashMap<>();
      for (RunResult r : c.runs()) {
        change.put(r.workload(), r.changePercent());
      }
      m.put("changePercent", change);
      RunResult main = find(c.runs(), mainWorkload);
      if (main != null) {
        m.put("cyclesPerOpBaseline", perOpValue(main.baseline()));
        m.put("cyclesPerOpLocalMap", perOpValue(main.localMap()));
      }
      Map<String, Object> sweep = new LinkedHashMap<>();
      for (Map.Entry<Integer, RunResult> e : c.sweep().entrySet()) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("perCpuPageTableBytes", e.getValue().localMap().perCpuPageTableBytes());
        p.put("localMapVirtualBytes", e.getValue().localMap().localMapVirtualBytes());
        p.put("pageTableBytesTotal", e.getValue().localMap().pageTableBytesTotal());
        sweep.put(Integer.toString(e.getKey()), p);
      }
      m.put("sweep", sweep);
      out.add(m);
    }
    return out;
  }

  /** Per-CPU page tables and local VA against CPUs, one series per layout (and model). */
  public static JFreeChart sweepChart(List<Cell> cells, String sweepWorkload) {
    Map<String, XYSeries> series = new LinkedHashMap<>();
    for (Cell c : cells) {
      String tag = c.layout() + (cells.size() > 2 ? " / " + c.preempt() : "");
      for (Map.Entry<Integer, RunResult> e : c.sweep().entrySet()) {
        ModeResult l = e.getValue().localMap();
        if (!l.available()) {
          continue;
        }
        series.computeIfAbsent("per-CPU page tables, " + tag, XYSeries::new)
            .add((double) e.getKey(), Math.max(1, l.perCpuPageTableBytes()));
        series.computeIfAbsent("local-area VA, " + tag, XYSeries::new)
            .add((double) e.getKey(), Math.max(1, l.localMapVirtualBytes()));
      }
    }
    XYSeriesCollection col = new XYSeriesCollection();
    series.values().forEach(col::addSeries);
    return Charts.sweepXy("Local map by layout vs CPU count (" + sweepWorkload + ")", "bytes",
        col);
  }

  private static RunResult find(List<RunResult> runs, String workload) {
    for (RunResult r : runs) {
      if (r.workload().equals(workload)) {
        return r;
      }
    }
    return null;
  }

  private static double perOpValue(ModeResult m) {
    return m.percpuOps() == 0 ? 0 : Math.round(m.opCycles() * 100.0 / m.percpuOps()) / 100.0;
  }

  private static String perOp(ModeResult m) {
    return String.format(Locale.ROOT, "%.2f", perOpValue(m));
  }

  static String bytes(long b) {
    if (b >= 10L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
    }
    return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
  }
}
