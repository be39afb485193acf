package org.percpulab.mm.vmalloc;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel virtual address (KVA) allocator of mm/vmalloc.c: the free-space tree
 * ({@code free_vmap_area_root}, augmented with {@code subtree_max_size}) and the busy tree that maps
 * an allocated address back to its owner.
 *
 * <ul>
 *   <li>{@link #alloc} is {@code __alloc_vmap_area}: the lowest-address fit found by
 *       {@code find_vmap_lowest_match}'s pruned descent, with the kernel's search length
 *       {@code size + align - 1} when {@code align > PAGE_SIZE} (unless the window is exactly
 *       {@code size}), then {@code va_clip} with one of the {@link FitType}s.
 *   <li>{@link #free} is {@code merge_or_add_vmap_area_augment}: a freed range is merged with its
 *       free neighbours (next first, then previous) and the augmented sizes are propagated.
 *   <li>{@link #placeCongruent} is the free-tree half of {@code pcpu_get_vm_areas}: congruent areas
 *       placed top-down from the end of the range ({@code pvm_find_va_enclose_addr},
 *       {@code pvm_determine_end_from_reverse}).
 * </ul>
 *
 * <p>The kernel's free tree spans {@code [1, ULONG_MAX)} and callers restrict by
 * {@code [vstart, vend)}; this one spans the range it is created for (VMALLOC_START..VMALLOC_END), and
 * every request must lie inside it. One modelling caveat, inherited from the kernel: with
 * {@code align > PAGE_SIZE} the descent prunes subtrees by {@code size + align - 1}, so a smaller free
 * block that would fit only by luck of its alignment is used only if it lies on the search path; the
 * path depends on the tree's shape (an rb-tree in the kernel, a treap here), so in that corner case
 * the chosen address may differ from a real kernel's. Every other result (page-aligned requests,
 * blocks of at least {@code size + align - 1}) is shape-independent and identical. The guard page is
 * not added here: {@link Vmalloc} adds it as
 * {@code __get_vm_area_node} does. Out of address space is the normal result {@link #NO_SPACE}.
 * Addresses are unsigned; internally the trees hold offsets from the range start.
 */
public final class VmapAreaAllocator {
  /** Result of a failed allocation (never a valid page-aligned address). */
  public static final long NO_SPACE = -1L;

  private final long base;
  private final long limit;
  private final long pageSize;
  final VaTree free = new VaTree(true);
  final BusyVaTree busy = new BusyVaTree();
  private final long[] fitCounts = new long[FitType.values().length];
  private long busyBytes;

  /** A free tree covering {@code [start, end)} in one free block. */
  public VmapAreaAllocator(long start, long end, long pageSize) {
    if (Long.bitCount(pageSize) != 1 || (start & (pageSize - 1)) != 0 || (end & (pageSize - 1)) != 0
        || Long.compareUnsigned(start, end) >= 0) {
      throw new VmallocException(String.format(
          "vmap range 0x%016x-0x%016x must be non-empty and aligned to the page size %d",
          start, end, pageSize));
    }
    this.base = start;
    this.limit = end - start;
    this.pageSize = pageSize;
    free.insert(free.newNode(0, limit, null));
  }

  public long rangeStart() {
    return base;
  }

  public long rangeEnd() {
    return base + limit;
  }

  public long pageSize() {
    return pageSize;
  }

  private long alignUp(long rel, long align) {
    return ((rel + base + align - 1) & -align) - base;
  }

  private void checkWindow(long size, long align, long vstart, long vend) {
    if (size <= 0 || (size & (pageSize - 1)) != 0) {
      throw new VmallocException("vmap area size " + size + " must be a positive multiple of "
          + pageSize);
    }
    if (Long.bitCount(align) != 1 || align < 0) {
      throw new VmallocException("vmap area align " + align + " must be a power of two");
    }
    if (Long.compareUnsigned(vstart, base) < 0 || Long.compareUnsigned(vend, base + limit) > 0
        || Long.compareUnsigned(vstart, vend) >= 0) {
      throw new VmallocException(String.format(
          "vmap window 0x%016x-0x%016x must lie inside 0x%016x-0x%016x",
          vstart, vend, base, base + limit));
    }
  }

  /**
   * __alloc_vmap_area: reserves {@code size} bytes at the lowest {@code align}-aligned address in
   * {@code [vstart, vend)} that the kernel's search finds. Returns the address, or {@link #NO_SPACE}.
   * The range is taken out of the free tree only; use {@link #insertBusy} to make it findable.
   */
  public long alloc(long size, long align, long vstart, long vend) {
    checkWindow(size, align, vstart, vend);
    if (Long.compareUnsigned(size, vend - vstart) > 0) {
      return NO_SPACE;
    }
    long vs = vstart - base;
    long ve = vend - base;
    boolean adjust = align > pageSize && ve - vs != size;
    long length = adjust ? size + align - 1 : size;
    if (free.subMax[free.root] < length) {
      return NO_SPACE;
    }
    int va = lowestMatch(free.root, size, align, vs, length);
    if (va == VaTree.NIL) {
      return NO_SPACE;
    }
    long nva = free.start[va] > vs ? alignUp(free.start[va], align) : alignUp(vs, align);
    if (nva + size > ve) {
      return NO_SPACE;
    }
    clipNode(va, nva, size);
    return base + nva;
  }

  /** __alloc_vmap_area followed by insertion into the busy tree with {@code owner} attached. */
  public long allocBusy(long size, long align, long vstart, long vend, Object owner) {
    long a = alloc(size, align, vstart, vend);
    if (a != NO_SPACE) {
      insertBusy(a, size, owner);
    }
    return a;
  }

  private boolean isWithin(int n, long size, long align, long vs) {
    long nva = free.start[n] > vs ? alignUp(free.start[n], align) : alignUp(vs, align);
    if (nva < vs) {
      return false;
    }
    return nva + size <= free.end[n];
  }

  /**
   * find_vmap_lowest_match: prefer the left subtree while it may hold {@code length} and starts
   * above {@code vstart}; then this block; then the right subtree. The kernel's iterative
   * roll-back-to-parent loop visits the same blocks in the same order.
   */
  private int lowestMatch(int t, long size, long align, long vs, long length) {
    if (t == VaTree.NIL) {
      return VaTree.NIL;
    }
    int l = free.left[t];
    if (free.subMax[l] >= length && vs < free.start[t]) {
      int r = lowestMatch(l, size, align, vs, length);
      if (r != VaTree.NIL) {
        return r;
      }
    }
    if (isWithin(t, size, align, vs)) {
      return t;
    }
    int r = free.right[t];
    if (free.subMax[r] >= length) {
      return lowestMatch(r, size, align, vs, length);
    }
    return VaTree.NIL;
  }

  /** classify_va_fit_type. */
  private FitType classify(int va, long nvaStart, long size) {
    long nvaEnd = nvaStart + size;
    if (nvaStart < free.start[va] || nvaEnd > free.end[va]) {
      return FitType.NOTHING_FIT;
    }
    if (free.start[va] == nvaStart) {
      return free.end[va] == nvaEnd ? FitType.FL_FIT_TYPE : FitType.LE_FIT_TYPE;
    }
    return free.end[va] == nvaEnd ? FitType.RE_FIT_TYPE : FitType.NE_FIT_TYPE;
  }

  /** va_clip: cuts {@code [nva, nva+size)} out of free block {@code va}; false if it does not fit. */
  private boolean clipNode(int va, long nva, long size) {
    FitType type = classify(va, nva, size);
    fitCounts[type.ordinal()]++;
    switch (type) {
      case FL_FIT_TYPE -> free.remove(va);
      case LE_FIT_TYPE -> {
        free.start[va] += size;
        free.propagate(va);
      }
      case RE_FIT_TYPE -> {
        free.end[va] = nva;
        free.propagate(va);
      }
      case NE_FIT_TYPE -> {
        int lva = free.newNode(free.start[va], nva, null);
        free.start[va] = nva + size;
        free.propagate(va);
        free.insert(lva);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * va_clip of an exact range out of the free block that encloses it (pcpu_get_vm_areas' second
   * pass). Returns false, changing nothing, if {@code [start, start+size)} is not wholly free.
   */
  public boolean clip(long start, long size) {
    long rel = start - base;
    if (Long.compareUnsigned(start, base) < 0 || rel + size > limit || size <= 0) {
      return false;
    }
    int va = free.floor(rel);
    return va != VaTree.NIL && clipNode(va, rel, size);
  }

  /** merge_or_add_vmap_area_augment: returns a range to the free tree, merging neighbours. */
  public void free(long start, long size) {
    long s = start - base;
    long e = s + size;
    int next = free.ceiling(s);
    int merged = VaTree.NIL;
    if (next != VaTree.NIL && free.start[next] == e) {
      free.start[next] = s;
      free.propagate(next);
      merged = next;
    }
    int prev = free.floor(s - 1);
    if (s > 0 && prev != VaTree.NIL && free.end[prev] == s) {
      if (merged != VaTree.NIL) {
        long newEnd = free.end[merged];
        free.remove(merged);
        free.end[prev] = newEnd;
      } else {
        free.end[prev] = e;
      }
      free.propagate(prev);
      merged = prev;
    }
    if (merged == VaTree.NIL) {
      free.insert(free.newNode(s, e, null));
    }
  }

  // ---- busy tree -------------------------------------------------------------------------------

  /** insert_vmap_area into the busy tree. */
  public void insertBusy(long start, long size, Object owner) {
    busy.insert(start - base, start - base + size, owner);
    busyBytes += size;
  }

  /** The owner of the busy area starting exactly at {@code start}, or null. */
  public Object busyAt(long start) {
    return busy.ownerAt(start - base);
  }

  /** __find_vmap_area: the owner of the busy area containing {@code addr}, or null. */
  public Object busyContaining(long addr) {
    if (Long.compareUnsigned(addr, base) < 0) {
      return null;
    }
    return busy.ownerContaining(addr - base);
  }

  /**
   * Unlinks the busy area starting exactly at {@code start} (find_unlink_vmap_area). Returns its size,
   * or -1 (nothing changed) when no busy area starts there. The range is not freed: the caller frees
   * it now or puts it on the lazy list.
   */
  public long unlinkBusy(long start) {
    if (!busy.remove(start - base)) {
      return -1;
    }
    long size = busy.lastEnd() - (start - base);
    busyBytes -= size;
    return size;
  }

  /**
   * find_unlink_vmap_area by exact start: unlinks the busy area starting at {@code start} and returns
   * its owner, or returns null with nothing changed.
   */
  public Object takeBusy(long start) {
    Object o = busy.removeOwner(start - base);
    if (o == BusyVaTree.ABSENT) {
      return null;
    }
    busyBytes -= busy.lastEnd() - (start - base);
    return o;
  }

  // ---- pcpu_get_vm_areas ------------------------------------------------------------------------

  /** pvm_find_va_enclose_addr: the free block with the greatest start {@code <= addr}. */
  private int encloseOrBelow(long addr) {
    if (Long.compareUnsigned(addr, base) < 0) {
      return VaTree.NIL;
    }
    long rel = addr - base;
    return free.floor(rel > limit ? limit : rel);
  }

  private int cursor;

  /**
   * pvm_determine_end_from_reverse: walking down from {@link #cursor}, the highest aligned end of a
   * free block that still leaves room above its start; 0 (and cursor NIL) when the list runs out.
   */
  private long endFromReverse(long align, long vmallocEnd) {
    while (cursor != VaTree.NIL) {
      long e = (base + free.end[cursor]) & -align;
      long addr = Long.compareUnsigned(e, vmallocEnd) < 0 ? e : vmallocEnd;
      if (Long.compareUnsigned(base + free.start[cursor], addr) < 0) {
        return addr;
      }
      cursor = free.prev(cursor);
    }
    return 0;
  }

  /**
   * The placement part of pcpu_get_vm_areas: finds the highest base such that every
   * {@code [base + offsets[i], base + offsets[i] + sizes[i])} is free and inside
   * {@code [ALIGN(start, align), end & ~(align-1))}, then clips all of them out of the free tree.
   * Returns the base, or {@link #NO_SPACE} with nothing changed. Arguments must already be validated
   * (see {@link Vmalloc#pcpuGetVmAreas}).
   */
  public long placeCongruent(long[] offsets, long[] sizes, long align) {
    int nr = offsets.length;
    long vmallocStart = (base + align - 1) & -align;
    long vmallocEnd = (base + limit) & -align;
    int lastArea = 0;
    for (int i = 0; i < nr; i++) {
      if (Long.compareUnsigned(offsets[i], offsets[lastArea]) > 0) {
        lastArea = i;
      }
    }
    long lastEnd = offsets[lastArea] + sizes[lastArea];
    int area = lastArea;
    int term = lastArea;
    long start = offsets[area];
    long end = start + sizes[area];
    cursor = encloseOrBelow(vmallocEnd);
    long b = endFromReverse(align, vmallocEnd) - end;
    while (true) {
      if (Long.compareUnsigned(b + lastEnd, vmallocStart + lastEnd) < 0 || cursor == VaTree.NIL) {
        return NO_SPACE;
      }
      if (Long.compareUnsigned(b + end, base + free.end[cursor]) > 0) {
        b = endFromReverse(align, vmallocEnd) - end;
        term = area;
        continue;
      }
      if (Long.compareUnsigned(b + start, base + free.start[cursor]) < 0) {
        cursor = free.prev(cursor);
        b = endFromReverse(align, vmallocEnd) - end;
        term = area;
        continue;
      }
      area = (area + nr - 1) % nr;
      if (area == term) {
        break;
      }
      start = offsets[area];
      end = start + sizes[area];
      cursor = encloseOrBelow(b + end);
    }
    for (int i = 0; i < nr; i++) {
      boolean ok = clip(b + offsets[i], sizes[i]);
      if (!ok) {
        // The kernel WARNs and recovers here; with a consistent tree it cannot happen.
        for (int j = 0; j < i; j++) {
          free(b + offsets[j], sizes[j]);
        }
        return NO_SPACE;
      }
    }
    return b;
  }

  // ---- inspection -----------------------------------------------------------------------------

  /** How many va_clip calls ended with each fit type (index = {@link FitType#ordinal()}). */
  public long fitCount(FitType type) {
    return fitCounts[type.ordinal()];
  }

  public long busyBytes() {
    return busyBytes;
  }

  public int busyCount() {
    return busy.size();
  }

  public int freeBlockCount() {
    return free.size();
  }

  /** Total bytes in the free tree. */
  public long freeBytes() {
    long sum = 0;
    for (int n : free.inOrder()) {
      sum += free.end[n] - free.start[n];
    }
    return sum;
  }

  /** The largest free block (the root's subtree_max_size). */
  public long largestFreeBlock() {
    return free.subMax[free.root];
  }

  /** A {@code [start, end)} range with its owner (null for free blocks). */
  public record Range(long start, long end, Object owner) {
    public long size() {
      return end - start;
    }
  }

  /** Free blocks in address order. */
  public List<Range> freeRanges() {
    return ranges(free);
  }

  /** Busy areas in address order. */
  public List<Range> busyRanges() {
    int n = busy.size();
    long[] s = new long[n];
    long[] e = new long[n];
    Object[] o = new Object[n];
    busy.inOrder(s, e, o);
    List<Range> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new Range(base + s[i], base + e[i], o[i]));
    }
    return out;
  }

  private List<Range> ranges(VaTree t) {
    int[] order = t.inOrder();
    List<Range> out = new ArrayList<>(order.length);
    for (int n : order) {
      out.add(new Range(base + t.start[n], base + t.end[n], t.data[n]));
    }
    return out;
  }

  /**
   * Structural check for tests: both trees ordered and non-overlapping, free blocks never adjacent
   * (always merged), augmented sizes exact, no busy area overlapping free space. Returns null when
   * consistent, else a one-line description of the first problem.
   */
  public String checkInvariants() {
    if (!free.augmentConsistent()) {
      return "free tree subtree_max_size differs from a recomputation";
    }
    int[] f = free.inOrder();
    for (int i = 0; i < f.length; i++) {
      if (free.end[f[i]] <= free.start[f[i]]) {
        return "empty free block at offset " + free.start[f[i]];
      }
      if (i > 0 && free.start[f[i]] <= free.end[f[i - 1]]) {
        return String.format("free blocks 0x%x and 0x%x overlap or touch (unmerged)",
            base + free.start[f[i - 1]], base + free.start[f[i]]);
      }
    }
    String busyShape = busy.check();
    if (busyShape != null) {
      return busyShape;
    }
    int nb = busy.size();
    long[] bs = new long[nb];
    long[] be = new long[nb];
    busy.inOrder(bs, be, new Object[nb]);
    for (int i = 1; i < nb; i++) {
      if (bs[i] < be[i - 1]) {
        return String.format("busy areas 0x%x and 0x%x overlap", base + bs[i - 1], base + bs[i]);
      }
    }
    for (int i = 0; i < nb; i++) {
      int fn = free.floor(be[i] - 1);
      if (fn != VaTree.NIL && free.end[fn] > bs[i]) {
        return String.format("busy area 0x%x overlaps free block 0x%x",
            base + bs[i], base + free.start[fn]);
      }
    }
    return null;
  }
}
