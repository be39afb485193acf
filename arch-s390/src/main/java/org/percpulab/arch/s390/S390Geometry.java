package org.percpulab.arch.s390;

import java.util.List;
import org.percpulab.core.spi.Geometry;

/**
 * s390 DAT table geometry (z/Architecture Principles of Operation, chapter 3 "Dynamic Address
 * Translation"; arch/s390/include/asm/pgtable.h {@code _REGION1_SHIFT} 53, {@code _REGION2_SHIFT}
 * 42, {@code _REGION3_SHIFT} 31, {@code _SEGMENT_SHIFT} 20, {@code _PAGE_SHIFT} 12;
 * {@code _CRST_ENTRIES} 2048, {@code PTRS_PER_PTE} 256).
 *
 * <p>Region-first, region-second, region-third and segment tables have 2048 8-byte entries
 * (16 KiB, four 4 KiB pages, {@code CRST_ALLOC_ORDER} 2); page tables have 256 entries (2 KiB).
 * arch/s390/mm/pgalloc.c page_table_alloc() in v6.17 takes a whole 4 KiB page for each page
 * table (the older scheme of two 2 KiB fragments per page is gone), as core's allocator does.
 * The top table depends on the VA size the ASCE designates:
 *
 * <pre>
 *   vaBits 42 (4 TiB,  region-third ASCE)  3 levels  PUD=region-third  PMD=segment  PTE=page
 *   vaBits 53 (8 PiB,  region-second ASCE) 4 levels  P4D=region-second + the above
 *   vaBits 64 (16 EiB, region-first ASCE)  5 levels  PGD=region-first  + the above
 * </pre>
 *
 * The kernel's pgd/p4d/pud/pmd/pte types map to region-first/second/third, segment and page table
 * entries; levels above the ASCE's table type are folded at run time (pgd_offset and friends look
 * at the ASCE type), so the top level is named after the entries it really holds. Leaves are
 * allowed in region-third entries (2 GiB frames, EDAT-2) and segment entries (1 MiB frames,
 * EDAT-1), as arch/s390/boot/vmem.c uses them for the identity map.
 */
public final class S390Geometry {
  public static final int PAGE_SHIFT = 12;
  public static final int SEGMENT_SHIFT = 20;
  public static final int REGION3_SHIFT = 31;
  public static final int REGION2_SHIFT = 42;
  public static final int REGION1_SHIFT = 53;
  /** _CRST_ENTRIES: entries of region and segment tables. */
  public static final int CRST_ENTRIES = 2048;
  /** PTRS_PER_PTE. */
  public static final int PTRS_PER_PTE = 256;

  /**
   * 4K / 42-bit / 3 levels: region-third ASCE, the kernel ASCE v6.17 builds without KASAN (and
   * without KASLR on more than about 3.5 TiB; {@link S390AsceChoice}), so the default machine's.
   */
  public static final Geometry REGION3 = new Geometry(PAGE_SHIFT, 42,
      new int[] {REGION3_SHIFT, SEGMENT_SHIFT, PAGE_SHIFT},
      new int[] {CRST_ENTRIES, CRST_ENTRIES, PTRS_PER_PTE},
      new boolean[] {true, true, true},
      new String[] {"PUD", "PMD", "PTE"},
      new int[] {0, 0, 0});

  /**
   * 4K / 53-bit / 4 levels: region-second ASCE. v6.17 builds it for the kernel only with KASAN or
   * with KASLR and very large memory ({@link S390AsceChoice}; {@code s390.kasan=true} or
   * {@code mm.vaBits=53} selects it).
   */
  public static final Geometry REGION2 = new Geometry(PAGE_SHIFT, 53,
      new int[] {REGION2_SHIFT, REGION3_SHIFT, SEGMENT_SHIFT, PAGE_SHIFT},
      new int[] {CRST_ENTRIES, CRST_ENTRIES, CRST_ENTRIES, PTRS_PER_PTE},
      new boolean[] {false, true, true, true},
      new String[] {"P4D", "PUD", "PMD", "PTE"},
      new int[] {0, 0, 0, 0});

  /** 4K / 64-bit / 5 levels: region-first ASCE. */
  public static final Geometry REGION1 = new Geometry(PAGE_SHIFT, 64,
      new int[] {REGION1_SHIFT, REGION2_SHIFT, REGION3_SHIFT, SEGMENT_SHIFT, PAGE_SHIFT},
      new int[] {CRST_ENTRIES, CRST_ENTRIES, CRST_ENTRIES, CRST_ENTRIES, PTRS_PER_PTE},
      new boolean[] {false, false, true, true, true},
      new String[] {"PGD", "P4D", "PUD", "PMD", "PTE"},
      new int[] {0, 0, 0, 0, 0});

  /**
   * The default machine's geometry first (region-third: 4 GiB, no KASAN); the backend picks per
   * config ({@link S390Backend#geometry}).
   */
  public static final List<Geometry> ALL = List.of(REGION3, REGION2, REGION1);

  private S390Geometry() { }

  /** The geometry for {@code vaBits} (42, 53 or 64), or null. */
  public static Geometry forVaBits(int vaBits) {
    for (Geometry g : ALL) {
      if (g.vaBits() == vaBits) {
        return g;
      }
    }
    return null;
  }

  /** The geometry with {@code levels} levels (3, 4 or 5), or null. */
  public static Geometry forLevels(int levels) {
    for (Geometry g : ALL) {
      if (g.levels() == levels) {
        return g;
      }
    }
    return null;
  }
}
