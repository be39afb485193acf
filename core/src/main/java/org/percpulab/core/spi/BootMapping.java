package org.percpulab.core.spi;

/**
 * One kernel mapping the arch's boot code creates in swapper (and, through the sync, in every
 * per-CPU table), as {@link BootMappings} lists them.
 *
 * @param kind what the machine does with it
 * @param name what it is, for messages (e.g. {@code linear map}, {@code vmemmap}, {@code .text})
 * @param va first virtual address (page aligned)
 * @param pa {@link Kind#MAP}: first physical address; {@link Kind#BACKED}: alignment of the one
 *     top-down memblock buffer tried first (0 = none); otherwise ignored
 * @param size bytes (page multiple)
 * @param prot the pgprot (may carry the arch's contiguous hint)
 * @param maxBlockShift largest leaf shift allowed (page shift = page granular); for
 *     {@link Kind#BACKED} also the size of each backing block
 * @param bufferBytes {@link Kind#BACKED}: bytes of the memblock buffer tried first (0 = none)
 * @param vmCaller when non-null, the range is also an early vm area (vm_area_add_early, VM_MAP,
 *     {@code phys=}) whose /proc/vmallocinfo line names this caller
 * @param vmGuard whether that vm area has a guard page (not VM_NO_GUARD)
 */
public record BootMapping(Kind kind, String name, long va, long pa, long size, long prot,
    int maxBlockShift, long bufferBytes, String vmCaller, boolean vmGuard) {

  /** What the boot code does with the range. */
  public enum Kind {
    /** Map [va, va+size) to [pa, pa+size). */
    MAP,
    /**
     * Map [va, va+size) to RAM taken from memblock top-down (vmemmap): first one buffer of
     * {@code bufferBytes} aligned to {@code pa} (sparse_buffer_init), used from its start, the rest
     * given back; if no such buffer is free, each block of 2^maxBlockShift on its own, top-down.
     */
    BACKED,
    /** Only the page tables for [va, va+size), no leaves (early_fixmap_init). */
    TABLES,
    /**
     * An early vm area only ({@code vmCaller} set): maps nothing. The range is mapped by MAP
     * entries, or not at all (arm64's init sections after free_initmem keep their areas).
     */
    VM_AREA
  }

  /** A fixed mapping without a vm area. */
  public static BootMapping map(String name, long va, long pa, long size, long prot,
      int maxBlockShift) {
    return new BootMapping(Kind.MAP, name, va, pa, size, prot, maxBlockShift, 0, null, false);
  }
}
