package org.percpulab.arch.arm64;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.Geometry;

/**
 * The ten arm64 translation geometries (arch/arm64/include/asm/pgtable-hwdef.h, arch/arm64/Kconfig
 * ARM64_VA_BITS / PGTABLE_LEVELS): 4K 39/48/52, 16K 36/47/48/52, 64K 42/48/52. 16K/52 is the
 * LPA2 build (FEAT_LPA2, four levels, a 32-entry level 0); 4K/52 is LPA2 with five levels; 64K/52
 * uses FEAT_LVA with three levels.
 *
 * <p>Per level the VA shift is {@code (PAGE_SHIFT - 3) * (4 - n) + 3} for architectural level n;
 * the top level has {@code 2^(VA_BITS - PGDIR_SHIFT)} entries (so 16K/48-bit has a 2-entry level 0,
 * 64K/48-bit a 64-entry one). Blocks: PMD-level sections always; PUD-level (1 GiB) sections only
 * with the 4K granule ({@code pud_sect_supported()}). Contiguous hint: CONT_PTES and CONT_PMDS from
 * CONFIG_ARM64_CONT_PTE_SHIFT / CONT_PMD_SHIFT (4K: 16/16, 16K: 128/32, 64K: 32/32).
 *
 * <p>Level names are the kernel's after folding: 5 levels PGD P4D PUD PMD PTE; 4 levels PGD PUD
 * PMD PTE (p4d folded); 3 levels PGD PMD PTE (p4d and pud folded into the pgd); 2 levels PGD PTE
 * (pmd folded too; ptdump prints that level as PMD, see {@link Arm64PtdumpTables}).
 */
public final class Arm64Geometries {

  private Arm64Geometries() { }

  /**
   * VA_BITS_MIN of a build with {@code vaBits}: what a 52-bit kernel falls back to at boot on a CPU
   * without LPA2 (4K, 16K) or LVA (64K) - 48, or 47 with 16K pages (memory.h); else vaBits itself.
   */
  public static int vaBitsMin(int pageShift, int vaBits) {
    return vaBits > 48 ? (pageShift == 14 ? 47 : 48) : vaBits;
  }

  /** VA sizes the kernel allows per granule (Kconfig ARM64_VA_BITS_* depends on). */
  public static int[] allowedVaBits(int pageShift) {
    switch (pageShift) {
      case 12: return new int[] {39, 48, 52};
      case 14: return new int[] {36, 47, 48, 52};
      case 16: return new int[] {42, 48, 52};
      default: return new int[0];
    }
  }

  /** Kconfig PGTABLE_LEVELS = ceil((VA_BITS - PAGE_SHIFT) / (PAGE_SHIFT - 3)). */
  public static int levelsFor(int pageShift, int vaBits) {
    int bitsPerLevel = pageShift - 3;
    return (vaBits - pageShift + bitsPerLevel - 1) / bitsPerLevel;
  }

  /** Shift of architectural level {@code n} (0..3): (PAGE_SHIFT - 3) * (4 - n) + 3. */
  public static int archLevelShift(int pageShift, int n) {
    return (pageShift - 3) * (4 - n) + 3;
  }

  public static boolean isSupported(int pageShift, int vaBits) {
    for (int v : allowedVaBits(pageShift)) {
      if (v == vaBits) {
        return true;
      }
    }
    return false;
  }

  /** The geometry for a supported (granule, VA bits) pair. */
  public static Geometry of(int pageShift, int vaBits) {
    if (!isSupported(pageShift, vaBits)) {
      throw new IllegalArgumentException("unsupported arm64 geometry " + (1 << (pageShift - 10))
          + "K/" + vaBits);
    }
    int levels = levelsFor(pageShift, vaBits);
    int bits = pageShift - 3;
    int[] shifts = new int[levels];
    int[] entries = new int[levels];
    boolean[] block = new boolean[levels];
    int[] cont = new int[levels];
    int pmdShift = pageShift + bits;
    int pudShift = pmdShift + bits;
    for (int i = 0; i < levels; i++) {
      shifts[i] = pageShift + bits * (levels - 1 - i);
      entries[i] = 1 << bits;
      block[i] = shifts[i] == pageShift || shifts[i] == pmdShift
          || (shifts[i] == pudShift && pageShift == 12);
      if (shifts[i] == pageShift) {
        cont[i] = contPtes(pageShift);
      } else if (shifts[i] == pmdShift) {
        cont[i] = contPmds(pageShift);
      }
    }
    entries[0] = 1 << (vaBits - shifts[0]);
    return new Geometry(pageShift, vaBits, shifts, entries, block, names(levels), cont);
  }

  /** All ten, 4K/48 first (the default). */
  public static List<Geometry> all() {
    List<Geometry> list = new ArrayList<>();
    list.add(of(12, 48));
    for (int ps : new int[] {12, 14, 16}) {
      for (int va : allowedVaBits(ps)) {
        if (!(ps == 12 && va == 48)) {
          list.add(of(ps, va));
        }
      }
    }
    return List.copyOf(list);
  }

  static int contPtes(int pageShift) {
    return pageShift == 12 ? 16 : pageShift == 14 ? 128 : 32;
  }

  static int contPmds(int pageShift) {
    return pageShift == 12 ? 16 : 32;
  }

  private static String[] names(int levels) {
    switch (levels) {
      case 5: return new String[] {"PGD", "P4D", "PUD", "PMD", "PTE"};
      case 4: return new String[] {"PGD", "PUD", "PMD", "PTE"};
      case 3: return new String[] {"PGD", "PMD", "PTE"};
      default: return new String[] {"PGD", "PTE"};
    }
  }

  /** "4K" / "16K" / "64K". */
  public static String granuleName(int pageShift) {
    return (1 << (pageShift - 10)) + "K";
  }
}
