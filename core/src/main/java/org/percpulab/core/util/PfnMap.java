package org.percpulab.core.util;

/**
 * A map from a page frame number to a value for dense PFN ranges (the kernel keeps such data in
 * {@code struct page}, e.g. percpu's {@code page->private} chunk pointer): a radix array of
 * 2^20-frame regions (found through a {@link LongObjectMap}, one entry per region) over lazily
 * allocated 1024-entry leaves, so a lookup is one small-map probe and two array loads, with no
 * hashing per frame and no backward-shift deletes. Keys are non-negative. Not thread-safe.
 */
public final class PfnMap<V> {
  private static final int BITS = 10;
  private static final int MASK = (1 << BITS) - 1;
  private final LongObjectMap<Object[][]> regions = new LongObjectMap<>(16);
  private long lastRegionKey = -1;
  private Object[][] lastRegion;
  private int size;

  private Object[][] region(long pfn, boolean create) {
    long key = pfn >>> (2 * BITS);
    if (key == lastRegionKey) {
      return lastRegion;
    }
    Object[][] r = regions.get(key);
    if (r == null) {
      if (!create) {
        return null;
      }
      r = new Object[1 << BITS][];
      regions.put(key, r);
    }
    lastRegionKey = key;
    lastRegion = r;
    return r;
  }

  @SuppressWarnings("unchecked")
  public V get(long pfn) {
    Object[][] r = region(pfn, false);
    if (r == null) {
      return null;
    }
    Object[] leaf = r[(int) (pfn >>> BITS) & MASK];
    return leaf == null ? null : (V) leaf[(int) pfn & MASK];
  }

  public void put(long pfn, V value) {
    Object[][] r = region(pfn, true);
    int m = (int) (pfn >>> BITS) & MASK;
    Object[] leaf = r[m];
    if (leaf == null) {
      leaf = new Object[1 << BITS];
      r[m] = leaf;
    }
    int i = (int) pfn & MASK;
    if (leaf[i] == null && value != null) {
      size++;
    } else if (leaf[i] != null && value == null) {
      size--;
    }
    leaf[i] = value;
  }

  /** Removes the value of {@code pfn}; returns it (null when none). */
  public V remove(long pfn) {
    V old = get(pfn);
    if (old != null) {
      put(pfn, null);
    }
    return old;
  }

  public int size() { return size; }
}
