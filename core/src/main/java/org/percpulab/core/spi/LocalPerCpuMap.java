package org.percpulab.core.spi;

import java.util.Optional;

/**
 * Capability of backends that select {@link Features#HAVE_LOCAL_PER_CPU_MAP}: where the percpu local
 * area sits and the runtime cpufeature verdict.
 */
public interface LocalPerCpuMap {

  /**
   * The percpu local area {@code [start, end)}. It must not share a top-level entry with any region
   * that is shared between CPUs, so that each CPU's private tables cover exactly this area.
   */
  Region localArea();

  /**
   * The cpufeature check: empty when the local map may be used on this machine, else a one-line
   * reason (e.g. SMT siblings share a TLB, so CnP-style sharing of per-CPU tables is impossible).
   * Must not throw.
   */
  Optional<String> refuseReason(MachineTopology topology);
}
