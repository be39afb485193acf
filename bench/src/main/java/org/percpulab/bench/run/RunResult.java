package org.percpulab.bench.run;

import java.util.Map;

/**
 * One workload on one backend in both modes.
 *
 * @param workload workload name
 * @param models the command it models
 * @param scaling how it is scaled down
 * @param params workload parameters
 * @param arch backend id
 * @param cpus CPU count
 * @param seed event-stream seed
 * @param baseline local map off
 * @param localMap local map on (or the baseline's figures, marked not available)
 * @param sysCosts the rest-of-kernel assumption table used
 */
public record RunResult(String workload, String models, String scaling, Map<String, Long> params,
    String arch, int cpus, long seed, ModeResult baseline, ModeResult localMap,
    Map<String, Long> sysCosts) {

  /** Modelled change of the percpu work, local map against baseline, in percent (negative = faster). */
  public double changePercent() {
    return percent(baseline.percpuCycles(), localMap.percpuCycles());
  }

  /** Modelled change of the workload's whole kernel time, in percent. */
  public double sysChangePercent() {
    return percent(baseline.sysCycles(), localMap.sysCycles());
  }

  static double percent(long base, long other) {
    if (base == 0) {
      return 0.0;
    }
    return Math.round((other - base) * 10000.0 / base) / 100.0;
  }
}
