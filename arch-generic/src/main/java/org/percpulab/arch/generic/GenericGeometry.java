package org.percpulab.arch.generic;

import org.percpulab.core.spi.Geometry;

/**
 * The one page-table geometry of the generic backend: 4 KiB pages, 48-bit VA, four levels of
 * 512-entry tables (PGD 39, PUD 30, PMD 21, PTE 12), blocks allowed at PUD (1 GiB) and PMD (2 MiB).
 *
 * <p>This is a model, not a real architecture: asm-generic defines no page tables at all
 * (include/asm-generic/pgtable-nop4d.h and friends only fold levels). The shape is the common
 * 4-level x86-64/arm64-4K one so that results compare easily with the other backends.
 */
public final class GenericGeometry {
  public static final int PAGE_SHIFT = 12;
  public static final int VA_BITS = 48;
  public static final int LEVELS = 4;

  /** 4K / 48-bit / 4-level. */
  public static final Geometry GEOMETRY = new Geometry(
      PAGE_SHIFT, VA_BITS,
      new int[] {39, 30, 21, 12},
      new int[] {512, 512, 512, 512},
      new boolean[] {false, true, true, true},
      new String[] {"PGD", "PUD", "PMD", "PTE"},
      new int[] {0, 0, 0, 0});

  private GenericGeometry() { }
}
