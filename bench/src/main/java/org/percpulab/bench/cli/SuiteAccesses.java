package org.percpulab.bench.cli;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.percpulab.bench.run.AccessRunResult;
import org.percpulab.bench.run.KernelModelFactory;
import org.percpulab.bench.run.ModeResult;
import org.percpulab.bench.run.Progress;
import org.percpulab.bench.run.RunResult;
import org.percpulab.bench.run.SysCostModel;
import org.percpulab.bench.run.WorkloadRunner;
import org.percpulab.bench.workload.Workloads;
import org.percpulab.core.spi.OpMode;

/**
 * The suite's {@code percpu.access} comparison: every workload on every backend in every access
 * the backend supports (local-map only where its gate allows it), one fresh machine each. Each
 * access other than the offset and local-map modes (which the suite's main runs supply) is one
 * cell, run in the same {@link org.percpulab.bench.run.ParallelCells} batch as the main cells so
 * no core waits for a phase to end; {@link #results} puts them together in backend-major,
 * workload-minor order.
 */
final class SuiteAccesses {
  /** One (backend, workload): its runner, workload and accesses, and where its cells are. */
  private record Run(WorkloadRunner runner, String workload, Map<String, Long> params,
      List<OpMode> modes, List<OpMode> cellModes, int firstCell) { }

  private final int cpus;
  private final List<Run> runs = new ArrayList<>();
  private final List<Callable<ModeResult>> cells = new ArrayList<>();
  private final List<String> labels = new ArrayList<>();

  /**
   * Plans the cells for {@code factories} x {@code workloads} ({@code params} per workload); the
   * cells come in the same backend-major, workload-minor order as the suite's main runs.
   */
  SuiteAccesses(List<KernelModelFactory> factories, List<String> workloads, int cpus,
      Map<String, Map<String, Long>> params, SysCostModel costs, int nodes, long seed) {
    this.cpus = cpus;
    for (KernelModelFactory f : factories) {
      List<OpMode> modes = new ArrayList<>();
      for (OpMode m : OpMode.values()) {
        if (f.accesses().contains(m) && f.accessUnavailable(m).isEmpty()) {
          modes.add(m);
        }
      }
      WorkloadRunner runner = new WorkloadRunner(f, costs, nodes, seed, Progress.quiet());
      for (String w : workloads) {
        Map<String, Long> p = params.get(w);
        List<OpMode> cellModes = new ArrayList<>();
        int first = cells.size();
        for (OpMode m : modes) {
          if (m != OpMode.BASELINE && m != OpMode.LOCAL_MAP) {
            cellModes.add(m);
            cells.add(() -> runner.runMode(Workloads.create(w, cpus, p), m));
            labels.add(w + " on " + f.arch() + " (" + m.accessName() + " access)");
          }
        }
        runs.add(new Run(runner, w, p, modes, cellModes, first));
      }
    }
  }

  /** The cells to run, one per (backend, workload, access not supplied by the main runs). */
  List<Callable<ModeResult>> cells() { return cells; }

  /** One progress label per cell. */
  List<String> labels() { return labels; }

  /**
   * The comparisons: {@code mainRuns} (the suite's runs, backend-major, workload-minor) supply
   * the offset and local-map modes and {@code done} the cells' results in {@link #cells} order;
   * a local map the main run could not give (none so far) is run here.
   */
  List<AccessRunResult> results(List<RunResult> mainRuns, List<ModeResult> done) {
    List<AccessRunResult> out = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      Run r = runs.get(i);
      RunResult main = mainRuns.get(i);
      Map<OpMode, ModeResult> known = new EnumMap<>(OpMode.class);
      known.put(OpMode.BASELINE, main.baseline());
      if (main.localMap().available()) {
        known.put(OpMode.LOCAL_MAP, main.localMap());
      }
      for (int k = 0; k < r.cellModes().size(); k++) {
        known.put(r.cellModes().get(k), done.get(r.firstCell() + k));
      }
      out.add(r.runner().runAccesses(Workloads.create(r.workload(), cpus, r.params()),
          r.modes(), known));
    }
    return out;
  }
}
