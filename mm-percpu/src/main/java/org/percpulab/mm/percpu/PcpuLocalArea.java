package org.percpulab.mm.percpu;

import java.util.Map;
import java.util.TreeMap;

/**
 * The seed series' percpu local area (HAVE_LOCAL_PER_CPU_MAP): the backend's local region
 * {@code [start, end)} and the unit-sized ranges chunks hold in it.
 *
 * <p>The model keeps {@code __per_cpu_local_off} one constant for every chunk, as the series
 * states. Since {@code per_cpu_ptr(p, cpu) = chunk->base_addr + off + unit_offset[cpu]}, a single
 * constant can only alias every chunk if each chunk's local range sits at its own
 * {@code base_addr} plus one fixed shift. The shift is the local area's size {@code W}: the
 * <em>percpu window</em> {@code [start - W, start)} (the top of vmalloc space, right below the local
 * area, where pcpu_get_vm_areas places chunks top-down) is mirrored onto {@code [start, end)}. A
 * chunk whose base lies below the window cannot get a local range ({@link #reserve} returns false
 * and VmChunkBackend does not create the chunk). The kernel's allocator for this area is not public
 * (seed-and-review.md, "Inferences"); the fixed-shift rule is this model's answer and is stated in
 * the README.
 *
 * <p>The packed layout ({@link PcpuPackedRegion}) uses the same class with another shift: the
 * distance from the percpu region to the local area, so that chunk slot k's range is
 * {@code start + k × unit}; its ranges are then contiguous from {@code start}.
 *
 * <p>Ranges are kept in an ordered map: chunk creation and destruction are rare, not a hot path.
 */
public final class PcpuLocalArea {
  private final long start;
  private final long end;
  private final long unitSize;
  private final long shift;
  private final TreeMap<Long, Long> ranges = new TreeMap<>(Long::compareUnsigned);
  private long bytesInUse;
  private long peak;

  public PcpuLocalArea(long start, long end, long unitSize) {
    this(start, end, unitSize, end - start);
  }

  /** A local area whose chunk ranges are each chunk's base plus {@code shift} (packed layout). */
  public PcpuLocalArea(long start, long end, long unitSize, long shift) {
    if (Long.compareUnsigned(start, end) >= 0 || Long.compareUnsigned(unitSize, end - start) > 0) {
      throw new IllegalArgumentException(String.format(
          "percpu local area 0x%016x-0x%016x must hold at least one %d-byte unit", start, end,
          unitSize));
    }
    this.start = start;
    this.end = end;
    this.unitSize = unitSize;
    this.shift = shift;
  }

  /**
   * The fixed shift from a chunk's base address to its local range: the area's size (mirror), or
   * local start minus region base (packed).
   */
  public long shift() { return shift; }

  /** Lowest chunk base address whose local range fits: the bottom of the percpu window. */
  public long windowStart() { return start - shift(); }

  /** The local range of a chunk whose {@code base_addr} is {@code chunkBase}. */
  public long rangeOf(long chunkBase) {
    return chunkBase + shift();
  }

  /** True when the local range of the chunk at {@code chunkBase} lies inside the local area. */
  public boolean fits(long chunkBase) {
    long va = rangeOf(chunkBase);
    return Long.compareUnsigned(va, start) >= 0 && Long.compareUnsigned(va, end - unitSize) <= 0;
  }

  /**
   * Takes the local range of the chunk at {@code chunkBase}. Returns false (nothing changed) when
   * the range falls outside the local area; throws if it overlaps a range already held, which
   * congruent chunk placement rules out.
   */
  public boolean reserve(long chunkBase) {
    long va = rangeOf(chunkBase);
    if (!fits(chunkBase)) {
      return false;
    }
    Map.Entry<Long, Long> below = ranges.floorEntry(va + unitSize - 1);
    if (below != null && Long.compareUnsigned(va, below.getKey() + below.getValue()) < 0) {
      throw new IllegalStateException(String.format(
          "percpu local area: range 0x%016x overlaps the range at 0x%016x", va, below.getKey()));
    }
    ranges.put(va, unitSize);
    bytesInUse += unitSize;
    peak = Math.max(peak, bytesInUse);
    return true;
  }

  /** Releases the local range at {@code va}; throws if none starts there. */
  public void free(long va) {
    if (ranges.remove(va) == null) {
      throw new IllegalArgumentException("percpu local area: 0x" + Long.toHexString(va)
          + " is not an allocated local range");
    }
    bytesInUse -= unitSize;
  }

  public long start() { return start; }
  public long end() { return end; }
  public int inUse() { return ranges.size(); }
  /** VA taken in the local area now, in bytes. */
  public long bytesInUse() { return bytesInUse; }
  public long peakBytes() { return peak; }
}
