package org.percpulab.arch.s390;

import java.util.Optional;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.MachineTopology;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.VaLayout;

/**
 * s390's experimental percpu local map (off unless chosen: {@code s390.localMap=on} or
 * {@code percpu.access=local-map}): the arm64 seed series' construction carried to s390. A model,
 * no s390 kernel has it.
 *
 * <p><b>Per-CPU top level.</b> v6.17 has one kernel ASCE: {@code S390_lowcore.kernel_asce}
 * (arch/s390/include/asm/lowcore.h) designates swapper's top CRST table (arch/s390/boot/vmem.c
 * builds it; arch/s390/mm/pgalloc.c crst_table_alloc gives 16 KiB region/segment tables). Every
 * CPU loads CR13 (home space, the kernel's) from its own lowcore once when it is brought up, and
 * finish_arch_post_lock_switch / activate_mm load CR1 from {@code kernel_asce} for
 * TIF_ASCE_PRIMARY tasks (arch/s390/include/asm/mmu_context.h); entry.S reloads no kernel ASCE on
 * system call or interrupt entry in v6.17 (only SIE exit reloads CR1 with the user ASCE). So an
 * ASCE per CPU in lowcore is the s390 form of arm64's per-CPU TTBR1: each CPU's
 * {@code kernel_asce} designates its own copy of the top CRST table (and of the path tables down
 * to {@link #privateLevel()}), whose private entries lead to that CPU's local-area tables. Switch
 * and entry cost nothing extra: the loads already read lowcore.
 *
 * <p><b>Where</b> (an assumption, the rule of {@code Arm64Layout} carried over): at the top of
 * vmalloc, VMALLOC_END lowered to the area's start, so the percpu window (the chunks
 * pcpu_get_vm_areas places top-down from VMALLOC_END) lies right below it. The private level P is
 * the highest level whose entries fit between VMALLOC_START and VMALLOC_END; area =
 * {@code [ALIGN_DOWN(end - 1 GiB, entry(P)), end)} with {@code end = ALIGN_DOWN(VMALLOC_END,
 * entry(P))}: whole entries of level P, none shared with modules or the image above. The
 * region-second and region-first entries (4 TiB, 8 PiB) hold the whole s390 kernel layout, so P
 * is the region-third level on every geometry (2 GiB entries): P = 0 with a region-third ASCE
 * (42-bit, the default), 1 with region-second (53-bit), 2 with region-first (64-bit). The area is
 * {@code [0x3fe80000000, 0x3ff00000000)}; {@code [0x3ff00000000, VMALLOC_END)} (1.5 GiB) stays
 * unused, as arm64 leaves the rest up to vmemmap unused.
 *
 * <p>Per-CPU table pages once the first chunk is mapped (one page table covers a unit): the P + 1
 * CRST path copies, one segment table and one page table, i.e. {@code 4 (P + 2) + 1} pages (a
 * CRST table is four 4 KiB pages): 9 (42-bit), 13 (53-bit), 17 (64-bit).
 *
 * <p>Refusal ({@link S390Backend#localMapRefusal}): as on arm64, SMT siblings sharing a TLB.
 */
public final class S390LocalPerCpuMap implements LocalPerCpuMap {
  /** The least VA the area covers before rounding to whole entries (as on arm64). */
  static final long MIN_AREA = 1L << 30;

  private final Region area;
  private final int privateLevel;

  private S390LocalPerCpuMap(Region area, int privateLevel) {
    this.area = area;
    this.privateLevel = privateLevel;
  }

  /** The local area for {@code g} (see the class comment). */
  public static S390LocalPerCpuMap of(Geometry g) {
    for (int p = 0; p < g.levels() - 1; p++) {
      long entry = g.entrySize(p);
      long end = S390Layout.VMALLOC_END & -entry;
      long start = (end - MIN_AREA) & -entry;
      if (Long.compareUnsigned(start, end) < 0
          && Long.compareUnsigned(start - (end - start), S390Layout.VMALLOC_START) >= 0
          && Long.compareUnsigned(start - (end - start), start) < 0) {
        return new S390LocalPerCpuMap(new Region("percpu-local", start, end), p);
      }
    }
    throw new IllegalStateException("no private level for the local area on " + g.label());
  }

  @Override public Region localArea() {
    return area;
  }

  @Override public int privateLevel() {
    return privateLevel;
  }

  /** Private table pages each CPU holds with the first chunk mapped (see the class comment). */
  public long privateTablePagesPerCpuAtBoot(Geometry g) {
    // path copies at levels 0..P, then one table per lower level: one table of every level
    long pages = 0;
    for (int l = 0; l < g.levels(); l++) {
      pages += Math.max(1, g.tableBytes(l) / g.pageSize());
    }
    return pages;
  }

  /** The kernel's layout with VMALLOC_END lowered to the area and the area as one region. */
  VaLayout layout() {
    return S390Layout.LAYOUT.withTopCut("vmalloc", area);
  }

  /** As on arm64 (and generic): SMT siblings sharing a TLB could hit each other's alias. */
  static Optional<String> refusal(MachineTopology t) {
    if (t.tlbSharedBySmt() && t.threadsPerCore() > 1) {
      return Optional.of("SMT siblings share a TLB (tlb.shared=smt, " + t.threadsPerCore()
          + " threads/core): a sibling could hit another CPU's local-area translation");
    }
    return Optional.empty();
  }
}
