package org.percpulab.bench.run;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.percpulab.bench.workload.KernelEvent;
import org.percpulab.core.spi.OpMode;

/**
 * One workload on one backend, one fresh machine per {@code percpu.access} choice (the review's
 * rivals, shared/reference/seed-and-review.md §4): each mode's executed figures plus its modelled
 * path cycles and memory ({@link AccessPathCosts}), compared with offset.
 *
 * @param workload workload name
 * @param arch backend id
 * @param cpus CPU count
 * @param seed event-stream seed
 * @param params workload parameters
 * @param preempt the preemption model label every mode assumes
 * @param modes one entry per access, offset first
 * @param sysCosts the rest-of-kernel assumption table used
 */
public record AccessRunResult(String workload, String arch, int cpus, long seed,
    Map<String, Long> params, String preempt, List<Mode> modes, Map<String, Long> sysCosts) {

  /**
   * One access.
   *
   * @param access the choice
   * @param result what the machine executed (percpuCycles/sysCycles without path cycles)
   * @param pathCycles modelled exception-return / context-switch cycles of this access
   * @param memoryBytes memory the access adds outside the page tables, as the machine allocated
   *     it: private-page's CPU-private pages (0 for the others)
   */
  public record Mode(OpMode access, ModeResult result, long pathCycles, long memoryBytes) {
    /** percpu work including the access's path cycles. */
    public long percpuCycles() { return result.percpuCycles() + pathCycles; }

    /** Whole-kernel cycles including the access's path cycles. */
    public long sysCycles() { return result.sysCycles() + pathCycles; }

    /** Memory cost: per-CPU page tables (simulated, peak) plus {@link #memoryBytes}. */
    public long memoryCostBytes() { return result.perCpuPageTableBytes() + memoryBytes; }
  }

  /** The offset mode (the first). */
  public Mode offset() {
    return modes.get(0);
  }

  public double changePercent(Mode m) {
    return RunResult.percent(offset().percpuCycles(), m.percpuCycles());
  }

  public double sysChangePercent(Mode m) {
    return RunResult.percent(offset().sysCycles(), m.sysCycles());
  }

  /** The event counts of a mode's result by type. */
  static Map<KernelEvent.Type, Long> events(ModeResult r) {
    Map<KernelEvent.Type, Long> m = new EnumMap<>(KernelEvent.Type.class);
    for (Map.Entry<String, Long> e : r.events().entrySet()) {
      m.put(KernelEvent.Type.valueOf(e.getKey()), e.getValue());
    }
    return m;
  }
}
