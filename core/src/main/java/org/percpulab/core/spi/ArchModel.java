package org.percpulab.core.spi;

import java.util.Optional;

/**
 * One configured machine as a backend describes it: geometry, layout, descriptor bits, the first
 * chunk parameters, the this_cpu op sequences and their costs. Produced by
 * {@link ArchBackend#configure}; immutable; holds no machine state.
 */
public interface ArchModel {

  Geometry geometry();

  VaLayout layout();

  DescriptorFormat descriptors();

  /** Name of the per-CPU kernel translation base register, e.g. {@code TTBR1_EL1} or {@code CR1}. */
  String translationBaseRegister();

  /** Default TLB size and sharing for this machine. */
  TlbSpec tlb();

  /** What {@code setup_per_cpu_areas()} is given on this arch (sizes, atom, NUMA map). */
  PerCpuAreaSpec perCpuAreas();

  /** The this_cpu op sequences. */
  OpSequences ops();

  /** Modelled cycles per micro-op class; see the backend's documented defaults. */
  CostTable costs();

  /**
   * An optional capability such as {@link LocalPerCpuMap}. Return empty when not supported; never
   * throw.
   */
  default <T> Optional<T> capability(Class<T> type) {
    return Optional.empty();
  }

  /**
   * The linear-map policy, separate from what the architecture allows ({@link
   * Geometry#blockAllowed}): log2 of the largest leaf boot may use for the linear map (paging_init /
   * map_mem), e.g. {@code pageShift} when the kernel maps it page by page (arm64 with rodata=full,
   * debug_pagealloc or KFENCE: arch/arm64/mm/mmu.c can_set_direct_map), or 63 for "the largest block
   * the geometry allows at a suitably aligned address" (arm64 otherwise: PMD sections, PUD sections
   * with 4K pages, pud_sect_supported; s390 vmem: 1 MiB segments and 2 GiB region-third entries
   * with EDAT1/EDAT2, arch/s390/mm/vmem.c). Default 63. Since SPI 1.1.0.
   */
  default int linearMapMaxShift() {
    return 63;
  }
}
