package org.percpulab.core.cpu;

import java.util.Arrays;

/**
 * A TLB of page-granular, global (non-ASID) kernel entries with exact LRU replacement: open
 * addressing on the VPN plus an intrusive doubly-linked LRU list in arrays. A block mapping is cached
 * one page at a time (a model simplification: real TLBs hold block entries).
 *
 * <p>Entries are keyed by VPN only, like global kernel entries: if two CPUs share this TLB (SMT
 * siblings, {@code tlb.shared=smt}) and run different per-CPU tables, one can hit the other's entry —
 * the wrong-copy access that makes the seed series refuse the local map on such machines.
 */
public final class Tlb {
  private final int capacity;
  private final int[] slots;
  private final int mask;
  private final long[] vpn;
  private final long[] pa;
  private final long[] prot;
  private final int[] prev;
  private final int[] next;
  private int head = -1;
  private int tail = -1;
  private int size;
  private int freeTop;
  private final int[] freeList;
  private long hits;
  private long misses;
  private long lastProt;

  public Tlb(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("tlb.entries " + capacity + " must be >= 1");
    }
    this.capacity = capacity;
    int n = Integer.highestOneBit(Math.max(2, capacity) * 4 - 1);
    slots = new int[n];
    mask = n - 1;
    vpn = new long[capacity];
    pa = new long[capacity];
    prot = new long[capacity];
    prev = new int[capacity];
    next = new int[capacity];
    freeList = new int[capacity];
    for (int i = 0; i < capacity; i++) {
      freeList[i] = capacity - 1 - i;
    }
    freeTop = capacity;
  }

  private static int mix(long v) {
    long h = v * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32);
  }

  /**
   * Looks {@code vpn} up; on a hit moves it to the MRU position and returns the page's physical
   * base ({@link #lastProt()} holds its prot); on a miss returns -1. Counts hits and misses.
   */
  public long lookup(long v) {
    int[] s = slots;
    int i = mix(v) & mask;
    while (true) {
      int e = s[i] - 1;
      if (e < 0) {
        misses++;
        return -1;
      }
      if (vpn[e] == v) {
        hits++;
        if (e != head) {
          touch(e);
        }
        lastProt = prot[e];
        return pa[e];
      }
      i = (i + 1) & mask;
    }
  }

  /** True when {@code vpn} is cached (no counting, no LRU update). */
  public boolean contains(long v) {
    return find(v) >= 0;
  }

  private int find(long v) {
    int i = mix(v) & mask;
    while (true) {
      int e = slots[i] - 1;
      if (e < 0) {
        return -1;
      }
      if (vpn[e] == v) {
        return i;
      }
      i = (i + 1) & mask;
    }
  }

  public long lastProt() { return lastProt; }

  private void touch(int e) {
    int p = prev[e];
    int n = next[e];
    next[p] = n;
    if (n >= 0) {
      prev[n] = p;
    } else {
      tail = p;
    }
    prev[e] = -1;
    next[e] = head;
    prev[head] = e;
    head = e;
  }

  /** Inserts (or refreshes) {@code vpn -> paPage}, evicting the LRU entry when full. */
  public void fill(long v, long paPage, long pr) {
    int slot = find(v);
    if (slot >= 0) {
      int e = slots[slot] - 1;
      pa[e] = paPage;
      prot[e] = pr;
      if (e != head) {
        touch(e);
      }
      return;
    }
    if (size == capacity) {
      removeSlot(find(vpn[tail]));
    }
    int e = freeList[--freeTop];
    vpn[e] = v;
    pa[e] = paPage;
    prot[e] = pr;
    prev[e] = -1;
    next[e] = head;
    if (head >= 0) {
      prev[head] = e;
    } else {
      tail = e;
    }
    head = e;
    size++;
    int i = mix(v) & mask;
    while (slots[i] != 0) {
      i = (i + 1) & mask;
    }
    slots[i] = e + 1;
  }

  private void removeSlot(int i) {
    int e = slots[i] - 1;
    int p = prev[e];
    int n = next[e];
    if (p >= 0) {
      next[p] = n;
    } else {
      head = n;
    }
    if (n >= 0) {
      prev[n] = p;
    } else {
      tail = p;
    }
    freeList[freeTop++] = e;
    size--;
    int hole = i;
    int j = (i + 1) & mask;
    while (slots[j] != 0) {
      int home = mix(vpn[slots[j] - 1]) & mask;
      boolean move = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (move) {
        slots[hole] = slots[j];
        hole = j;
      }
      j = (j + 1) & mask;
    }
    slots[hole] = 0;
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
      while (slots[i] != 0) {
        long v = vpn[slots[i] - 1];
        if (v - vpnStart >= 0 && v - vpnStart < count) {
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
    int n = size;
    Arrays.fill(slots, 0);
    size = 0;
    head = -1;
    tail = -1;
    for (int i = 0; i < capacity; i++) {
      freeList[i] = capacity - 1 - i;
    }
    freeTop = capacity;
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
