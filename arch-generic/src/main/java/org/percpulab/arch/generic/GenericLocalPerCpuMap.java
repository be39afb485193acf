package org.percpulab.arch.generic;

import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.Region;

/**
 * generic's experimental local map ({@code generic.localMap=on}; off by default so the oracle's
 * results stay as they are): the seed series' scheme carried to an architecture of the generic
 * kind. The local area is one whole top-level (PGD) entry, 512 GiB at {@link #START} =
 * {@code VMALLOC_END}: the unused hole between vmalloc and vmemmap of the x86-64 layout, right
 * above vmalloc space as on arm64 (mm-percpu keeps the percpu window at the top of vmalloc,
 * directly below the local area). No region of {@link GenericLayout} shares its PGD entry, so each
 * CPU's private top level owns it entirely (private level 0). A model, not a kernel facility.
 *
 * <p>Refusal ({@link GenericBackend#localMapRefusal}): as on arm64, SMT siblings sharing a TLB.
 */
final class GenericLocalPerCpuMap implements LocalPerCpuMap {
  /** Start of the local area: VMALLOC_END (Documentation/arch/x86/x86_64/mm.rst: a hole). */
  static final long START = GenericLayout.VMALLOC_END;
  /** One PGD entry of 4-level 4 KiB paging. */
  static final long SIZE = 1L << 39;

  static final GenericLocalPerCpuMap INSTANCE = new GenericLocalPerCpuMap();

  private GenericLocalPerCpuMap() {
  }

  @Override public Region localArea() {
    return new Region("local", START, START + SIZE);
  }
}
