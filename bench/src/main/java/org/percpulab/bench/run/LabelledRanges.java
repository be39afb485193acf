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
 * to its first link, so a lookup is one probe and a walk of the ranges sharing that granule. A
 * granule of small objects (8-byte counters) chains many ranges, and ops hit the same few objects
 * again and again, so a direct-mapped cache of found ranges, indexed by the pointer's 8-byte word,
 * answers first; removing a range clears the cache slots that can hold it.
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

  private static final int CACHE_SLOTS = 1024;
  /** Slot {@code (ptr >>> 3) & (CACHE_SLOTS - 1)}: a range found for a pointer of that word. */
  private final long[] cacheStart = new long[CACHE_SLOTS];
  private final long[] cacheEnd = new long[CACHE_SLOTS];
  private final int[] cacheGroup = new int[CACHE_SLOTS];

  private static int slot(long ptr) {
    return (int) (ptr >>> 3) & (CACHE_SLOTS - 1);
  }

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
    // the range was cached only in slots of words inside it: at most every slot once
    long words = Math.min(CACHE_SLOTS, ((end - 1) >>> 3) - (start >>> 3) + 1);
    for (long w = 0; w < words; w++) {
      int c = slot(start + (w << 3));
      if (cacheStart[c] == start && cacheEnd[c] == end) {
        cacheEnd[c] = cacheStart[c];
      }
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
    int c = slot(ptr);
    if (ptr >= cacheStart[c] && ptr < cacheEnd[c]) {
      return cacheGroup[c];
    }
    int[] h = heads.get(key(ptr));
    if (h == null) {
      return otherwise;
    }
    for (int l = h[0]; l != NONE; l = linkNext[l]) {
      if (ptr >= linkStart[l] && ptr < linkEnd[l]) {
        cacheStart[c] = linkStart[l];
        cacheEnd[c] = linkEnd[l];
        cacheGroup[c] = linkGroup[l];
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
