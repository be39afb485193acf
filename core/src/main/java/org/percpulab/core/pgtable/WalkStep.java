package org.percpulab.core.pgtable;

/**
 * One level of a software page walk: which table entry was read and what it held.
 *
 * @param level table level (0 = top)
 * @param index entry index in the table at that level
 * @param entryPa physical address of the entry
 * @param entry the descriptor read
 */
public record WalkStep(int level, int index, long entryPa, long entry) { }
