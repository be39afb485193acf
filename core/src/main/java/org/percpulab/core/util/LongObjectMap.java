package org.percpulab.core.util;

/**
 * Open-addressing (linear probing) map from a non-negative long key to a value, with backward-shift
 * deletion. Used for sparse page contents (core) and the percpu page-to-chunk map (mm-percpu, the
 * kernel's page->private); no boxing of keys. Not thread-safe.
 */
public final class LongObjectMap<V> {
  private static final long FREE = -1L;
  private long[] keys;
  private Object[] vals;
  private int size;
  private int mask;

  public LongObjectMap(int initialCapacity) {
    int cap = Integer.highestOneBit(Math.max(16, initialCapacity) * 2 - 1);
    keys = new long[cap];
    java.util.Arrays.fill(keys, FREE);
    vals = new Object[cap];
    mask = cap - 1;
  }

  private static int mix(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  @SuppressWarnings("unchecked")
  public V get(long key) {
    int i = mix(key) & mask;
    long[] ks = keys;
    while (true) {
      long k = ks[i];
      if (k == key) {
        return (V) vals[i];
      }
      if (k == FREE) {
        return null;
      }
      i = (i + 1) & mask;
    }
  }

  public void put(long key, V value) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int i = mix(key) & mask;
    while (true) {
      long k = keys[i];
      if (k == key) {
        vals[i] = value;
        return;
      }
      if (k == FREE) {
        keys[i] = key;
        vals[i] = value;
        size++;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  @SuppressWarnings("unchecked")
  public V remove(long key) {
    int i = mix(key) & mask;
    while (true) {
      long k = keys[i];
      if (k == FREE) {
        return null;
      }
      if (k == key) {
        break;
      }
      i = (i + 1) & mask;
    }
    V old = (V) vals[i];
    int hole = i;
    int j = (i + 1) & mask;
    while (keys[j] != FREE) {
      int home = mix(keys[j]) & mask;
      boolean move = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (move) {
        keys[hole] = keys[j];
        vals[hole] = vals[j];
        hole = j;
      }
      j = (j + 1) & mask;
    }
    keys[hole] = FREE;
    vals[hole] = null;
    size--;
    return old;
  }

  public int size() { return size; }

  /** Calls {@code f} for every entry (order unspecified). */
  @SuppressWarnings("unchecked")
  public void forEach(java.util.function.BiConsumer<Long, V> f) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != FREE) {
        f.accept(keys[i], (V) vals[i]);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void grow() {
    long[] ok = keys;
    Object[] ov = vals;
    keys = new long[ok.length * 2];
    java.util.Arrays.fill(keys, FREE);
    vals = new Object[ok.length * 2];
    mask = keys.length - 1;
    size = 0;
    for (int i = 0; i < ok.length; i++) {
      if (ok[i] != FREE) {
        put(ok[i], (V) ov[i]);
      }
    }
  }
}
