package org.percpulab.mm.percpu;

/**
 * The seed series' percpu local area allocator (HAVE_LOCAL_PER_CPU_MAP): hands out unit-sized,
 * unit-aligned VA ranges of the backend's local region, first fit from the bottom, one per chunk.
 * The kernel's allocator for this area is not public (seed-and-review.md §"Inferences"); a slot
 * bitmap is the model's choice, since every request has the same size.
 */
public final class PcpuLocalArea {
  private final long start;
  private final long unitSize;
  private final int slots;
  private final long[] used;
  private int inUse;
  private int peak;

  public PcpuLocalArea(long start, long end, long unitSize) {
    this.start = start;
    this.unitSize = unitSize;
    this.slots = (int) Math.min(Integer.MAX_VALUE - 64, Long.divideUnsigned(end - start, unitSize));
    this.used = new long[Bitmaps.words(slots)];
  }

  /** A free unit-sized range, or 0 when the area is full. */
  public long alloc() {
    int s = Bitmaps.nextClear(used, slots, 0);
    if (s >= slots) {
      return 0;
    }
    Bitmaps.setBit(used, s);
    inUse++;
    peak = Math.max(peak, inUse);
    return start + s * unitSize;
  }

  public void free(long va) {
    long rel = va - start;
    int s = (int) (rel / unitSize);
    if (rel < 0 || rel % unitSize != 0 || s >= slots || !Bitmaps.test(used, s)) {
      throw new IllegalArgumentException("percpu local area: 0x" + Long.toHexString(va)
          + " is not an allocated local range");
    }
    Bitmaps.clearBit(used, s);
    inUse--;
  }

  public long start() { return start; }
  public int capacity() { return slots; }
  public int inUse() { return inUse; }
  /** VA taken in the local area now, in bytes. */
  public long bytesInUse() { return inUse * unitSize; }
  public long peakBytes() { return peak * unitSize; }
}
