package org.percpulab.mm.vmalloc;

import java.util.Arrays;

/**
 * The busy vmap_area tree of mm/vmalloc.c ({@code vmap_node->busy.root}): allocated
 * {@code [start, end)} ranges keyed by start, each with its owner, for {@code insert_vmap_area},
 * {@code __find_vmap_area} (containment), {@code find_unlink_vmap_area} (exact start) and the
 * in-order walk of /proc/vmallocinfo.
 *
 * <p>The kernel's tree is an rb-tree; no result depends on its shape (every query here is an exact
 * or floor lookup by address, or the address-ordered walk), so this stand-in is chosen for the
 * simulator's speed: a B+-tree of height two held in primitive arrays, sorted leaves of at most
 * {@value #LEAF} ranges under one sorted array of leaf minima. A lookup is two binary searches over
 * arrays that stay in cache, where a binary tree of 10^4 areas would chase about 20 nodes. Ranges
 * never overlap (the caller's free tree guarantees it). Coordinates are signed non-negative offsets
 * from the owner's base, as in {@link VaTree}.
 */
final class BusyVaTree {
  /** Ranges per leaf; a full leaf splits in two. */
  static final int LEAF = 64;

  private long[][] starts = new long[4][];
  private long[][] ends = new long[4][];
  /** Per leaf entry: the slot of its owner in {@link #pool}. */
  private int[][] ids = new int[4][];
  /**
   * Owners by slot, so that shifting a leaf moves primitives only (no reference stores, which cost
   * a GC barrier each); free slots are chained through {@link #nextFree}.
   */
  private Object[] pool = new Object[64];
  private int[] nextFree = new int[64];
  private int freeSlot = -1;
  private int poolTop;
  private int[] lens = new int[4];
  /** Start of each leaf's first range; leaf 0's is Long.MIN_VALUE (it takes every lower key). */
  private long[] mins = new long[4];
  private int leaves = 1;
  private int count;

  BusyVaTree() {
    starts[0] = new long[LEAF];
    ends[0] = new long[LEAF];
    ids[0] = new int[LEAF];
    mins[0] = Long.MIN_VALUE;
  }

  int size() {
    return count;
  }

  /**
   * The leaf that holds (or would hold) {@code key}: the last leaf whose minimum is {@code <= key}.
   * The leaf found last is tried first (a finger: a free of the area just allocated, or a run of
   * neighbouring addresses, needs no search); any leaf passing that test is the same answer.
   */
  private int leafOf(long key) {
    int b = finger;
    if (b < leaves && mins[b] <= key && (b + 1 == leaves || key < mins[b + 1])) {
      return b;
    }
    int at = floorIn(mins, leaves, key);
    b = at < 0 ? 0 : at;
    finger = b;
    return b;
  }

  /** The leaf {@link #leafOf} found last (only a hint: it is checked before use). */
  private int finger;

  /** Index in {@code s[0, len)} of the last start {@code <= key}, or -1. */
  private static int floorIn(long[] s, int len, long key) {
    if (len == 0) {
      return -1;
    }
    // halving without a data-dependent branch (the compare becomes a conditional move)
    int lo = 0;
    int n = len;
    while (n > 1) {
      int half = n >>> 1;
      lo = s[lo + half] <= key ? lo + half : lo;
      n -= half;
    }
    return s[lo] <= key ? lo : lo - 1;
  }

  /** Adds {@code [start, end)} with {@code owner}; {@code start} must not be present. */
  void insert(long start, long end, Object owner) {
    int b = leafOf(start);
    int len = lens[b];
    if (len == LEAF) {
      split(b);
      if (start >= mins[b + 1]) {
        b++;
      }
      len = lens[b];
    }
    long[] s = starts[b];
    int at = floorIn(s, len, start) + 1;
    int move = len - at;
    if (move > 0) {
      System.arraycopy(s, at, s, at + 1, move);
      System.arraycopy(ends[b], at, ends[b], at + 1, move);
      System.arraycopy(ids[b], at, ids[b], at + 1, move);
    }
    s[at] = start;
    ends[b][at] = end;
    ids[b][at] = slotFor(owner);
    lens[b] = len + 1;
    if (at == 0 && b != 0) {
      mins[b] = start;
    }
    count++;
  }

  private int slotFor(Object owner) {
    int id = freeSlot;
    if (id >= 0) {
      freeSlot = nextFree[id];
    } else {
      if (poolTop == pool.length) {
        pool = Arrays.copyOf(pool, poolTop * 2);
        nextFree = Arrays.copyOf(nextFree, poolTop * 2);
      }
      id = poolTop++;
    }
    pool[id] = owner;
    return id;
  }

  private Object releaseSlot(int id) {
    Object o = pool[id];
    pool[id] = null;
    nextFree[id] = freeSlot;
    freeSlot = id;
    return o;
  }

  /** Splits full leaf {@code b} into two halves (leaf {@code b + 1} is the upper one). */
  private void split(int b) {
    if (leaves == lens.length) {
      int cap = leaves * 2;
      starts = Arrays.copyOf(starts, cap);
      ends = Arrays.copyOf(ends, cap);
      ids = Arrays.copyOf(ids, cap);
      lens = Arrays.copyOf(lens, cap);
      mins = Arrays.copyOf(mins, cap);
    }
    int move = leaves - (b + 1);
    System.arraycopy(starts, b + 1, starts, b + 2, move);
    System.arraycopy(ends, b + 1, ends, b + 2, move);
    System.arraycopy(ids, b + 1, ids, b + 2, move);
    System.arraycopy(lens, b + 1, lens, b + 2, move);
    System.arraycopy(mins, b + 1, mins, b + 2, move);
    leaves++;
    int half = LEAF / 2;
    long[] s = new long[LEAF];
    long[] e = new long[LEAF];
    int[] o = new int[LEAF];
    System.arraycopy(starts[b], half, s, 0, LEAF - half);
    System.arraycopy(ends[b], half, e, 0, LEAF - half);
    System.arraycopy(ids[b], half, o, 0, LEAF - half);
    starts[b + 1] = s;
    ends[b + 1] = e;
    ids[b + 1] = o;
    lens[b + 1] = LEAF - half;
    lens[b] = half;
    mins[b + 1] = s[0];
  }

  /** Position of the range starting exactly at {@code start}: {@code leaf << 32 | index}, or -1. */
  private long find(long start) {
    int b = leafOf(start);
    int i = floorIn(starts[b], lens[b], start);
    return i >= 0 && starts[b][i] == start ? (long) b << 32 | i : -1;
  }

  /** The owner of the range starting exactly at {@code start}, or null. */
  Object ownerAt(long start) {
    long p = find(start);
    return p < 0 ? null : pool[ids[(int) (p >>> 32)][(int) p]];
  }

  /** The owner of the range containing {@code addr}, or null. */
  Object ownerContaining(long addr) {
    int b = leafOf(addr);
    int i = floorIn(starts[b], lens[b], addr);
    return i >= 0 && addr < ends[b][i] ? pool[ids[b][i]] : null;
  }

  /**
   * Removes the range starting exactly at {@code start}; false (nothing changed) when none starts
   * there. The removed range's end and owner are then in {@link #lastEnd()} and
   * {@link #lastOwner()}.
   */
  boolean remove(long start) {
    Object o = removeOwner(start);
    if (o == ABSENT) {
      return false;
    }
    lastOwner = o;
    return true;
  }

  /** {@link #removeOwner}'s result when no range starts there. */
  static final Object ABSENT = new Object();

  /**
   * {@link #remove} returning the removed range's owner ({@link #ABSENT} when none starts at
   * {@code start}), its end in {@link #lastEnd()}; {@link #lastOwner()} is left unchanged (a
   * reference store into this long-lived object costs a GC barrier with a fence).
   */
  Object removeOwner(long start) {
    long p = find(start);
    if (p < 0) {
      return ABSENT;
    }
    int b = (int) (p >>> 32);
    int i = (int) p;
    Object owner = releaseSlot(ids[b][i]);
    lastEnd = ends[b][i];
    int len = lens[b];
    int move = len - 1 - i;
    if (move > 0) {
      System.arraycopy(starts[b], i + 1, starts[b], i, move);
      System.arraycopy(ends[b], i + 1, ends[b], i, move);
      System.arraycopy(ids[b], i + 1, ids[b], i, move);
    }
    lens[b] = len - 1;
    count--;
    if (len == 1 && leaves > 1) {
      dropLeaf(b);
    } else {
      if (i == 0 && b != 0 && len > 1) {
        mins[b] = starts[b][0];
      }
      if (len - 1 < LEAF / 4 && leaves > 1) {
        mergeSparse(b);
      }
    }
    return owner;
  }

  /**
   * Merges sparse leaf {@code b} with a neighbour when both fit in three quarters of a leaf, so
   * that frees keep the leaves (and the array of their minima that every lookup searches) dense.
   */
  private void mergeSparse(int b) {
    int left;
    if (b + 1 < leaves && lens[b] + lens[b + 1] <= LEAF * 3 / 4) {
      left = b;
    } else if (b > 0 && lens[b - 1] + lens[b] <= LEAF * 3 / 4) {
      left = b - 1;
    } else {
      return;
    }
    int right = left + 1;
    int at = lens[left];
    int n = lens[right];
    System.arraycopy(starts[right], 0, starts[left], at, n);
    System.arraycopy(ends[right], 0, ends[left], at, n);
    System.arraycopy(ids[right], 0, ids[left], at, n);
    lens[left] = at + n;
    lens[right] = 0;
    dropLeaf(right);
  }

  private long lastEnd;
  private Object lastOwner;

  /** Owner of the range the last successful {@link #remove} took out. */
  Object lastOwner() {
    return lastOwner;
  }

  /** End of the range the last successful {@link #remove} took out. */
  long lastEnd() {
    return lastEnd;
  }

  private void dropLeaf(int b) {
    if (b == 0) {
      // leaf 0 has no lower bound: the next leaf becomes the first
      starts[0] = starts[1];
      ends[0] = ends[1];
      ids[0] = ids[1];
      lens[0] = lens[1];
      b = 1;
    }
    int move = leaves - (b + 1);
    System.arraycopy(starts, b + 1, starts, b, move);
    System.arraycopy(ends, b + 1, ends, b, move);
    System.arraycopy(ids, b + 1, ids, b, move);
    System.arraycopy(lens, b + 1, lens, b, move);
    System.arraycopy(mins, b + 1, mins, b, move);
    leaves--;
    starts[leaves] = null;
    ends[leaves] = null;
    ids[leaves] = null;
  }

  /** Starts, ends and owners of every range in address order (fills the given arrays). */
  void inOrder(long[] s, long[] e, Object[] o) {
    int k = 0;
    for (int b = 0; b < leaves; b++) {
      int len = lens[b];
      System.arraycopy(starts[b], 0, s, k, len);
      System.arraycopy(ends[b], 0, e, k, len);
      int[] id = ids[b];
      for (int i = 0; i < len; i++) {
        o[k + i] = pool[id[i]];
      }
      k += len;
    }
  }

  /** Structural check for tests: leaves sorted, minima exact, count right; null when consistent. */
  String check() {
    long prev = Long.MIN_VALUE;
    int n = 0;
    for (int b = 0; b < leaves; b++) {
      int len = lens[b];
      if (len == 0 && leaves > 1) {
        return "empty busy leaf " + b;
      }
      if (b != 0 && starts[b][0] != mins[b]) {
        return "busy leaf " + b + " minimum is stale";
      }
      for (int i = 0; i < len; i++) {
        if (starts[b][i] <= prev) {
          return "busy ranges out of order at leaf " + b;
        }
        prev = starts[b][i];
      }
      n += len;
    }
    return n == count ? null : "busy count " + count + " but " + n + " ranges";
  }
}
