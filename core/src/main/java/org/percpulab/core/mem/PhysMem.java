package org.percpulab.core.mem;

/**
 * Simulated physical memory (the kernel's RAM as seen through {@code struct page} / PFNs): frames
 * {@code [basePfn, basePfn + frames)}, contents stored sparsely as 64-bit words so that a page never
 * written costs nothing. Contents are kept in blocks of {@value #BLOCK_BYTES} bytes, allocated on
 * the first non-zero write to the block, so a page of which only a few words were written (a
 * per-CPU page table mapping one unit, a percpu page holding a few counters) costs only those
 * blocks. Resident blocks are found through a three-level radix array on the block index (like a
 * page table: directories allocated on first write), so a lookup is three array loads and never
 * hashes or probes. Little-endian byte order (arm64, x86; s390 is big-endian but nothing in the
 * model depends on byte order across differently-sized accesses of one word).
 *
 * <p>Accesses outside RAM throw {@link IllegalArgumentException}; reads of unwritten memory return 0.
 * Not thread-safe: one simulated machine is driven by one Java thread.
 */
public final class PhysMem {
  /** Bytes per storage block (64 words). */
  public static final int BLOCK_BYTES = 512;
  private static final int BLOCK_SHIFT = 9;
  private static final long BLOCK_MASK = BLOCK_BYTES - 1;
  private static final int BLOCK_WORDS = BLOCK_BYTES >>> 3;
  private final int pageShift;
  private final long pageMask;
  private final long basePfn;
  private final long frames;
  /** Frame-relative block indices per page. */
  private final int blocksPerPage;
  /** Block number of the first byte of RAM. */
  private final long baseBlk;
  /** Block index bits resolved by each of the two lower radix levels. */
  private static final int RADIX_BITS = 10;
  private static final int RADIX_MASK = (1 << RADIX_BITS) - 1;
  /** blocks[i >>> 20][(i >>> 10) & 1023][i & 1023] = contents of block i of RAM, or null. */
  private final long[][][][] blocks;
  private int residentBlocks;
  /**
   * Bit f set: frame f (relative to the first frame) has a resident block. Cleared only by
   * {@link #discard}, the one place blocks stop being resident, which drops whole frames.
   */
  private final long[] residentFrames;
  private int residentPages;
  /**
   * Direct-mapped cache of resident blocks (block number → contents) in front of {@link #blocks}:
   * the page walk, PTE-level map/unmap loops and this_cpu ops touch a few blocks over and over.
   * Only resident blocks are cached; {@link #discard} invalidates.
   */
  private static final int CACHE_SLOTS = 64;
  private final long[] cacheBlk = new long[CACHE_SLOTS];
  private final long[][] cacheWords = new long[CACHE_SLOTS][];
  /** Bumped by every {@link #discard}: a block array handed out earlier may no longer be resident. */
  private long generation;

  /**
   * @param pageShift log2 of the page size
   * @param startPa physical address of the first frame (PHYS_OFFSET), page aligned
   * @param bytes RAM size, a multiple of the page size
   */
  public PhysMem(int pageShift, long startPa, long bytes) {
    if (pageShift < 12 || pageShift > 20) {
      throw new IllegalArgumentException("page shift " + pageShift + " not in 12..20");
    }
    long ps = 1L << pageShift;
    if ((startPa & (ps - 1)) != 0 || bytes <= 0 || (bytes & (ps - 1)) != 0) {
      throw new IllegalArgumentException("RAM [0x" + Long.toHexString(startPa) + " + 0x"
          + Long.toHexString(bytes) + ") must be page aligned and non-empty");
    }
    this.pageShift = pageShift;
    this.pageMask = ps - 1;
    this.basePfn = startPa >>> pageShift;
    this.frames = bytes >>> pageShift;
    this.blocksPerPage = (int) (ps >>> BLOCK_SHIFT);
    this.baseBlk = startPa >>> BLOCK_SHIFT;
    long nBlocks = frames * blocksPerPage;
    this.blocks = new long[(int) (((nBlocks - 1) >>> (2 * RADIX_BITS)) + 1)][][][];
    this.residentFrames = new long[(int) ((frames + 63) >>> 6)];
    java.util.Arrays.fill(cacheBlk, -1L);
  }

  public int pageShift() { return pageShift; }

  public long pageSize() { return pageMask + 1; }

  /** First PFN of RAM. */
  public long basePfn() { return basePfn; }

  /** Number of page frames. */
  public long frames() { return frames; }

  public long startPa() { return basePfn << pageShift; }

  /** Bytes of RAM. */
  public long bytes() { return frames << pageShift; }

  /** True when {@code pfn} is a RAM frame (pfn_valid). */
  public boolean pfnValid(long pfn) {
    return pfn >= basePfn && pfn - basePfn < frames;
  }

  /** Pages that hold contents (were written since allocation); a measure of simulator heap use. */
  public int residentPages() { return residentPages; }

  /** Storage blocks of {@value #BLOCK_BYTES} bytes that hold contents. */
  public int residentBlocks() { return residentBlocks; }

  /** The contents of RAM block {@code i} (relative to the start of RAM, in range), or null. */
  private long[] lookup(long i) {
    long[][][] mid = blocks[(int) (i >>> (2 * RADIX_BITS))];
    if (mid == null) {
      return null;
    }
    long[][] leaf = mid[(int) (i >>> RADIX_BITS) & RADIX_MASK];
    return leaf == null ? null : leaf[(int) i & RADIX_MASK];
  }

  private void store(long i, long[] p) {
    int top = (int) (i >>> (2 * RADIX_BITS));
    long[][][] mid = blocks[top];
    if (mid == null) {
      mid = new long[1 << RADIX_BITS][][];
      blocks[top] = mid;
    }
    int m = (int) (i >>> RADIX_BITS) & RADIX_MASK;
    long[][] leaf = mid[m];
    if (leaf == null) {
      leaf = new long[1 << RADIX_BITS][];
      mid[m] = leaf;
    }
    long[] old = leaf[(int) i & RADIX_MASK];
    leaf[(int) i & RADIX_MASK] = p;
    if (old == null && p != null) {
      residentBlocks++;
      long f = i / blocksPerPage;
      long bit = 1L << f;
      if ((residentFrames[(int) (f >>> 6)] & bit) == 0) {
        residentFrames[(int) (f >>> 6)] |= bit;
        residentPages++;
      }
    } else if (old != null && p == null) {
      residentBlocks--;
    }
  }

  /** True when frame {@code f} (relative to the first frame) has no resident block. */
  private boolean frameEmpty(long f) {
    return (residentFrames[(int) (f >>> 6)] & (1L << f)) == 0;
  }

  private long[] block(long pa) {
    long blk = pa >>> BLOCK_SHIFT;
    int slot = (int) blk & (CACHE_SLOTS - 1);
    if (cacheBlk[slot] == blk) {
      // only RAM blocks are ever cached
      return cacheWords[slot];
    }
    return blockMiss(pa, blk, slot);
  }

  private long[] blockMiss(long pa, long blk, int slot) {
    long pfn = pa >>> pageShift;
    if (pfn - basePfn >= frames || pfn < basePfn) {
      throw new IllegalArgumentException("physical address 0x" + Long.toHexString(pa)
          + " outside RAM [0x" + Long.toHexString(startPa()) + ", 0x"
          + Long.toHexString(startPa() + bytes()) + ")");
    }
    // a frame with no resident block (most of a sparse percpu unit) needs no radix walk
    if (frameEmpty(pfn - basePfn)) {
      return null;
    }
    long[] p = lookup(blk - baseBlk);
    if (p != null) {
      cacheBlk[slot] = blk;
      cacheWords[slot] = p;
    }
    return p;
  }

  private long[] blockForWrite(long pa) {
    long[] p = block(pa);
    if (p == null) {
      p = new long[BLOCK_WORDS];
      long blk = pa >>> BLOCK_SHIFT;
      store(blk - baseBlk, p);
      int slot = (int) blk & (CACHE_SLOTS - 1);
      cacheBlk[slot] = blk;
      cacheWords[slot] = p;
    }
    return p;
  }

  /**
   * The contents of the resident {@value #BLOCK_BYTES}-byte block holding {@code pa} as 64-bit
   * words (word {@code (pa & (BLOCK_BYTES - 1)) >>> 3}), or null when the block holds nothing yet;
   * throws like {@link #read} outside RAM. For a caller that reads and writes one aligned word with
   * one lookup (the executor's fused this_cpu RMW); writes through it are writes to this memory.
   */
  public long[] residentWords(long pa) {
    return block(pa);
  }

  /**
   * {@link #residentWords} ({@code create} false) or the block made resident ({@code create} true)
   * without going through the block cache and without filling it: for a loop that visits a block
   * once (a run of PTEs), where a fill would evict a hotter block and costs a reference store into
   * this long-lived object (a GC barrier with a fence). Same contents and residency either way.
   */
  public long[] blockWords(long pa, boolean create) {
    long blk = pa >>> BLOCK_SHIFT;
    int slot = (int) blk & (CACHE_SLOTS - 1);
    if (cacheBlk[slot] == blk) {
      return cacheWords[slot];
    }
    long pfn = pa >>> pageShift;
    if (pfn - basePfn >= frames || pfn < basePfn) {
      return blockMiss(pa, blk, slot);
    }
    long[] p = frameEmpty(pfn - basePfn) ? null : lookup(blk - baseBlk);
    if (p == null && create) {
      p = new long[BLOCK_WORDS];
      store(blk - baseBlk, p);
    }
    return p;
  }

  /**
   * Changes whenever blocks stop being resident ({@link #discard}); a caller that keeps a
   * {@link #residentWords} array may use it while the generation is unchanged.
   */
  public long generation() { return generation; }

  /** Aligned 64-bit read ({@code pa} must be 8-byte aligned). */
  public long read64(long pa) {
    long[] p = block(pa);
    return p == null ? 0L : p[(int) ((pa & BLOCK_MASK) >>> 3)];
  }

  /** Aligned 64-bit write ({@code pa} must be 8-byte aligned). */
  public void write64(long pa, long value) {
    long[] p = block(pa);
    if (p == null) {
      if (value == 0) {
        return;
      }
      p = blockForWrite(pa);
    }
    p[(int) ((pa & BLOCK_MASK) >>> 3)] = value;
  }

  /**
   * Reads {@code size} (1, 2, 4 or 8) bytes at {@code pa}, zero-extended. Naturally aligned accesses
   * are one word access; unaligned ones are assembled byte by byte.
   */
  public long read(long pa, int size) {
    int shift = (int) (pa & 7) << 3;
    if ((pa & (size - 1)) == 0) {
      long w = read64(pa & ~7L);
      return size == 8 ? w : (w >>> shift) & ((1L << (size << 3)) - 1);
    }
    long v = 0;
    for (int i = 0; i < size; i++) {
      v |= read(pa + i, 1) << (i << 3);
    }
    return v;
  }

  /** Writes the low {@code size} (1, 2, 4 or 8) bytes of {@code value} at {@code pa}. */
  public void write(long pa, int size, long value) {
    if ((pa & (size - 1)) == 0) {
      if (size == 8) {
        write64(pa, value);
        return;
      }
      int shift = (int) (pa & 7) << 3;
      long m = ((1L << (size << 3)) - 1) << shift;
      long wpa = pa & ~7L;
      long w = read64(wpa);
      write64(wpa, (w & ~m) | ((value << shift) & m));
      return;
    }
    for (int i = 0; i < size; i++) {
      write(pa + i, 1, value >>> (i << 3));
    }
  }

  /**
   * Writes zero to the {@code len} bytes at {@code pa} (memset 0): one lookup per block, and a
   * block that holds nothing yet stays non-resident (it reads as zero already). Same result as
   * {@link #write} of zero byte by byte.
   */
  public void zero(long pa, long len) {
    long end = pa + len;
    while (pa < end) {
      long f = (pa >>> pageShift) - basePfn;
      if (f >= 0 && f < frames && frameEmpty(f)) {
        // nothing of this frame is resident: it reads as zero already
        pa = Math.min(end, (pa | pageMask) + 1);
        continue;
      }
      long stop = Math.min(end, (pa | BLOCK_MASK) + 1);
      long[] p = block(pa);
      if (p != null) {
        int off = (int) (pa & BLOCK_MASK);
        int to = (int) (((stop - 1) & BLOCK_MASK) + 1);
        int w = off >>> 3;
        int wLast = (to - 1) >>> 3;
        // byte masks of the first and last word (little-endian: byte k = bits 8k..8k+7)
        long first = -1L << ((off & 7) << 3);
        long last = (to & 7) == 0 ? -1L : -1L >>> ((8 - (to & 7)) << 3);
        if (w == wLast) {
          p[w] &= ~(first & last);
        } else {
          p[w] &= ~first;
          java.util.Arrays.fill(p, w + 1, wLast, 0L);
          p[wLast] &= ~last;
        }
      }
      pa = stop;
    }
  }

  /** Zeroes {@code count} frames from {@code pfn} (their contents are dropped). */
  public void discard(long pfn, long count) {
    generation++;
    long base = baseBlk;
    for (long i = 0; i < count; i++) {
      long f = pfn + i;
      if (residentBlocks == 0 || !pfnValid(f) || frameEmpty(f - basePfn)) {
        continue;
      }
      residentFrames[(int) ((f - basePfn) >>> 6)] &= ~(1L << (f - basePfn));
      residentPages--;
      long b0 = (f << pageShift) >>> BLOCK_SHIFT;
      for (long b = b0; b < b0 + blocksPerPage; b++) {
        int slot = (int) b & (CACHE_SLOTS - 1);
        if (cacheBlk[slot] == b) {
          cacheBlk[slot] = -1L;
          cacheWords[slot] = null;
        }
        if (lookup(b - base) != null) {
          store(b - base, null);
        }
      }
    }
  }

  /** True when the frame holds no non-zero word (never written, or discarded). */
  public boolean isZero(long pfn) {
    if (!pfnValid(pfn)) {
      return true;
    }
    long base = baseBlk;
    long b0 = (pfn << pageShift) >>> BLOCK_SHIFT;
    for (long b = b0; b < b0 + blocksPerPage; b++) {
      long[] p = lookup(b - base);
      if (p != null) {
        for (long w : p) {
          if (w != 0) {
            return false;
          }
        }
      }
    }
    return true;
  }
}
