package org.percpulab.arch.arm64;

import java.util.TreeMap;
import org.percpulab.core.ptdump.NoteSink;
import org.percpulab.core.ptdump.NoteSource;
import org.percpulab.core.spi.Geometry;

/**
 * Synthetic page table for ptdump tests: leaves at (va, level) with a value; walking emits one note
 * per entry of every "present" table (one containing a leaf), holes at the level they are found,
 * as mm/ptdump.c's walker does.
 */
final class FakeWalk implements NoteSource {
  private final Geometry g;
  private final TreeMap<Long, long[]> leaves = new TreeMap<>(Long::compareUnsigned);

  FakeWalk(Geometry g) {
    this.g = g;
  }

  /** Maps {@code count} consecutive entries at {@code level} starting at {@code va}. */
  FakeWalk map(long va, int level, int count, long pa, long prot, Arm64Descriptors d) {
    long size = g.entrySize(level);
    for (int i = 0; i < count; i++) {
      leaves.put(va + i * size, new long[] {level, d.leaf(level, pa + i * size, prot)});
    }
    return this;
  }

  @Override public void walk(long start, NoteSink sink) {
    long top = g.entrySize(0);
    long tableSpan = top * g.entries(0);
    long base = -tableSpan; // the TTBR1 table covers the last 2^vaBits bytes
    for (int i = 0; i < g.entries(0); i++) {
      long va = base + i * top;
      if (Long.compareUnsigned(va + top - 1, start) < 0) {
        continue;
      }
      entry(va, 0, sink);
    }
  }

  private void entry(long va, int level, NoteSink sink) {
    long[] leaf = leaves.get(va);
    if (leaf != null && leaf[0] == level) {
      sink.note(va, level, leaf[1]);
      return;
    }
    long end = va + g.entrySize(level) - 1;
    Long next = leaves.ceilingKey(va);
    boolean hasBelow = next != null && Long.compareUnsigned(next, end) <= 0
        && level < g.levels() - 1;
    if (!hasBelow) {
      sink.note(va, level, 0);
      return;
    }
    long size = g.entrySize(level + 1);
    for (int i = 0; i < g.entries(level + 1); i++) {
      entry(va + i * size, level + 1, sink);
    }
  }
}
