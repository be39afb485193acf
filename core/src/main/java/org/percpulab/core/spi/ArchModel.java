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
   * The translation-root model ({@link TranslationRoots}): {@code SPLIT} when the kernel half has
   * its own root register, {@code SINGLE} when one root covers user and kernel. A single-root
   * backend must override this: the per-process cost of a per-CPU kernel table (the local map)
   * depends on it. Default {@code SPLIT}.
   */
  default TranslationRoots translationRoots() {
    return TranslationRoots.SPLIT;
  }

  /**
   * An optional capability such as {@link LocalPerCpuMap}. Return empty when not supported; never
   * throw.
   */
  default <T> Optional<T> capability(Class<T> type) {
    return Optional.empty();
  }
}
