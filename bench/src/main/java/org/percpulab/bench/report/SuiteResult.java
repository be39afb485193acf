package org.percpulab.bench.report;

import java.util.List;
import java.util.Map;
import org.percpulab.bench.run.RunResult;

/**
 * Everything {@code percpu-lab suite} produced.
 *
 * @param archs backends run
 * @param workloads workloads run
 * @param cpus CPU count of the main runs
 * @param seed event seed
 * @param runs one per workload x arch
 * @param sweepCpus CPU counts of the sweep
 * @param sweepWorkload the workload the sweep runs
 * @param sweep one per arch x CPU count
 * @param sysCosts the rest-of-kernel assumption table
 * @param archProvenance per backend id, its own provenance lines ({@code ArchBackend.provenance()})
 */
public record SuiteResult(List<String> archs, List<String> workloads, int cpus, long seed,
    List<RunResult> runs, List<Integer> sweepCpus, String sweepWorkload, List<RunResult> sweep,
    Map<String, Long> sysCosts, Map<String, List<String>> archProvenance) {

  /** Without backend provenance lines. */
  public SuiteResult(List<String> archs, List<String> workloads, int cpus, long seed,
      List<RunResult> runs, List<Integer> sweepCpus, String sweepWorkload, List<RunResult> sweep,
      Map<String, Long> sysCosts) {
    this(archs, workloads, cpus, seed, runs, sweepCpus, sweepWorkload, sweep, sysCosts, Map.of());
  }
}
