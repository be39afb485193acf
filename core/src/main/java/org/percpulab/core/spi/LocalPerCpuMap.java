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

  /**
   * Room for the packed local layout ({@code percpu.localLayout=packed}, mm-percpu): the most VA,
   * in bytes, that the CPU-major percpu region may take. That region holds unit {@code c} of the
   * chunk in slot {@code k} at {@code region + c * stride + k * unitSize}, is
   * {@code num_possible_cpus * percpu.stride} bytes large, is reserved at boot top-down in vmalloc
   * space (right below the local area, where pcpu_get_vm_areas would place chunks) and is mapped in
   * the shared kernel tables only; its slot {@code k} is aliased at
   * {@code localArea().start() + k * unitSize} in each CPU's own tables, so the local area must be
   * at least one stride large (mm-percpu caps the stride at the local area's size).
   *
   * <p>Return a page-aligned byte count no larger than the vmalloc space left below the local
   * area, or 0 (the default) when this backend does not allow the packed layout; mm-percpu then
   * uses the mirror layout (a chunk's local range at its pcpu_get_vm_areas base plus the local
   * area's size) and rejects an explicit {@code percpu.localLayout=packed} with a one-line error.
   * Must not throw.
   */
  default long packedRegionBudget() {
    return 0;
  }
}
