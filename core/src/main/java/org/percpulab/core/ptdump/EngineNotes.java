package org.percpulab.core.ptdump;

import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.pgtable.RangeVisitor;

/**
 * The ptdump walk over a real table (mm/ptdump.c ptdump_walk_pgd on top of the page-table engine's
 * range iterator): every leaf is noted with its descriptor, every none entry as a hole at its level.
 */
public final class EngineNotes {
  private EngineNotes() { }

  /** Notes of the table rooted at {@code pgd} (swapper or a CPU's own top-level table). */
  public static NoteSource of(PageTableEngine engine, long pgd) {
    return (start, sink) -> engine.visit(pgd, start, 0, new RangeVisitor() {
      @Override public void leaf(int level, long va, long size, long entry) {
        sink.note(va, level, entry);
      }

      @Override public void empty(int level, long va, long size) {
        sink.note(va, level, 0);
      }
    });
  }
}
