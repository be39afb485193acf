package org.percpulab.core.cpu;

import java.util.Arrays;

/**
 * A TLB of page-granular, global (non-ASID) kernel entries: an open-addressing table on the VPN
 * (entries interleaved in one {@code long[]}: vpn, pa, prot, referenced) with CLOCK replacement, the
 * usual hardware-friendly approximation of LRU (a hit only sets the referenced bit). A block mapping
 * is cached one page at a time (a model simplification: real TLBs hold block entries).
 *
 * <p>Entries are keyed by VPN only, like global kernel entries: if two CPUs share this TLB (SMT
 * siblings, {@code tlb.shared=smt}) and run different per-CPU tables, one can hit the other's entry —
 * the wrong-copy access that makes the seed series refuse the local map on such machines.
 */
public final class Tlb {
  private static final long EMPTY = -1L;
  /**
   * Slots per storage chunk. The slot table is one open-addressing table of {@code mask + 1}
   * slots, stored as lazily allocated chunks of {@value #CHUNK_SLOTS} slots (4 longs each): a chunk
   * that never held an entry is null and reads as empty, so an idle CPU's TLB costs no table. The
   * slot layout (home slot, probing, CLOCK hand order) is exactly that of one flat array.
   */
  private static final int CHUNK_SHIFT = 6;
  private static final int CHUNK_SLOTS = 1 << CHUNK_SHIFT;
  private static final int CHUNK_MASK = CHUNK_SLOTS - 1;
  private final int capacity;
  private final long[][] chunks;
  /**
   * Occupied slots of each chunk as a bit mask (bit k = slot k of the chunk), so that a broadcast
   * range flush visits only occupied slots, in the same ascending order as a scan of every slot.
   */
  private final long[] occupied;
  private final int mask;
  /**
   * The cached VPNs in ascending order ({@link #size} of them), so that a range flush that covers
   * none of them returns at once (it would drop nothing and change nothing). Grown on demand.
   */
  private long[] sortedVpns = new long[0];
  private int size;
  private int hand;
  private long hits;
  private long misses;
  private long lastProt;
  /**
   * Bumped by every change of which entries are where or of their contents and referenced bits
   * other than a hit setting one: a CPU that remembers the entry it last hit may hit it again
   * without a lookup while this is unchanged ({@link Cpu#translate}).
   */
  private long version;

  public Tlb(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("tlb.entries " + capacity + " must be >= 1");
    }
    this.capacity = capacity;
    int n = Integer.highestOneBit(Math.max(2, capacity) * 4 - 1);
    int nChunks = Math.max(1, n >>> CHUNK_SHIFT);
    chunks = new long[nChunks][];
    occupied = new long[nChunks];
    mask = n - 1;
  }

  private static int mix(long v) {
    long h = v * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32);
  }

  /** The VPN in slot {@code i}, or EMPTY. */
  private long key(int i) {
    long[] c = chunks[i >>> CHUNK_SHIFT];
    return c == null ? EMPTY : c[(i & CHUNK_MASK) << 2];
  }

  private long[] chunkForWrite(int i) {
    int ci = i >>> CHUNK_SHIFT;
    long[] c = chunks[ci];
    if (c == null) {
      c = new long[Math.min(CHUNK_SLOTS, mask + 1) << 2];
      for (int k = 0; k < c.length; k += 4) {
        c[k] = EMPTY;
      }
      chunks[ci] = c;
    }
    return c;
  }

  /**
   * Looks {@code vpn} up; on a hit marks it referenced and returns the page's physical base
   * ({@link #lastProt()} holds its prot); on a miss returns -1. Counts hits and misses.
   */
  public long lookup(long v) {
    long[][] cs = chunks;
    int i = mix(v) & mask;
    while (true) {
      long[] c = cs[i >>> CHUNK_SHIFT];
      if (c == null) {
        misses++;
        return -1;
      }
      int j = (i & CHUNK_MASK) << 2;
      long k = c[j];
      if (k == v) {
        hits++;
        // stores only when the value changes: a hit is usually on a referenced entry
        if (c[j + 3] == 0) {
          c[j + 3] = 1;
        }
        long pr = c[j + 2];
        if (lastProt != pr) {
          lastProt = pr;
        }
        return c[j + 1];
      }
      if (k == EMPTY) {
        misses++;
        return -1;
      }
      i = (i + 1) & mask;
    }
  }

  /** True when {@code vpn} is cached (no counting, no reference update). */
  public boolean contains(long v) {
    return find(v) >= 0;
  }

  private int find(long v) {
    int i = mix(v) & mask;
    while (true) {
      long k = key(i);
      if (k == v) {
        return i;
      }
      if (k == EMPTY) {
        return -1;
      }
      i = (i + 1) & mask;
    }
  }

  public long lastProt() { return lastProt; }

  long version() { return version; }

  /**
   * A hit on the entry a CPU remembers from its last lookup or fill, with {@link #version}
   * unchanged since: the entry is still there and referenced, so only the counting and
   * {@link #lastProt()} of {@link #lookup} are left.
   */
  void rememberedHit(long prot) {
    hits++;
    if (lastProt != prot) {
      lastProt = prot;
    }
  }

  /**
   * Counts {@code n} further {@link #lookup} hits on the entry the previous lookup hit or the previous
   * fill inserted (its referenced bit is already set), whose prot is {@code prot}.
   */
  void repeatHits(int n, long prot) {
    hits += n;
    if (lastProt != prot) {
      lastProt = prot;
    }
  }

  /** Inserts (or refreshes) {@code vpn -> paPage}; when full, evicts the CLOCK victim first. */
  public void fill(long v, long paPage, long pr) {
    int slot = find(v);
    if (slot < 0) {
      insertAbsent(v, paPage, pr);
      return;
    }
    long[] c = chunks[slot >>> CHUNK_SHIFT];
    int j = (slot & CHUNK_MASK) << 2;
    c[j] = v;
    c[j + 1] = paPage;
    c[j + 2] = pr;
    c[j + 3] = 1;
    version++;
  }

  /** {@link #fill} of a VPN known to be absent (the walk after a {@link #lookup} miss). */
  void insertAbsent(long v, long paPage, long pr) {
    if (size == capacity) {
      evict();
    }
    int slot = mix(v) & mask;
    while (key(slot) != EMPTY) {
      slot = (slot + 1) & mask;
    }
    indexAdd(v);
    size++;
    version++;
    long[] c = chunkForWrite(slot);
    occupied[slot >>> CHUNK_SHIFT] |= 1L << (slot & CHUNK_MASK);
    int j = (slot & CHUNK_MASK) << 2;
    c[j] = v;
    c[j + 1] = paPage;
    c[j + 2] = pr;
    c[j + 3] = 1;
  }

  private void evict() {
    version++;
    while (true) {
      long[] c = chunks[hand >>> CHUNK_SHIFT];
      if (c == null) {
        hand = ((hand | CHUNK_MASK) + 1) & mask;
        continue;
      }
      int j = (hand & CHUNK_MASK) << 2;
      if (c[j] != EMPTY) {
        if (c[j + 3] != 0) {
          c[j + 3] = 0;
        } else {
          removeSlot(hand);
          return;
        }
      }
      hand = (hand + 1) & mask;
    }
  }

  /** Index in {@link #sortedVpns} of the first VPN >= {@code v} (or {@link #size}). */
  private int lowerBound(long v) {
    int lo = 0;
    int hi = size;
    long[] a = sortedVpns;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Adds {@code v} (absent) to the sorted index; call before {@link #size} grows. */
  private void indexAdd(long v) {
    int at = lowerBound(v);
    if (size == sortedVpns.length) {
      sortedVpns = Arrays.copyOf(sortedVpns, Math.max(8, Math.min(capacity, size * 2)));
    }
    System.arraycopy(sortedVpns, at, sortedVpns, at + 1, size - at);
    sortedVpns[at] = v;
  }

  /** Removes cached {@code v} from the sorted index; call before {@link #size} shrinks. */
  private void indexRemove(long v) {
    int at = lowerBound(v);
    System.arraycopy(sortedVpns, at + 1, sortedVpns, at, size - at - 1);
  }

  private void removeSlot(int i) {
    indexRemove(key(i));
    version++;
    size--;
    int hole = i;
    int j = (i + 1) & mask;
    while (true) {
      long kj = key(j);
      if (kj == EMPTY) {
        break;
      }
      int home = mix(kj) & mask;
      boolean move = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (move) {
        long[] src = chunks[j >>> CHUNK_SHIFT];
        long[] dst = chunks[hole >>> CHUNK_SHIFT];
        System.arraycopy(src, (j & CHUNK_MASK) << 2, dst, (hole & CHUNK_MASK) << 2, 4);
        hole = j;
      }
      j = (j + 1) & mask;
    }
    long[] h = chunks[hole >>> CHUNK_SHIFT];
    int hj = (hole & CHUNK_MASK) << 2;
    h[hj] = EMPTY;
    h[hj + 3] = 0;
    occupied[hole >>> CHUNK_SHIFT] &= ~(1L << (hole & CHUNK_MASK));
  }

  /** Invalidates {@code vpn}; returns true if it was cached. */
  public boolean flushVpn(long v) {
    int i = find(v);
    if (i < 0) {
      return false;
    }
    removeSlot(i);
    return true;
  }

  /** Invalidates {@code [vpnStart, vpnStart+count)}; returns the number of entries dropped. */
  public int flushRange(long vpnStart, long count) {
    if (size == 0) {
      return 0;
    }
    int at = lowerBound(vpnStart);
    if (at == size || sortedVpns[at] - vpnStart >= count) {
      // no cached VPN in the range: nothing to drop
      return 0;
    }
    int dropped = 0;
    if (count <= size) {
      for (long k = 0; k < count; k++) {
        if (flushVpn(vpnStart + k)) {
          dropped++;
        }
      }
      return dropped;
    }
    // visits the occupied slots in ascending order, as a scan of every slot would (an empty slot
    // drops nothing); the mask is re-read after each slot since removals shift entries
    for (int i = 0; i <= mask; i++) {
      long occ = occupied[i >>> CHUNK_SHIFT] & (-1L << (i & CHUNK_MASK));
      if (occ == 0) {
        i |= CHUNK_MASK;
        continue;
      }
      i = (i & ~CHUNK_MASK) | Long.numberOfTrailingZeros(occ);
      while (true) {
        long v = key(i);
        if (v != EMPTY && v - vpnStart >= 0 && v - vpnStart < count) {
          removeSlot(i);
          dropped++;
        } else {
          break;
        }
      }
    }
    return dropped;
  }

  /** Invalidates everything; returns the number of entries dropped. */
  public int flushAll() {
    version++;
    int n = size;
    if (n == 0) {
      hand = 0;
      return 0;
    }
    for (int ci = 0; ci < chunks.length; ci++) {
      long[] c = chunks[ci];
      if (c != null && occupied[ci] != 0) {
        Arrays.fill(c, 0);
        for (int k = 0; k < c.length; k += 4) {
          c[k] = EMPTY;
        }
        occupied[ci] = 0;
      }
    }
    size = 0;
    hand = 0;
    return n;
  }

  public int capacity() { return capacity; }

  public int size() { return size; }

  /** Storage chunks allocated so far (each {@value #CHUNK_SLOTS} slots of 32 bytes). */
  public int allocatedChunks() {
    int n = 0;
    for (long[] c : chunks) {
      if (c != null) {
        n++;
      }
    }
    return n;
  }

  public long hits() { return hits; }

  public long misses() { return misses; }

  public void resetCounters() {
    hits = 0;
    misses = 0;
  }
}
