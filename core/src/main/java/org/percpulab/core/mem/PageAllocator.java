package org.percpulab.core.mem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The page allocator (mm/page_alloc.c {@code alloc_pages}/{@code __free_pages}) reduced to what the
 * model needs: naturally aligned blocks of {@code 2^order} frames, every allocation tagged with a
 * {@link PagePurpose} and counted per purpose, failure injection in the spirit of the kernel's
 * {@code fail_page_alloc} fault-injection capability, and a leak check.
 *
 * <p>Model, not copy: a first-fit bitmap over the frames, not the buddy lists (which block a request
 * lands on is irrelevant to every result we report). Out of memory returns -1 (the kernel's NULL) and
 * changes nothing. A bad free throws {@link IllegalArgumentException} and changes nothing.
 *
 * <p>Freed frames are zeroed (their sparse contents dropped), so every allocation returns zeroed
 * memory, as {@code __GFP_ZERO} allocations of page tables do.
 */
public final class PageAllocator {
  /** Maximum order accepted (MAX_PAGE_ORDER is 10 on most configs; we allow a little more). */
  public static final int MAX_ORDER = 12;

  private final PhysMem mem;
  private final long base;
  private final long frames;
  private final long[] used;
  private final long[] hint = new long[MAX_ORDER + 1];
  /**
   * Live allocations indexed directly by frame (relative to {@link #base}), in lazily allocated
   * chunks of {@link #CHUNK} frames: {@code headOrder} holds order + 1 at the first frame of a live
   * block (0 elsewhere), {@code headPurpose} its purpose. O(1) without hashing or boxing.
   * {@code headPurpose} is meaningful only where {@code headOrder} is non-zero: a free leaves the
   * old purpose in place and an allocation stores only a different one, because a reference store
   * into this long-lived array costs a GC barrier with a memory fence (G1), on every page of a bulk
   * allocation otherwise.
   */
  private static final int CHUNK_SHIFT = 12;
  private static final int CHUNK = 1 << CHUNK_SHIFT;
  private final byte[][] headOrder;
  private final PagePurpose[][] headPurpose;
  private int liveHeads;
  private long freeFrames;
  private long reservedPages;

  private final long[] kindPages = new long[PagePurpose.Kind.values().length];
  private final long[] sharedTablePages = new long[5];
  private final long[] perCpuTablePages = new long[5];
  private final Map<Integer, long[]> tablePagesByCpu = new HashMap<>();

  private long allocCalls;
  private long failedCalls;
  private long failAt = -1;
  private Predicate<PagePurpose> failWhen;

  /** One live allocation. */
  public record Allocation(long pfn, int order, PagePurpose purpose) {
    public long pages() { return 1L << order; }
  }

  /** The set of live allocations at one moment, for {@link #assertNoLeaks(Snapshot)}. */
  public static final class Snapshot {
    private final Map<Long, Allocation> live;

    private Snapshot(Map<Long, Allocation> live) {
      this.live = live;
    }

    public int size() { return live.size(); }
  }

  public PageAllocator(PhysMem mem) {
    this.mem = mem;
    this.base = mem.basePfn();
    this.frames = mem.frames();
    this.used = new long[(int) ((frames + 63) >>> 6)];
    int tail = (int) (frames & 63);
    if (tail != 0) {
      used[used.length - 1] = ~((1L << tail) - 1);
    }
    this.freeFrames = frames;
    int chunks = (int) ((frames + CHUNK - 1) >>> CHUNK_SHIFT);
    this.headOrder = new byte[chunks][];
    this.headPurpose = new PagePurpose[chunks][];
  }

  /** Order of the live block starting at {@code pfn}, or -1. */
  private int headOrderOf(long pfn) {
    long rel = pfn - base;
    if (rel < 0 || rel >= frames) {
      return -1;
    }
    byte[] c = headOrder[(int) (rel >>> CHUNK_SHIFT)];
    return c == null ? -1 : c[(int) rel & (CHUNK - 1)] - 1;
  }

  private PagePurpose headPurposeOf(long pfn) {
    long rel = pfn - base;
    return headPurpose[(int) (rel >>> CHUNK_SHIFT)][(int) rel & (CHUNK - 1)];
  }

  private void putHead(long rel, int order, PagePurpose purpose) {
    int ci = (int) (rel >>> CHUNK_SHIFT);
    byte[] c = headOrder[ci];
    if (c == null) {
      c = new byte[CHUNK];
      headOrder[ci] = c;
      headPurpose[ci] = new PagePurpose[CHUNK];
    }
    c[(int) rel & (CHUNK - 1)] = (byte) (order + 1);
    PagePurpose[] pp = headPurpose[ci];
    if (pp[(int) rel & (CHUNK - 1)] != purpose) {
      pp[(int) rel & (CHUNK - 1)] = purpose;
    }
    liveHeads++;
  }

  private void removeHead(long rel) {
    int ci = (int) (rel >>> CHUNK_SHIFT);
    headOrder[ci][(int) rel & (CHUNK - 1)] = 0;
    liveHeads--;
  }

  /** Calls {@code f} for every live allocation in PFN order. */
  private void forEachHead(java.util.function.Consumer<Allocation> f) {
    for (int ci = 0; ci < headOrder.length; ci++) {
      byte[] c = headOrder[ci];
      if (c == null) {
        continue;
      }
      PagePurpose[] pp = headPurpose[ci];
      for (int i = 0; i < CHUNK; i++) {
        if (c[i] != 0) {
          f.accept(new Allocation(base + ((long) ci << CHUNK_SHIFT) + i, c[i] - 1, pp[i]));
        }
      }
    }
  }

  public PhysMem mem() { return mem; }

  /**
   * Allocates {@code 2^order} contiguous frames aligned to their size.
   *
   * @return the first PFN, or -1 when no block is free or the allocation was failed by injection
   */
  public long allocPages(int order, PagePurpose purpose) {
    if (order < 0 || order > MAX_ORDER) {
      throw new IllegalArgumentException("order " + order + " not in 0.." + MAX_ORDER);
    }
    if (failed(allocCalls + 1, purpose)) {
      return -1;
    }
    long rel = order == 0 ? findFree0() : findFreeBlock(order);
    if (rel < 0) {
      failedCalls++;
      return -1;
    }
    long n = 1L << order;
    setRange(rel, n, true);
    freeFrames -= n;
    long pfn = base + rel;
    putHead(rel, order, purpose);
    account(purpose, n);
    return pfn;
  }

  /**
   * {@code count} calls of {@code allocPages(0, purpose)} at once (alloc_pages_bulk): the PFNs go
   * to {@code out[off..]} in the order the single calls would return them, each call counted and
   * subject to failure injection as a single call is. Stops at the first failed call.
   *
   * @return the number of pages allocated (less than {@code count} after a failed call)
   */
  public int allocPagesBulk(PagePurpose purpose, long[] out, int off, int count) {
    int got = 0;
    int w = (int) hint[0];
    long bits = w < used.length ? used[w] : -1L;
    // no injected failure can hit these calls: the loop need not check per call
    boolean plain = failWhen == null && (failAt <= allocCalls || failAt - allocCalls > count);
    long calls = allocCalls;
    while (got < count) {
      calls++;
      if (!plain && failed(calls, purpose)) {
        break;
      }
      while (bits == -1L && w < used.length) {
        used[w] = bits;
        w++;
        bits = w < used.length ? used[w] : -1L;
      }
      if (w == used.length) {
        failedCalls++;
        break;
      }
      int b = Long.numberOfTrailingZeros(~bits);
      bits |= 1L << b;
      long rel = ((long) w << 6) + b;
      putHead(rel, 0, purpose);
      out[off + got++] = base + rel;
    }
    allocCalls = calls;
    if (w < used.length) {
      used[w] = bits;
    }
    hint[0] = w;
    freeFrames -= got;
    if (got != 0) {
      account(purpose, got);
    }
    return got;
  }

  /** Call number {@code calls} under failure injection: counts it, true when it fails. */
  private boolean failed(long calls, PagePurpose purpose) {
    allocCalls = calls;
    if (calls == failAt || (failWhen != null && failWhen.test(purpose))) {
      if (calls == failAt) {
        failAt = -1;
      }
      failedCalls++;
      return true;
    }
    return false;
  }

  /**
   * Takes {@code count} frames from {@code pfn} out of the allocator for good (memblock_reserve of
   * the kernel image and boot data). They are never returned and are not live allocations.
   *
   * @throws IllegalArgumentException (nothing changed) if any frame is outside RAM or in use
   */
  public void reserve(long pfn, long count) {
    if (!tryReserve(pfn, count)) {
      throw new IllegalArgumentException("reserve of pfn 0x" + Long.toHexString(pfn) + " +" + count
          + ": outside RAM or already in use");
    }
  }

  /**
   * {@link #reserve} for a caller that searches for a free block (memblock's top-down scan): false,
   * with nothing changed, where {@link #reserve} would throw.
   */
  public boolean tryReserve(long pfn, long count) {
    long rel = pfn - base;
    if (count < 0 || rel < 0 || rel + count > frames || !isFreeRange(rel, count)) {
      return false;
    }
    setRange(rel, count, true);
    freeFrames -= count;
    reservedPages += count;
    return true;
  }

  /** True when {@code pfn} is a RAM frame that is neither allocated nor reserved. */
  public boolean isFree(long pfn) {
    long rel = pfn - base;
    return rel >= 0 && rel < frames && isFreeRange(rel, 1);
  }

  /** Frames taken by {@link #reserve}. */
  public long reservedPages() { return reservedPages; }

  /** Same as {@code allocPages(0, purpose)}. */
  public long allocPage(PagePurpose purpose) {
    return allocPages(0, purpose);
  }

  /**
   * Frees a block returned by {@link #allocPages} with the same order. Its contents are zeroed.
   *
   * @throws IllegalArgumentException (nothing changed) when {@code pfn} is not the start of a live
   *     allocation or {@code order} differs from the allocation's
   */
  public void freePages(long pfn, int order) {
    int headOrd = headOrderOf(pfn);
    if (headOrd < 0) {
      throw new IllegalArgumentException("free of pfn 0x" + Long.toHexString(pfn)
          + " that is not an allocated block (double free or never allocated)");
    }
    if (headOrd != order) {
      throw new IllegalArgumentException("free of pfn 0x" + Long.toHexString(pfn) + " with order "
          + order + " but it was allocated with order " + headOrd);
    }
    long rel = pfn - base;
    PagePurpose purpose = headPurposeOf(pfn);
    removeHead(rel);
    long n = 1L << order;
    setRange(rel, n, false);
    freeFrames += n;
    mem.discard(pfn, n);
    account(purpose, -n);
    lowerHints((int) (rel >>> 6));
  }

  /**
   * {@code freePages(pfns[i], 0)} for {@code i} in {@code [off, off + count)}, in that order
   * (free_pages_bulk / release_pages); a bad free throws as the single call does, with the pages
   * before it freed.
   */
  public void freePagesBulk(long[] pfns, int off, int count) {
    int low = Integer.MAX_VALUE;
    // pages of one purpose in a row are accounted at once (the sums are the same)
    PagePurpose run = null;
    long runPages = 0;
    for (int i = off; i < off + count; i++) {
      long pfn = pfns[i];
      if (headOrderOf(pfn) != 0) {
        if (run != null) {
          account(run, -runPages);
        }
        lowerHints(low);
        freePages(pfn, 0);
        throw new IllegalStateException("unreachable: freePages accepted a bad free");
      }
      long rel = pfn - base;
      PagePurpose purpose = headPurposeOf(pfn);
      removeHead(rel);
      int w = (int) (rel >>> 6);
      used[w] &= ~(1L << (rel & 63));
      freeFrames++;
      mem.discard(pfn, 1);
      if (purpose != run) {
        if (run != null) {
          account(run, -runPages);
        }
        run = purpose;
        runPages = 0;
      }
      runPages++;
      if (w < low) {
        low = w;
      }
    }
    if (run != null) {
      account(run, -runPages);
    }
    lowerHints(low);
  }

  private void lowerHints(int w) {
    for (int o = 0; o <= MAX_ORDER; o++) {
      if (w < hint[o]) {
        hint[o] = w;
      }
    }
  }

  /** The live allocation starting at {@code pfn}, or null. */
  public Allocation allocation(long pfn) {
    int o = headOrderOf(pfn);
    return o < 0 ? null : new Allocation(pfn, o, headPurposeOf(pfn));
  }

  /** The purpose of the live allocation starting at {@code pfn}, or null. */
  public PagePurpose purposeOf(long pfn) {
    return headOrderOf(pfn) < 0 ? null : headPurposeOf(pfn);
  }

  private void account(PagePurpose p, long n) {
    kindPages[p.kind().ordinal()] += n;
    if (p.isPageTable()) {
      if (p.isShared()) {
        sharedTablePages[p.level()] += n;
      } else {
        perCpuTablePages[p.level()] += n;
        tablePagesByCpu.computeIfAbsent(p.owner(), k -> new long[5])[p.level()] += n;
      }
    }
  }

  private long findFree0() {
    for (int w = (int) hint[0]; w < used.length; w++) {
      long bits = used[w];
      if (bits != -1L) {
        hint[0] = w;
        return ((long) w << 6) + Long.numberOfTrailingZeros(~bits);
      }
    }
    hint[0] = used.length;
    return -1;
  }

  private long findFreeBlock(int order) {
    long n = 1L << order;
    long firstAligned = ((base + n - 1) & -n) - base;
    long start = Math.max(firstAligned, hint[order] << 6);
    start = firstAligned + (((start - firstAligned) + n - 1) & -n);
    boolean firstFree = true;
    for (long rel = start; rel + n <= frames; rel += n) {
      if (isFreeRange(rel, n)) {
        return rel;
      }
      if (firstFree && !anyFree(rel, n)) {
        hint[order] = (rel + n) >>> 6;
      } else {
        firstFree = false;
      }
    }
    return -1;
  }

  private boolean isFreeRange(long rel, long n) {
    for (long i = rel; i < rel + n; ) {
      int w = (int) (i >>> 6);
      int b = (int) (i & 63);
      long len = Math.min(64 - b, rel + n - i);
      long m = len == 64 ? -1L : ((1L << len) - 1) << b;
      if ((used[w] & m) != 0) {
        return false;
      }
      i += len;
    }
    return true;
  }

  private boolean anyFree(long rel, long n) {
    for (long i = rel; i < rel + n; ) {
      int w = (int) (i >>> 6);
      int b = (int) (i & 63);
      long len = Math.min(64 - b, rel + n - i);
      long m = len == 64 ? -1L : ((1L << len) - 1) << b;
      if ((used[w] & m) != m) {
        return true;
      }
      i += len;
    }
    return false;
  }

  private void setRange(long rel, long n, boolean set) {
    for (long i = rel; i < rel + n; ) {
      int w = (int) (i >>> 6);
      int b = (int) (i & 63);
      long len = Math.min(64 - b, rel + n - i);
      long m = len == 64 ? -1L : ((1L << len) - 1) << b;
      used[w] = set ? used[w] | m : used[w] & ~m;
      i += len;
    }
  }

  // ---- failure injection (fail_page_alloc) ----

  /** The {@code n}-th allocation call from now (1 = the next one) fails, once. */
  public void failNth(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("failNth: n=" + n + " must be >= 1");
    }
    failAt = allocCalls + n;
  }

  /** Every allocation whose purpose matches fails until {@link #clearFailures()}. */
  public void failWhen(Predicate<PagePurpose> predicate) {
    this.failWhen = predicate;
  }

  public void clearFailures() {
    failAt = -1;
    failWhen = null;
  }

  /** Number of allocation calls so far (successful or not). */
  public long allocCalls() { return allocCalls; }

  /** Number of allocation calls that returned -1. */
  public long failedCalls() { return failedCalls; }

  // ---- counters ----

  public long freePages() { return freeFrames; }

  /** Frames in live allocations (reserved frames excluded). */
  public long allocatedPages() { return frames - freeFrames - reservedPages; }

  public long pages(PagePurpose.Kind kind) { return kindPages[kind.ordinal()]; }

  /** Page-table pages at {@code level} owned by the shared kernel tables. */
  public long sharedTablePages(int level) { return sharedTablePages[level]; }

  /** Page-table pages at {@code level} owned by any CPU (private tables). */
  public long perCpuTablePages(int level) { return perCpuTablePages[level]; }

  public long sharedTablePages() { return sum(sharedTablePages); }

  public long perCpuTablePages() { return sum(perCpuTablePages); }

  /** Page-table pages at {@code level} owned by CPU {@code cpu}. */
  public long tablePagesOfCpu(int cpu, int level) {
    long[] a = tablePagesByCpu.get(cpu);
    return a == null ? 0 : a[level];
  }

  /** All private page-table pages of CPU {@code cpu}. */
  public long tablePagesOfCpu(int cpu) {
    long[] a = tablePagesByCpu.get(cpu);
    return a == null ? 0 : sum(a);
  }

  private static long sum(long[] a) {
    long s = 0;
    for (long v : a) {
      s += v;
    }
    return s;
  }

  // ---- leak check ----

  /** Every live allocation, sorted by PFN. */
  public List<Allocation> liveAllocations() {
    List<Allocation> out = new ArrayList<>(liveHeads);
    forEachHead(out::add);
    return out;
  }

  public Snapshot snapshot() {
    Map<Long, Allocation> m = new HashMap<>();
    forEachHead(a -> m.put(a.pfn(), a));
    return new Snapshot(m);
  }

  /** Allocations live now that were not live (with the same purpose) in {@code s}. */
  public List<Allocation> allocatedSince(Snapshot s) {
    List<Allocation> out = new ArrayList<>();
    for (Allocation a : liveAllocations()) {
      if (!a.equals(s.live.get(a.pfn))) {
        out.add(a);
      }
    }
    return out;
  }

  /** Allocations live in {@code s} that are no longer live now. */
  public List<Allocation> freedSince(Snapshot s) {
    List<Allocation> out = new ArrayList<>();
    for (Allocation a : s.live.values()) {
      if (!a.equals(allocation(a.pfn))) {
        out.add(a);
      }
    }
    out.sort((a, b) -> Long.compare(a.pfn, b.pfn));
    return out;
  }

  /**
   * Leak check against a snapshot: throws {@link IllegalStateException} listing (at most 10)
   * allocations live now that were not live in {@code s}.
   */
  public void assertNoLeaks(Snapshot s) {
    List<Allocation> leaked = allocatedSince(s);
    if (!leaked.isEmpty()) {
      throw new IllegalStateException(leaked.size() + " page block(s) leaked: "
          + leaked.subList(0, Math.min(10, leaked.size())));
    }
  }

  /** Leak check: nothing may be allocated at all. */
  public void assertNoLeaks() {
    if (liveHeads != 0) {
      List<Allocation> live = liveAllocations();
      throw new IllegalStateException(live.size() + " page block(s) still allocated: "
          + live.subList(0, Math.min(10, live.size())));
    }
  }
}
