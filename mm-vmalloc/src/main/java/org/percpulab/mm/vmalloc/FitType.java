package org.percpulab.mm.vmalloc;

/**
 * How an allocated range sits inside the free block it is cut from: mm/vmalloc.c's {@code enum
 * fit_type} as classified by {@code classify_va_fit_type} and applied by {@code va_clip}.
 *
 * <pre>
 *   free block:  |<--------------->|
 *   FL          |XXXXXXXXXXXXXXXXX|   full fit: the block is removed
 *   LE          |XXXXXX...........|   left edge: the block's start moves up
 *   RE          |...........XXXXXX|   right edge: the block's end moves down
 *   NE          |.....XXXXXX......|   no edge: the block is split in two
 * </pre>
 */
public enum FitType {
  NOTHING_FIT, FL_FIT_TYPE, LE_FIT_TYPE, RE_FIT_TYPE, NE_FIT_TYPE
}
