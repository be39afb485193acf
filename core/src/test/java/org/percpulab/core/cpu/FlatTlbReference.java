package org.percpulab.core.cpu;

import java.util.Arrays;

/**
 * The TLB as one flat slot array (the layout {@link Tlb} had before its storage became lazily
 * allocated chunks): the reference that {@code TlbChunkedStorageTest} runs beside {@link Tlb} to
 * show that chunked storage changes no hit, miss, eviction or flush.
 */
final class FlatTlbReference {
  private static final long EMPTY = -1L;
  private final int capacity;
  private final long[] data;
  private final int mask;
  private int size;
  private int hand;
  private long hits;
  private long misses;
  private long lastProt;
  /**
   * Bumped by every change of which entries are where or of their contents and referenced bits
   * other than a hit setting one: a CPU that remembers the entry it last hit may hit it again
   * without a lookup while this is unchanged (Cpu#translate).
   */
  private long version;

  FlatTlbReference(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("tlb.entries " + capacity + " must be >= 1");
    }
    this.capacity = capacity;
    int n = Integer.highestOneBit(Math.max(2, capacity) * 4 - 1);
    data = new long[n * 4];
    mask = n - 1;
    for (int i = 0; i < n; i++) {
      data[i << 2] = EMPTY;
    }
  }

  private static int mix(long v) {
    long h = v * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32);
  }

  /**
   * Looks {@code vpn} up; on a hit marks it referenced and returns the page's physical base
   * ({@link #lastProt()} holds its prot); on a miss returns -1. Counts hits and misses.
   */
  public long lookup(long v) {
    long[] d = data;
    int i = mix(v) & mask;
    while (true) {
      int j = i << 2;
      long k = d[j];
      if (k == v) {
        hits++;
        // stores only when the value changes: a hit is usually on a referenced entry
        if (d[j + 3] == 0) {
          d[j + 3] = 1;
        }
        long pr = d[j + 2];
        if (lastProt != pr) {
          lastProt = pr;
        }
        return d[j + 1];
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
      long k = data[i << 2];
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
    int j = slot << 2;
    data[j] = v;
    data[j + 1] = paPage;
    data[j + 2] = pr;
    data[j + 3] = 1;
    version++;
  }

  /** {@link #fill} of a VPN known to be absent (the walk after a {@link #lookup} miss). */
  void insertAbsent(long v, long paPage, long pr) {
    if (size == capacity) {
      evict();
    }
    int slot = mix(v) & mask;
    while (data[slot << 2] != EMPTY) {
      slot = (slot + 1) & mask;
    }
    size++;
    version++;
    int j = slot << 2;
    data[j] = v;
    data[j + 1] = paPage;
    data[j + 2] = pr;
    data[j + 3] = 1;
  }

  private void evict() {
    version++;
    while (true) {
      int j = hand << 2;
      if (data[j] != EMPTY) {
        if (data[j + 3] != 0) {
          data[j + 3] = 0;
        } else {
          removeSlot(hand);
          return;
        }
      }
      hand = (hand + 1) & mask;
    }
  }

  private void removeSlot(int i) {
    version++;
    size--;
    int hole = i;
    int j = (i + 1) & mask;
    while (data[j << 2] != EMPTY) {
      int home = mix(data[j << 2]) & mask;
      boolean move = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (move) {
        System.arraycopy(data, j << 2, data, hole << 2, 4);
        hole = j;
      }
      j = (j + 1) & mask;
    }
    data[hole << 2] = EMPTY;
    data[(hole << 2) + 3] = 0;
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
    int dropped = 0;
    if (count <= size) {
      for (long k = 0; k < count; k++) {
        if (flushVpn(vpnStart + k)) {
          dropped++;
        }
      }
      return dropped;
    }
    for (int i = 0; i <= mask; i++) {
      while (true) {
        long v = data[i << 2];
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
    Arrays.fill(data, 0);
    for (int i = 0; i <= mask; i++) {
      data[i << 2] = EMPTY;
    }
    size = 0;
    hand = 0;
    return n;
  }

  public int capacity() { return capacity; }

  public int size() { return size; }

  public long hits() { return hits; }

  public long misses() { return misses; }

  public void resetCounters() {
    hits = 0;
    misses = 0;
  }
}
