package org.percpulab.core.spi;

import java.util.Optional;

/**
 * Capability of backends that select {@link Features#HAVE_LOCAL_PER_CPU_MAP}: where the percpu local
 * area sits.
 *
 * <h2>The local-map contract</h2>
 * Core decides the gate first ({@link LocalMapDecision}: {@code percpu.localMap},
 * {@link ArchBackend#features()}, {@link ArchBackend#localMapRefusal}) and passes it to
 * {@link ArchBackend#configure(org.percpulab.core.config.ConfigView, LocalMapDecision)}. After the
 * backend returns, {@code org.percpulab.core.machine.LocalMapContract} checks the rules below on
 * every boot and fails with one line naming the backend and the rule; the conformance kit
 * ({@code ArchBackendConformanceTest.localMapContractHolds}) runs the same check over every
 * configuration a backend lists. Rules for every layout:
 * <ol>
 *   <li><b>gate</b>: with the gate active the model returns this capability, and
 *       {@link VaLayout#regions()} holds {@link #localArea()} as one region that no other region
 *       (vmalloc included) overlaps; with the gate inactive no region is the local area and
 *       VMALLOC_END does not stop at it (the layout is the kernel's own).</li>
 *   <li><b>private level</b>: {@code 0 <= privateLevel() <= levels - 2}; the area starts and ends
 *       on entry boundaries of that level (it owns whole entries) and lies inside one entry of
 *       every level above it.</li>
 *   <li><b>isolation</b>: no other region shares an entry of the private level with the area
 *       (those entries are per-CPU).</li>
 *   <li><b>early map</b>: {@link PerCpuAreaSpec#earlyLocalMap()} equals the gate (mm-percpu maps
 *       the first and reserved chunk into every CPU's table at setup_per_cpu_areas).</li>
 *   <li><b>refusal</b>: the cpufeature verdict comes from {@link ArchBackend#localMapRefusal};
 *       {@link #refuseReason} must not refuse on its own.</li>
 * </ol>
 * Per local layout ({@code percpu.localLayout}; mirror is the default):
 * <ul>
 *   <li><b>mirror</b> (one {@code __per_cpu_local_off} for every chunk: mm-percpu mirrors the
 *       window {@code [start - W, start)} of vmalloc space onto the area {@code [start, end)},
 *       {@code W = end - start}): <b>first chunk</b> — {@link PerCpuAreaSpec#firstChunk()} is
 *       {@code PAGE} (the embed first chunk lives in the linear map, outside the window);
 *       <b>placement</b> — the area starts exactly at {@link VaLayout#vmallocEnd()} (VMALLOC_END
 *       is lowered to it) and the window lies inside vmalloc
 *       ({@code vmallocStart <= start - W}).</li>
 *   <li><b>packed</b> (a dedicated CPU-major percpu VA region): only the rules for every layout are
 *       checked by core here; the layout's own rules are stated next to its implementation in
 *       mm-percpu.</li>
 * </ul>
 */
public interface LocalPerCpuMap {

  /**
   * The percpu local area {@code [start, end)}. It must not share an entry of its
   * {@link #privateLevel()} with any region that is shared between CPUs, and must lie within one
   * entry of every level above it, so that each CPU's private tables cover exactly this area.
   */
  Region localArea();

  /**
   * Former home of the cpufeature check; core now asks {@link ArchBackend#localMapRefusal} before
   * the layout exists. Kept so that SPI 1.0 backends still compile; must return empty (the contract
   * check fails a capability that refuses on its own). Default: empty.
   *
   * @deprecated since SPI 1.1.0: override {@link ArchBackend#localMapRefusal} instead
   */
  @Deprecated
  default Optional<String> refuseReason(MachineTopology topology) {
    return Optional.empty();
  }

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
