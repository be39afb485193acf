package org.percpulab.mm.percpu;

import java.util.BitSet;
import org.percpulab.mm.vmalloc.Vmalloc;

/**
 * The packed layout's CPU-major percpu region and its chunk-slot allocator (the model's
 * replacement for pcpu_get_vm_areas / pcpu_free_vm_areas of mm/vmalloc.c when
 * {@code percpu.localLayout=packed}; the kernel has no such region, see {@link PcpuLocalLayout}).
 *
 * <pre>
 * region = R (reserved at boot as one vm area, top-down in vmalloc space), stride S, unit U:
 *
 *          slot 0 (first chunk)  slot 1      slot 2            slot S/U-1
 *  cpu 0   R                     R+U         R+2U        ...   R+S-U
 *  cpu 1   R+S                   R+S+U       R+S+2U      ...
 *  cpu n   R+n*S                 R+n*S+U     ...
 *
 *  local area L (each CPU's own tables): slot k at L+k*U, so L..L+live*U holds every live chunk
 * </pre>
 *
 * A chunk in slot k has {@code base_addr = R + k*U} and, like every chunk,
 * {@code pcpu_unit_offsets[c] = c*S}; its local range is {@code L + k*U}, one constant
 * {@code L - R} away from its base, so one {@code __per_cpu_local_off} serves every chunk.
 *
 * <p>Slots: the lowest free slot is taken (like the lowest-address fit of a vmap area). A freed
 * slot is not reusable at once: as mm/vmalloc.c does for a freed vmap area
 * (free_vmap_area_noflush), it waits on a lazy list until a purge, which runs when the lazily
 * freed pages (cpus × unit pages per slot) pass lazy_max_pages(), or when no slot is free; a purge
 * is one flush_tlb_kernel_range over the union of the lazy slots' strips, as
 * __purge_vmap_area_lazy flushes the union of its areas.
 */
public final class PcpuPackedRegion {
  private final long base;
  private final int cpus;
  private final long stride;
  private final long unitSize;
  private final int slots;
  private final long slotPages;
  private final Vmalloc vmalloc;
  private final BitSet used = new BitSet();
  private final BitSet lazy = new BitSet();
  private long lazyPages;
  private long purges;
  private int peakSlots;

  public PcpuPackedRegion(long base, int cpus, long stride, long unitSize, long pageSize,
      Vmalloc vmalloc) {
    if (stride < unitSize || stride % pageSize != 0 || unitSize % pageSize != 0) {
      throw new IllegalArgumentException("percpu region: stride " + stride + " must be a page "
          + "multiple holding a " + unitSize + "-byte unit");
    }
    this.base = base;
    this.cpus = cpus;
    this.stride = stride;
    this.unitSize = unitSize;
    this.slots = (int) (stride / unitSize);
    this.slotPages = cpus * (unitSize / pageSize);
    this.vmalloc = vmalloc;
  }

  /** Slot 0 for the first chunk, at boot. */
  void takeFirst() {
    if (used.get(0)) {
      throw new IllegalStateException("percpu region: slot 0 is taken");
    }
    used.set(0);
    peakSlots = Math.max(peakSlots, used.cardinality());
  }

  /** The lowest free slot, purging the lazy slots once when none is free; -1 when full. */
  public int allocSlot() {
    int k = firstFree();
    if (k < 0 && purge()) {
      k = firstFree();
    }
    if (k < 0) {
      return -1;
    }
    used.set(k);
    peakSlots = Math.max(peakSlots, used.cardinality());
    return k;
  }

  private int firstFree() {
    for (int k = used.nextClearBit(0); k < slots; k = used.nextClearBit(k + 1)) {
      if (!lazy.get(k)) {
        return k;
      }
    }
    return -1;
  }

  /** Frees slot {@code k} lazily (reusable after the next purge). */
  public void freeSlot(int k) {
    if (k <= 0 || !used.get(k)) {
      throw new IllegalArgumentException("percpu region: slot " + k + " is not a live dynamic "
          + "slot");
    }
    used.clear(k);
    lazy.set(k);
    lazyPages += slotPages;
    if (lazyPages > vmalloc.lazyMaxPages()) {
      purge();
    }
  }

  /** The lazy purge: one flush over the lazy slots' union; false when nothing was pending. */
  public boolean purge() {
    if (lazy.isEmpty()) {
      return false;
    }
    long start = slotBase(lazy.nextSetBit(0));
    long end = slotBase(lazy.length() - 1) + (cpus - 1) * stride + unitSize;
    vmalloc.flushTlbKernelRange(start, end);
    lazy.clear();
    lazyPages = 0;
    purges++;
    return true;
  }

  /** {@code base_addr} of the chunk in slot {@code k}. */
  public long slotBase(int k) {
    return base + k * unitSize;
  }

  /** The slot of the chunk whose {@code base_addr} is {@code chunkBase}. */
  public int slotOf(long chunkBase) {
    return (int) ((chunkBase - base) / unitSize);
  }

  public long base() { return base; }
  public long end() { return base + cpus * stride; }
  public long stride() { return stride; }
  public int slots() { return slots; }
  public int slotsInUse() { return used.cardinality(); }
  public int lazySlots() { return lazy.cardinality(); }
  public int peakSlots() { return peakSlots; }
  public long purges() { return purges; }
}
