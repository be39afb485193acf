package org.percpulab.core.ptdump;

/**
 * A page-table walk that emits notes for {@code [start, 2^64)} in address order (one note per
 * entry, leaves and holes, never merged — the range iterator of the page-table engine, or
 * synthetic notes in tests).
 */
@FunctionalInterface
public interface NoteSource {
  void walk(long start, NoteSink sink);
}
