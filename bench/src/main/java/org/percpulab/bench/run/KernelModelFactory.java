package org.percpulab.bench.run;

import java.util.Optional;
import org.percpulab.bench.workload.KernelModel;
import org.percpulab.core.spi.OpMode;

/** Boots one fresh simulated machine per run and mode. */
public interface KernelModelFactory {

  /** Backend id. */
  String arch();

  /** CPU count of the machines it boots. */
  int cpus();

  /** Empty when the local map can run on this backend and machine, else the reason. */
  Optional<String> localMapUnavailable();

  /**
   * Empty when {@code access} can run on this backend and machine, else the reason. local-map:
   * the gate as a config that chooses {@code percpu.access=local-map} decides it (a backend whose
   * experimental local map that access itself switches on, like s390, runs it although
   * {@link #localMapUnavailable()} says no for the default two-mode run). Default: that of
   * {@link #localMapUnavailable()} for local-map, else empty.
   */
  default Optional<String> accessUnavailable(OpMode access) {
    return access == OpMode.LOCAL_MAP ? localMapUnavailable() : Optional.empty();
  }

  /**
   * Bytes of the CPU-private pages (percpu.access=private-page) of the machines booted in
   * {@code mode}, as the machine allocated them; 0 when none. Default 0.
   */
  default long privatePageBytes(OpMode mode) {
    return 0;
  }

  /** A freshly booted machine in {@code mode}. */
  KernelModel boot(OpMode mode);

  /** The backend's cost table (for modelled path costs), or null when there is none. */
  default org.percpulab.core.spi.CostTable costs() {
    return null;
  }

  /** The machines' geometry, or null when there is none. */
  default org.percpulab.core.spi.Geometry geometry() {
    return null;
  }

  /** The preemption model label of the machines ({@code kernel.preempt} and debug options). */
  default String preempt() {
    return org.percpulab.core.spi.PreemptModel.DYNAMIC.label();
  }

  /** The {@code percpu.access} choices the backend supports. */
  default java.util.Set<OpMode> accesses() {
    return java.util.EnumSet.of(OpMode.BASELINE, OpMode.LOCAL_MAP);
  }
}
