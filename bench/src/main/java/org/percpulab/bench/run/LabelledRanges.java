package org.percpulab.bench.run;

import java.util.Arrays;

/**
 * The labelled percpu objects of a run, for {@link PathAttribution}: ranges {@code [start, start +
 * size)} of percpu pointers, each with a group index, found by any address inside them. The ranges
 * never overlap (they are live percpu areas, which the allocator keeps disjoint), so the range
 * holding an address is also the one with the greatest start at or below it, as a sorted map's
 * floor lookup would give.
 *
 * <p>Simulator bookkeeping with no kernel counterpart, on the this_cpu op path: a range is linked
 * into every {@value #GRANULE}-byte granule it covers, and an open-addressing hash (linear probing,
 * backward-shift deletion) maps a granule to its first link, so a lookup is one probe and a walk of
 * the few ranges sharing that granule. Primitive arrays only.
 */
final class LabelledRanges {
  private static final int GRANULE_SHIFT = 6;
  static final int GRANULE = 1 << GRANULE_SHIFT;
  private static final long NO_KEY = Long.MIN_VALUE;
  private static final int NONE = -1;

  /** granule -> first link; {@link #NO_KEY} marks a free slot. */
  private long[] keys;
  private int[] heads;
  private int mask;
  private int usedSlots;

  /** Links: one per (range, granule it covers); {@code linkNext} chains a granule's links. */
  private long[] linkStart = new long[64];
  private long[] linkEnd = new long[64];
  private int[] linkGroup = new int[64];
  private int[] linkNext = new int[64];
  private int linkCount;
  private int freeLink = NONE;

  LabelledRanges() {
    keys = new long[256];
    heads = new int[256];
    Arrays.fill(keys, NO_KEY);
    mask = keys.length - 1;
  }

  /** Adds {@code [start, start + size)} with {@code group}, replacing a range with that start. */
  void put(long start, int size, int group) {
    remove(start);
    long end = start + Math.max(size, 1);
    for (long g = start >> GRANULE_SHIFT; g <= (end - 1) >> GRANULE_SHIFT; g++) {
      int l = newLink();
      linkStart[l] = start;
      linkEnd[l] = end;
      linkGroup[l] = group;
      int slot = slotFor(g);
      linkNext[l] = heads[slot];
      heads[slot] = l;
    }
  }

  /** Removes the range starting at {@code start}, if any. */
  void remove(long start) {
    int slot = find(start >> GRANULE_SHIFT);
    long end = NO_KEY;
    if (slot >= 0) {
      for (int l = heads[slot]; l != NONE; l = linkNext[l]) {
        if (linkStart[l] == start) {
          end = linkEnd[l];
          break;
        }
      }
    }
    if (end == NO_KEY) {
      return;
    }
    for (long g = start >> GRANULE_SHIFT; g <= (end - 1) >> GRANULE_SHIFT; g++) {
      int s = find(g);
      int prev = NONE;
      for (int l = heads[s]; l != NONE; prev = l, l = linkNext[l]) {
        if (linkStart[l] == start) {
          if (prev == NONE) {
            heads[s] = linkNext[l];
          } else {
            linkNext[prev] = linkNext[l];
          }
          linkNext[l] = freeLink;
          freeLink = l;
          break;
        }
      }
      if (heads[s] == NONE) {
        deleteSlot(s);
      }
    }
  }

  /** The group of the range holding {@code ptr}, or {@code otherwise}. */
  int groupOf(long ptr, int otherwise) {
    int slot = find(ptr >> GRANULE_SHIFT);
    if (slot < 0) {
      return otherwise;
    }
    for (int l = heads[slot]; l != NONE; l = linkNext[l]) {
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

  private static int hash(long g) {
    return (int) ((g * 0x9E3779B97F4A7C15L) >>> 32);
  }

  /** The slot of granule {@code g}, or -1. */
  private int find(long g) {
    int i = hash(g) & mask;
    while (true) {
      long k = keys[i];
      if (k == g) {
        return i;
      }
      if (k == NO_KEY) {
        return -1;
      }
      i = (i + 1) & mask;
    }
  }

  /** The slot of granule {@code g}, added with no links if absent. */
  private int slotFor(long g) {
    int i = find(g);
    if (i >= 0) {
      return i;
    }
    if ((usedSlots + 1) * 2 > keys.length) {
      grow();
    }
    i = hash(g) & mask;
    while (keys[i] != NO_KEY) {
      i = (i + 1) & mask;
    }
    keys[i] = g;
    heads[i] = NONE;
    usedSlots++;
    return i;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldHeads = heads;
    keys = new long[oldKeys.length * 2];
    heads = new int[oldKeys.length * 2];
    Arrays.fill(keys, NO_KEY);
    mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != NO_KEY) {
        int i = hash(oldKeys[j]) & mask;
        while (keys[i] != NO_KEY) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        heads[i] = oldHeads[j];
      }
    }
  }

  /** Frees slot {@code s}, moving later keys of its probe run back (no tombstones). */
  private void deleteSlot(int s) {
    usedSlots--;
    int hole = s;
    int j = (s + 1) & mask;
    while (keys[j] != NO_KEY) {
      int home = hash(keys[j]) & mask;
      boolean move = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (move) {
        keys[hole] = keys[j];
        heads[hole] = heads[j];
        hole = j;
      }
      j = (j + 1) & mask;
    }
    keys[hole] = NO_KEY;
    heads[hole] = NONE;
  }
}
