package org.percpulab.bench.run;

import java.util.Arrays;
import org.percpulab.core.util.LongObjectMap;

/**
 * The labelled percpu objects of a run, for {@link PathAttribution}: ranges {@code [start, start +
 * size)} of percpu pointers, each with a group index, found by any address inside them. The ranges
 * never overlap (they are live percpu areas, which the allocator keeps disjoint), so the range
 * holding an address is also the one with the greatest start at or below it, as a sorted map's
 * floor lookup would give.
 *
 * <p>Simulator bookkeeping with no kernel counterpart, on the this_cpu op path: a range is linked
 * into every {@value #GRANULE}-byte granule it covers, and core's {@link LongObjectMap} maps a granule
 * to its first link, so a lookup is one probe and a walk of the few ranges sharing that granule.
 */
final class LabelledRanges {
  private static final int GRANULE_SHIFT = 10;
  static final int GRANULE = 1 << GRANULE_SHIFT;
  private static final int NONE = -1;

  /** granule key ({@link #key}) -> {first link}; a granule without links has no entry. */
  private final LongObjectMap<int[]> heads = new LongObjectMap<>(256);

  /** Links: one per (range, granule it covers); {@code linkNext} chains a granule's links. */
  private long[] linkStart = new long[64];
  private long[] linkEnd = new long[64];
  private int[] linkGroup = new int[64];
  private int[] linkNext = new int[64];
  private int linkCount;
  private int freeLink = NONE;

  /** The map key of the granule holding {@code ptr}: non-negative, distinct per granule. */
  private static long key(long ptr) {
    return (ptr >> GRANULE_SHIFT) & Long.MAX_VALUE;
  }

  /** Adds {@code [start, start + size)} with {@code group}, replacing a range with that start. */
  void put(long start, int size, int group) {
    remove(start);
    long end = start + Math.max(size, 1);
    for (long p = start & -GRANULE; p < end; p += GRANULE) {
      int l = newLink();
      linkStart[l] = start;
      linkEnd[l] = end;
      linkGroup[l] = group;
      int[] h = heads.get(key(p));
      if (h == null) {
        h = new int[] {NONE};
        heads.put(key(p), h);
      }
      linkNext[l] = h[0];
      h[0] = l;
    }
  }

  /** Removes the range starting at {@code start}, if any. */
  void remove(long start) {
    int[] first = heads.get(key(start));
    long end = Long.MIN_VALUE;
    if (first != null) {
      for (int l = first[0]; l != NONE; l = linkNext[l]) {
        if (linkStart[l] == start) {
          end = linkEnd[l];
          break;
        }
      }
    }
    if (end == Long.MIN_VALUE) {
      return;
    }
    for (long p = start & -GRANULE; p < end; p += GRANULE) {
      int[] h = heads.get(key(p));
      int prev = NONE;
      for (int l = h[0]; l != NONE; prev = l, l = linkNext[l]) {
        if (linkStart[l] == start) {
          if (prev == NONE) {
            h[0] = linkNext[l];
          } else {
            linkNext[prev] = linkNext[l];
          }
          linkNext[l] = freeLink;
          freeLink = l;
          break;
        }
      }
      if (h[0] == NONE) {
        heads.remove(key(p));
      }
    }
  }

  /** The group of the range holding {@code ptr}, or {@code otherwise}. */
  int groupOf(long ptr, int otherwise) {
    int[] h = heads.get(key(ptr));
    if (h == null) {
      return otherwise;
    }
    for (int l = h[0]; l != NONE; l = linkNext[l]) {
      if (ptr >= linkStart[l] && ptr < linkEnd[l]) {
        return linkGroup[l];
      }
    }
    return otherwise;
  }

  private int newLink() {
    int l = freeLink;
    if (l != NONE) {
      freeLink = linkNext[l];
      return l;
    }
    if (linkCount == linkStart.length) {
      int n = linkCount * 2;
      linkStart = Arrays.copyOf(linkStart, n);
      linkEnd = Arrays.copyOf(linkEnd, n);
      linkGroup = Arrays.copyOf(linkGroup, n);
      linkNext = Arrays.copyOf(linkNext, n);
    }
    return linkCount++;
  }
}
