package org.percpulab.bench.run;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.percpulab.bench.workload.Workload;
import org.percpulab.core.spi.OpMode;

/**
 * One {@link RunResult} split into its independent mode cells (baseline, and local map where the
 * backend has it), so that a command can run the cells of many runs on a thread pool
 * ({@link ParallelCells}) and put each run back together in a fixed order. Whatever a cell varies
 * (backend, CPU count, any config key, workload) lives in its {@link WorkloadRunner}'s factory and
 * the workload; the cell list itself is generic.
 */
public final class RunCells {
  private final WorkloadRunner runner;
  private final Supplier<Workload> workload;
  private final int baseCell;
  private final int localCell;

  private RunCells(WorkloadRunner runner, Supplier<Workload> workload, int baseCell,
      int localCell) {
    this.runner = runner;
    this.workload = workload;
    this.baseCell = baseCell;
    this.localCell = localCell;
  }

  /**
   * Appends the cells of one run to {@code cells} (each cell makes its own workload instance and
   * boots its own machine) and returns the plan that reassembles the run from their results.
   */
  public static RunCells add(WorkloadRunner runner, Supplier<Workload> workload,
      List<Callable<ModeResult>> cells) {
    int base = cells.size();
    cells.add(() -> runner.runMode(workload.get(), OpMode.BASELINE));
    int local = -1;
    if (runner.localMapAvailable()) {
      local = cells.size();
      cells.add(() -> runner.runMode(workload.get(), OpMode.LOCAL_MAP));
    }
    return new RunCells(runner, workload, base, local);
  }

  /** The run from the results of all cells, in cell order. */
  public RunResult result(List<ModeResult> results) {
    return runner.combine(workload.get(), results.get(baseCell),
        localCell < 0 ? null : results.get(localCell));
  }
}
