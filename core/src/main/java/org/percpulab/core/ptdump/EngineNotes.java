package org.percpulab.core.ptdump;

import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.pgtable.RangeVisitor;

/**
 * The ptdump walk over a real table (mm/ptdump.c ptdump_walk_pgd on top of the page-table engine's
 * range iterator): every leaf is noted with its descriptor, every none entry as a hole at its level.
 */
public final class EngineNotes {
  private EngineNotes() { }

  /**
   * Notes of the table rooted at {@code pgd} (swapper or a CPU's own top-level table), from the
   * start address to the end of what the top table translates: 2^64 for a start in the upper half
   * (a kernel TTBR1-style table), else 2^vaBits (s390's ASCE covers [0, 2^vaBits)).
   */
  public static NoteSource of(PageTableEngine engine, long pgd) {
    int vaBits = engine.geometry().vaBits();
    return (start, sink) -> engine.visit(pgd, start,
        start < 0 || vaBits >= 64 ? -start : (1L << vaBits) - start, new RangeVisitor() {
      @Override public void leaf(int level, long va, long size, long entry) {
        sink.note(va, level, entry);
      }

      @Override public void empty(int level, long va, long size) {
        sink.note(va, level, 0);
      }
    });
  }
}
