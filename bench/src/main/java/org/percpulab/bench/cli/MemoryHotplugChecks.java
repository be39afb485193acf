package org.percpulab.bench.cli;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.machine.Machine;

/**
 * The checks the kernel makes around arch_add_memory / arch_remove_memory that the arm64 model
 * leaves to its caller, with the errno each returns:
 * <ul>
 *   <li>check_hotplug_memory_range (mm/memory_hotplug.c): start and size aligned to the memory
 *       block size, at least one section (arm64 SECTION_SIZE_BITS, asm/sparsemem.h: 27 with 4K
 *       and 16K pages, 29 with 64K) - else -EINVAL;</li>
 *   <li>prevent_bootmem_remove_notifier (arch/arm64/mm/mmu.c): boot memory cannot go offline -
 *       -EBUSY;</li>
 *   <li>removing a range that was never hot-added: -EINVAL (model's choice: the kernel has no
 *       memory blocks to offline there, so the removal cannot proceed).</li>
 * </ul>
 */
final class MemoryHotplugChecks {
  static final int EINVAL = -22;
  static final int EBUSY = -16;
  static final int ENOMEM = -12;

  private final long sectionSize;
  private final long bootStart;
  private final long bootEnd;
  private final List<long[]> added = new ArrayList<>();

  MemoryHotplugChecks(Machine m) {
    this.sectionSize = 1L << (m.geometry().pageShift() == 16 ? 29 : 27);
    this.bootStart = m.mem().startPa();
    this.bootEnd = bootStart + m.mem().bytes();
  }

  static String errnoName(int rc) {
    return switch (rc) {
      case EINVAL -> "-EINVAL";
      case EBUSY -> "-EBUSY";
      case ENOMEM -> "-ENOMEM";
      default -> String.valueOf(rc);
    };
  }

  /** Why arch_add_memory returned {@code rc}, in words. */
  static String addFailure(int rc) {
    return switch (rc) {
      case EINVAL -> "range outside the linear map's mappable range (arch_get_mappable_range)";
      case EBUSY -> "range already mapped (boot memory, or added before)";
      case ENOMEM -> "no memory left for page tables or the vmemmap (raise mm.memory)";
      default -> "arch_add_memory failed";
    };
  }

  String refuseAdd(long pa, long size) {
    return aligned(pa, size);
  }

  String refuseRemove(long pa, long size) {
    String a = aligned(pa, size);
    if (a != null) {
      return a;
    }
    if (pa < bootEnd && pa + size > bootStart) {
      return "boot memory cannot be removed (it overlaps RAM 0x" + Long.toHexString(bootStart)
          + "-0x" + Long.toHexString(bootEnd) + ")";
    }
    for (long[] r : added) {
      if (pa >= r[0] && pa + size <= r[1]) {
        return null;
      }
    }
    return "range was never added";
  }

  void added(long pa, long size) {
    added.add(new long[] {pa, pa + size});
  }

  /** Keeps the parts of the added ranges outside [pa, pa + size). */
  void removed(long pa, long size) {
    List<long[]> keep = new ArrayList<>();
    for (long[] r : added) {
      if (r[0] < pa) {
        keep.add(new long[] {r[0], Math.min(r[1], pa)});
      }
      if (r[1] > pa + size) {
        keep.add(new long[] {Math.max(r[0], pa + size), r[1]});
      }
    }
    added.clear();
    added.addAll(keep);
  }

  private String aligned(long pa, long size) {
    String sec = (sectionSize >> 20) + "M";
    if ((pa & (sectionSize - 1)) != 0) {
      return "start not section-aligned (" + sec + " sections)";
    }
    if ((size & (sectionSize - 1)) != 0) {
      return "size not a multiple of the section size (" + sec + ")";
    }
    return null;
  }
}
