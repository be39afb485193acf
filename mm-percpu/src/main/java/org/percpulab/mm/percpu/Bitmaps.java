package org.percpulab.mm.percpu;

/**
 * Word-level bitmap helpers over {@code long[]}, mirroring the semantics of the kernel's
 * include/linux/find.h and lib/bitmap.c helpers that mm/percpu.c uses (find_next_bit,
 * find_next_zero_bit, find_last_bit, bitmap_set, bitmap_clear). Bit {@code i} is bit {@code i & 63}
 * of word {@code i >>> 6}. Hot path: no allocation.
 */
public final class Bitmaps {
  private Bitmaps() {}

  public static int words(int bits) {
    return (bits + 63) >>> 6;
  }

  public static boolean test(long[] map, int bit) {
    return (map[bit >>> 6] & (1L << bit)) != 0;
  }

  public static void setBit(long[] map, int bit) {
    map[bit >>> 6] |= 1L << bit;
  }

  public static void clearBit(long[] map, int bit) {
    map[bit >>> 6] &= ~(1L << bit);
  }

  /** First set bit in {@code [start, size)}, or {@code size} if none (find_next_bit). */
  public static int nextSet(long[] map, int size, int start) {
    if (start >= size) {
      return size;
    }
    int w = start >>> 6;
    long word = map[w] & (-1L << start);
    while (true) {
      if (word != 0) {
        int r = (w << 6) + Long.numberOfTrailingZeros(word);
        return Math.min(r, size);
      }
      w++;
      if ((w << 6) >= size) {
        return size;
      }
      word = map[w];
    }
  }

  /** First clear bit in {@code [start, size)}, or {@code size} if none (find_next_zero_bit). */
  public static int nextClear(long[] map, int size, int start) {
    if (start >= size) {
      return size;
    }
    int w = start >>> 6;
    long word = ~map[w] & (-1L << start);
    while (true) {
      if (word != 0) {
        int r = (w << 6) + Long.numberOfTrailingZeros(word);
        return Math.min(r, size);
      }
      w++;
      if ((w << 6) >= size) {
        return size;
      }
      word = ~map[w];
    }
  }

  /** Last set bit in {@code [0, size)}, or {@code size} if none (find_last_bit). */
  public static int lastSet(long[] map, int size) {
    if (size <= 0) {
      return size;
    }
    int w = (size - 1) >>> 6;
    int topBits = size & 63;
    long word = map[w];
    if (topBits != 0) {
      word &= (1L << topBits) - 1;
    }
    while (true) {
      if (word != 0) {
        return (w << 6) + 63 - Long.numberOfLeadingZeros(word);
      }
      if (w == 0) {
        return size;
      }
      w--;
      word = map[w];
    }
  }

  /** Like {@link #nextSet} on the sub-map that starts at bit {@code base}. */
  public static int nextSetFrom(long[] map, int base, int size, int start) {
    return nextSet(map, base + size, base + start) - base;
  }

  /** Like {@link #nextClear} on the sub-map that starts at bit {@code base}. */
  public static int nextClearFrom(long[] map, int base, int size, int start) {
    return nextClear(map, base + size, base + start) - base;
  }

  /** find_last_bit on the sub-map that starts at bit {@code base}; {@code size} if none. */
  public static int lastSetFrom(long[] map, int base, int size) {
    if (size <= 0) {
      return size;
    }
    int last = lastSetInRange(map, base, base + size);
    return last < 0 ? size : last - base;
  }

  private static int lastSetInRange(long[] map, int from, int to) {
    int w = (to - 1) >>> 6;
    int topBits = to & 63;
    long word = map[w];
    if (topBits != 0) {
      word &= (1L << topBits) - 1;
    }
    int fromWord = from >>> 6;
    while (true) {
      if (w == fromWord) {
        word &= -1L << from;
      }
      if (word != 0) {
        return (w << 6) + 63 - Long.numberOfLeadingZeros(word);
      }
      if (w == fromWord) {
        return -1;
      }
      w--;
      word = map[w];
    }
  }

  /** Sets bits {@code [start, start+n)} (bitmap_set). */
  public static void set(long[] map, int start, int n) {
    if (n <= 0) {
      return;
    }
    int end = start + n;
    int ws = start >>> 6;
    int we = (end - 1) >>> 6;
    long first = -1L << start;
    long last = -1L >>> (63 - ((end - 1) & 63));
    if (ws == we) {
      map[ws] |= first & last;
      return;
    }
    map[ws] |= first;
    for (int w = ws + 1; w < we; w++) {
      map[w] = -1L;
    }
    map[we] |= last;
  }

  /** Clears bits {@code [start, start+n)} (bitmap_clear). */
  public static void clear(long[] map, int start, int n) {
    if (n <= 0) {
      return;
    }
    int end = start + n;
    int ws = start >>> 6;
    int we = (end - 1) >>> 6;
    long first = -1L << start;
    long last = -1L >>> (63 - ((end - 1) & 63));
    if (ws == we) {
      map[ws] &= ~(first & last);
      return;
    }
    map[ws] &= ~first;
    for (int w = ws + 1; w < we; w++) {
      map[w] = 0;
    }
    map[we] &= ~last;
  }

  /** Number of set bits in {@code [0, size)}. */
  public static int weight(long[] map, int size) {
    int n = 0;
    int full = size >>> 6;
    for (int w = 0; w < full; w++) {
      n += Long.bitCount(map[w]);
    }
    if ((size & 63) != 0) {
      n += Long.bitCount(map[full] & ((1L << size) - 1));
    }
    return n;
  }
}
