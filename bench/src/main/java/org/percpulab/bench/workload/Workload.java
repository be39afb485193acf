package org.percpulab.bench.workload;

import java.util.Iterator;
import java.util.Map;

/**
 * A named, documented, deterministic stream of modelled kernel events standing for one of the seed
 * series' benchmarks (shared/MISSION.md). The same parameters and seed always give the same
 * stream.
 */
public interface Workload {

  /** CLI name, e.g. {@code stress-vm}. */
  String name();

  /** The command or test it models, e.g. {@code stress-ng --vm 160 --vm-bytes 128M}. */
  String models();

  /** The parameters this instance runs with, in a stable order (name -> value). */
  Map<String, Long> params();

  /** One sentence on how the simulated run is scaled down from the real one. */
  String scaling();

  /** Number of events the stream will produce (for progress display). */
  long expectedEvents();

  /** The event stream for {@code seed}. */
  Iterator<KernelEvent> events(long seed);

  /** Sets what the workload's parameters decide in the modelled kernel (before any event). */
  default void configure(ModelledKernel kernel) { }
}
