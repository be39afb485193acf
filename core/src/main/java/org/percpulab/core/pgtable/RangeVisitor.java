package org.percpulab.core.pgtable;

/**
 * Callback of {@link PageTableEngine#visit}: one call per table entry the range touches, never
 * merged (like drgn's page-table iterator; ptdump and statistics merge on top). Ranges are clipped
 * to the visited range.
 */
public interface RangeVisitor {

  /** A valid leaf (block or page) at {@code level} covering {@code [va, va+size)}. */
  void leaf(int level, long va, long size, long entry);

  /** An invalid (none) entry at {@code level} covering {@code [va, va+size)}. */
  void empty(int level, long va, long size);

  /** A table entry at {@code level}, before its children are visited. */
  default void table(int level, long va, long size, long entry) { }
}
