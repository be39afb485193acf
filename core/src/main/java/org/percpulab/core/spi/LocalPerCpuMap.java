package org.percpulab.core.spi;

import java.util.Optional;

/**
 * Capability of backends that select {@link Features#HAVE_LOCAL_PER_CPU_MAP}: where the percpu local
 * area sits and the runtime cpufeature verdict.
 */
public interface LocalPerCpuMap {

  /**
   * The percpu local area {@code [start, end)}. It must not share an entry of its
   * {@link #privateLevel()} with any region that is shared between CPUs, and must lie within one
   * entry of every level above it, so that each CPU's private tables cover exactly this area.
   */
  Region localArea();

  /**
   * The cpufeature check: empty when the local map may be used on this machine, else a one-line
   * reason (e.g. SMT siblings share a TLB, so CnP-style sharing of per-CPU tables is impossible).
   * Must not throw.
   */
  Optional<String> refuseReason(MachineTopology topology);

  /**
   * The table level at which the local area owns whole entries (0 = top). Above it every table on
   * the path is a per-CPU copy whose other entries are shared and must be synced; e.g. arm64 16K
   * pages with 48-bit VA has only two 128 TiB top-level entries, so its local area is private from
   * level 1. Default 0.
   */
  default int privateLevel() {
    return 0;
  }
}
