package org.percpulab.core.spi;

import java.util.Arrays;

/**
 * Page-table geometry of one configuration: the data the core walker needs and nothing else.
 *
 * <p>Level 0 is the top (the kernel's pgd, whatever the arch calls it); level {@code levels-1} holds
 * page descriptors. For each level: the VA shift one entry maps, the number of entries (the top level
 * may be narrower, e.g. arm64 16K/47-bit has a 2-entry level 0) and whether a block (huge) leaf is
 * architecturally allowed there. A table occupies {@code entries * 8} bytes; when that is not one page
 * (s390: 16 KiB region/segment tables, 2 KiB page tables) the page allocator backs it with
 * {@code ceil(bytes / pageSize)} contiguous pages.
 *
 * @param pageShift log2 of the base page (granule) size
 * @param vaBits number of translated VA bits
 * @param shifts per level, the VA shift of one entry at that level (top first)
 * @param entries per level, the number of entries in one table (a power of two)
 * @param blockAllowed per level, whether the architecture (as the kernel's page-table code uses
 *     it, e.g. arm64 pud_sect_supported) lets a leaf be placed there (last level: always true);
 *     which of these the linear map uses is policy: {@link ArchModel#linearMapMaxShift()}
 * @param levelNames per level, the kernel's name for it (e.g. PGD, PUD, PMD, PTE)
 * @param contEntries per level, entries in a contiguous-hint run (0 = no such hint)
 */
public record Geometry(
    int pageShift, int vaBits, int[] shifts, int[] entries, boolean[] blockAllowed,
    String[] levelNames, int[] contEntries) {

  public Geometry {
    int n = shifts.length;
    if (n < 1 || n > 5 || entries.length != n || blockAllowed.length != n || levelNames.length != n
        || contEntries.length != n) {
      throw new IllegalArgumentException("geometry arrays must all have 1..5 levels");
    }
    shifts = shifts.clone();
    entries = entries.clone();
    blockAllowed = blockAllowed.clone();
    levelNames = levelNames.clone();
    contEntries = contEntries.clone();
    for (int i = 0; i < n; i++) {
      if (Integer.bitCount(entries[i]) != 1) {
        throw new IllegalArgumentException("entries per table must be a power of two at level " + i);
      }
    }
    if (shifts[n - 1] != pageShift) {
      throw new IllegalArgumentException("last level must map one page");
    }
  }

  public int levels() { return shifts.length; }

  public long pageSize() { return 1L << pageShift; }

  public int shift(int level) { return shifts[level]; }

  public int entries(int level) { return entries[level]; }

  /** Bytes one table at {@code level} occupies (8-byte descriptors). */
  public long tableBytes(int level) { return (long) entries[level] * 8L; }

  /** Bytes mapped by one entry at {@code level}. */
  public long entrySize(int level) { return 1L << shifts[level]; }

  public boolean blockAllowed(int level) { return blockAllowed[level]; }

  public String levelName(int level) { return levelNames[level]; }

  public int contEntries(int level) { return contEntries[level]; }

  /** Index of {@code va} in a table at {@code level}. */
  public int index(int level, long va) {
    return (int) ((va >>> shifts[level]) & (entries[level] - 1));
  }

  /** Short text such as {@code 4K/48-bit/4-level}. */
  public String label() {
    long kib = pageSize() >> 10;
    return kib + "K/" + vaBits + "-bit/" + levels() + "-level";
  }

  @Override public boolean equals(Object o) {
    return o instanceof Geometry g && g.pageShift == pageShift && g.vaBits == vaBits
        && Arrays.equals(g.shifts, shifts) && Arrays.equals(g.entries, entries)
        && Arrays.equals(g.blockAllowed, blockAllowed) && Arrays.equals(g.levelNames, levelNames)
        && Arrays.equals(g.contEntries, contEntries);
  }

  @Override public int hashCode() {
    return 31 * (31 * pageShift + vaBits) + Arrays.hashCode(shifts);
  }

  @Override public String toString() { return "Geometry[" + label() + "]"; }
}
