package org.percpulab.bench.cli;

import java.util.ArrayList;
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
 * the backend supports (local-map only where its gate allows it), one fresh machine each: the
 * tasks, which the suite runs with {@link org.percpulab.bench.run.ParallelCells}.
 */
final class SuiteAccesses {
  private SuiteAccesses() { }

  /**
   * One task per backend factory and workload; {@code mainRuns} (the suite's runs, in the same
   * backend-major, workload-minor order) supply the offset and local-map modes, which are not
   * run again.
   */
  static List<Callable<AccessRunResult>> tasks(List<KernelModelFactory> factories,
      List<String> workloads, int cpus, Map<String, Map<String, Long>> params,
      SysCostModel costs, int nodes, long seed, List<RunResult> mainRuns) {
    List<Callable<AccessRunResult>> tasks = new ArrayList<>();
    int i = 0;
    for (KernelModelFactory f : factories) {
      List<OpMode> modes = new ArrayList<>();
      for (OpMode m : OpMode.values()) {
        if (f.accesses().contains(m)
            && f.accessUnavailable(m).isEmpty()) {
          modes.add(m);
        }
      }
      for (String w : workloads) {
        Map<String, Long> p = params.get(w);
        RunResult main = mainRuns.get(i++);
        Map<OpMode, ModeResult> known = new java.util.EnumMap<>(OpMode.class);
        known.put(OpMode.BASELINE, main.baseline());
        if (main.localMap().available()) {
          known.put(OpMode.LOCAL_MAP, main.localMap());
        }
        tasks.add(() -> new WorkloadRunner(f, costs, nodes, seed, Progress.quiet())
            .runAccesses(Workloads.create(w, cpus, p), modes, known));
      }
    }
    return tasks;
  }
}
