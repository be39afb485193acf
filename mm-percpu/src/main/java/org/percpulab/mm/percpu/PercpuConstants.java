package org.percpulab.mm.percpu;

/**
 * Numbers the kernel defines for the percpu allocator: include/linux/percpu.h and mm/percpu.c
 * (v6.17-rc3, default config: no CONFIG_RANDOM_KMALLOC_CACHES, 64-bit, CONFIG_MODULES=y).
 * {@code PercpuConstantsTest} asserts each value.
 */
public final class PercpuConstants {
  private PercpuConstants() {}

  /** PCPU_MIN_ALLOC_SHIFT: one alloc_map bit covers 4 bytes. */
  public static final int PCPU_MIN_ALLOC_SHIFT = 2;
  /** PCPU_MIN_ALLOC_SIZE. */
  public static final int PCPU_MIN_ALLOC_SIZE = 1 << PCPU_MIN_ALLOC_SHIFT;
  /** PCPU_SLOT_BASE_SHIFT: 1-31 bytes share a slot. */
  public static final int PCPU_SLOT_BASE_SHIFT = 5;
  /** PCPU_SLOT_FAIL_THRESHOLD: chunks in slots below this are sidelined to slot 0 on a failed fit. */
  public static final int PCPU_SLOT_FAIL_THRESHOLD = 3;
  /** PCPU_EMPTY_POP_PAGES_LOW. */
  public static final int PCPU_EMPTY_POP_PAGES_LOW = 2;
  /** PCPU_EMPTY_POP_PAGES_HIGH. */
  public static final int PCPU_EMPTY_POP_PAGES_HIGH = 4;
  /** The unaligned PCPU_MIN_UNIT_SIZE before PFN_ALIGN (32 KiB). */
  public static final long PCPU_MIN_UNIT_SIZE_RAW = 32L << 10;
  /** PERCPU_MODULE_RESERVE with CONFIG_MODULES. */
  public static final long PERCPU_MODULE_RESERVE = 8L << 10;
  /** PERCPU_DYNAMIC_SIZE_SHIFT without CONFIG_RANDOM_KMALLOC_CACHES. */
  public static final int PERCPU_DYNAMIC_SIZE_SHIFT = 10;
  /** PERCPU_DYNAMIC_EARLY_SIZE = 20 &lt;&lt; shift. */
  public static final long PERCPU_DYNAMIC_EARLY_SIZE = 20L << PERCPU_DYNAMIC_SIZE_SHIFT;
  /** PERCPU_DYNAMIC_RESERVE on 64-bit = 28 &lt;&lt; shift. */
  public static final long PERCPU_DYNAMIC_RESERVE = 28L << PERCPU_DYNAMIC_SIZE_SHIFT;
  /** LOCAL_DISTANCE (include/linux/topology.h). */
  public static final int LOCAL_DISTANCE = 10;

  /** PCPU_MIN_UNIT_SIZE = PFN_ALIGN(32 KiB) for the given page size; also the largest allocation. */
  public static long minUnitSize(long pageSize) {
    return (PCPU_MIN_UNIT_SIZE_RAW + pageSize - 1) & -pageSize;
  }

  /** PCPU_BITMAP_BLOCK_BITS = PCPU_BITMAP_BLOCK_SIZE (= PAGE_SIZE) / PCPU_MIN_ALLOC_SIZE. */
  public static int bitmapBlockBits(long pageSize) {
    return (int) (pageSize >> PCPU_MIN_ALLOC_SHIFT);
  }

  /** __pcpu_size_to_slot: max(fls(size) - PCPU_SLOT_BASE_SHIFT + 2, 1). */
  public static int sizeToSlotRaw(int size) {
    int fls = 32 - Integer.numberOfLeadingZeros(size);
    return Math.max(fls - PCPU_SLOT_BASE_SHIFT + 2, 1);
  }
}
