package org.percpulab.core.ptdump;

/**
 * Receiver of page-table notes in address order (mm/ptdump.c: the walker's
 * {@code note_page_{pgd,p4d,pud,pmd,pte}} callbacks). A note is a leaf entry (its descriptor value)
 * or a hole (value 0) at the level where the walk found it; table entries are descended, never
 * noted.
 */
@FunctionalInterface
public interface NoteSink {
  /**
   * @param addr first VA the entry maps
   * @param geometryLevel level of the entry in the backend's geometry (0 = top)
   * @param value the descriptor, 0 for a hole
   */
  void note(long addr, int geometryLevel, long value);
}
