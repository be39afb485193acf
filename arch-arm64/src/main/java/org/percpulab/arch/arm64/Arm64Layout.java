package org.percpulab.arch.arm64;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.VaLayout;

/**
 * The arm64 TTBR1 (kernel) VA layout as v6.17 computes it (arch/arm64/include/asm/memory.h,
 * pgtable.h, fixmap.h; kernel-facts §1), plus the seed series' percpu local area.
 *
 * <p>Formulas (VA = VA_BITS, VA_MIN = VA_BITS_MIN = 48, or 47 with 16K pages, when VA &gt; 48):
 * PAGE_OFFSET = -2^VA; PAGE_END = MODULES_VADDR = -2^(VA_MIN-1); MODULES_END = KIMAGE_VADDR =
 * VMALLOC_START = MODULES_VADDR + 2 GiB; VMEMMAP_END = -1 GiB; VMEMMAP_START = VMEMMAP_END -
 * ((PAGE_END - PAGE_OFFSET) &gt;&gt; PAGE_SHIFT) * sizeof(struct page) (64); VMALLOC_END =
 * VMEMMAP_START - 8 MiB (vabits_actual = VA_BITS, so no unused vmemmap is added back); PCI_IO =
 * VMEMMAP_END + 8 MiB, 16 MiB; FIXADDR_TOP = -8 MiB; FIXADDR_TOT_START = FIXADDR_TOP minus all
 * fixmap slots. No KASAN.
 *
 * <p>Fixmap slots (fixmap.h enum, config CONFIG_KVM + APEI_GHES + SDEI + UNMAP_KERNEL_AT_EL0 as in
 * distro kernels): FIX_HOLE, FIX_FDT_END, FDT window of 2 MiB / PAGE_SIZE + 1 slots, EARLYCON,
 * TEXT_POKE0, VNCR_END + NR_CPUS VNCR slots, 2 GHES, 2 SDEI, 4 ENTRY_TRAMP_TEXT; then 7 x 256 KiB of
 * early_ioremap BTMAPs and FIX_PTE/PMD/PUD/P4D/PGD. With 4K pages and NR_CPUS = 512: 1038 permanent
 * slots, TRAMP_VALIAS = 0xffffffffff3f3000, FIXADDR_TOT_START = 0xffffffffff22d000.
 *
 * <h2>The percpu local area</h2>
 * Where: at the top of the vmalloc range, directly below the guard in front of vmemmap, cut out of
 * vmalloc (VMALLOC_END is lowered to its start). Why there: (1) every percpu chunk already lives at
 * the top of vmalloc (pcpu_get_vm_areas allocates top-down from VMALLOC_END), so the local aliases
 * and the global chunks are neighbours and a kernel VA that is "percpu" is one range check; (2) the
 * kernel image and modules sit at the bottom of vmalloc, the linear map below that, and vmemmap,
 * PCI I/O and fixmap above: the top of vmalloc is the only place whose neighbours are not touched
 * at boot by per-CPU-identical mappings except vmalloc itself.
 *
 * <p>Rule: the area must not share a table entry with anything shared between CPUs at the level
 * where it becomes private (its "private level" P). P is the highest level (0 = top) at which an
 * entry can be found that lies strictly above the kernel image and ends at or below the first
 * entry touching vmemmap. Then area = [ALIGN_DOWN(end - 1 GiB, entry(P)), end) with end =
 * ALIGN_DOWN(original VMALLOC_END, entry(P)): at least 1 GiB of VA and only whole entries at level
 * P, so the private slots are exactly the area and emptied private tables can be freed; the rest
 * up to vmemmap (at most one entry, containing the kernel's 8 MiB guard) stays unused.
 *
 * <p>Consequences per geometry: P = 0 everywhere except 16K/48-bit (level 0 has 2 entries of
 * 128 TiB, entry 1 holds the image, modules, vmalloc and vmemmap: P = 1, 64 GiB entries) and
 * 4K/52-bit (level 0 entries are 256 TiB: P = 1, 512 GiB entries). Each CPU needs a private copy
 * of every table on the path from the top to the local area: the pgd, then (P = 1) the level-1
 * table, then one table per lower level for the mapped units. With the first chunk mapped (it fits
 * one last-level table on every granule) that is exactly {@code levels} private table pages per
 * CPU — 3 (4K/39, 16K/47, 64K/48, 64K/52), 4 (4K/48, 16K/48), 5 (4K/52), 2 (16K/36, 64K/42) —
 * and the tables holding shared entries that must be synced are levels 0..P (one level for P = 0,
 * two for P = 1). On 2-level geometries the private pgd is the PMD level, so every new PTE table
 * anywhere in the kernel half is a pgd entry change that must be synced to every CPU.
 */
public final class Arm64Layout {

  public static final long SZ_8M = 8L << 20;
  public static final long SZ_16M = 16L << 20;
  public static final long SZ_1G = 1L << 30;
  public static final long SZ_2G = 2L << 30;
  public static final long STRUCT_PAGE_SIZE = 64;
  /** Assumption: RAM starts at 1 GiB (QEMU virt, many arm64 SoCs): PHYS_OFFSET = 0x40000000. */
  public static final long PHYS_OFFSET = 0x4000_0000L;
  /** Assumption: __per_cpu_start at KIMAGE_VADDR + 0x1e80000 (a distro vmlinux is ~30 MiB). */
  public static final long PER_CPU_START_OFFSET = 0x1e8_0000L;

  public final Geometry geometry;
  public final int vaBitsMin;
  /** VA_BITS of the build (52 for a 52-bit kernel even when it runs with 48/47). */
  public final int buildVaBits;
  public final long pageOffset;
  public final long pageEnd;
  public final long modulesVaddr;
  public final long modulesEnd;
  public final long kimageVaddr;
  public final long vmallocStart;
  /** VMALLOC_END as the kernel computes it, without the local area. */
  public final long kernelVmallocEnd;
  public final long vmemmapStart;
  public final long vmemmapEnd;
  public final long pciIoStart;
  public final long pciIoEnd;
  public final long fixaddrTop;
  public final long fixaddrStart;
  public final long fixaddrTotStart;
  public final long trampValias;
  public final int localPrivateLevel;
  public final long localStart;
  public final long localEnd;

  public Arm64Layout(Geometry g, int nrCpus) {
    this(g, nrCpus, g.vaBits());
  }

  /**
   * The layout of a build with {@code buildVaBits} (VA_BITS) running with {@code g.vaBits()} =
   * vabits_actual: a 52-bit build on a CPU without LPA2/LVA falls back to VA_BITS_MIN. The build's
   * constants stay (PAGE_END, VMEMMAP_START/SIZE for the 52-bit linear range, fixmap); the linear map
   * starts at _PAGE_OFFSET(vabits_actual) (arm64_memblock_init lowers memstart_addr so that
   * __phys_to_virt lands there), the used vmemmap starts at virt_to_page of that (the ptdump marker
   * and {@link #vmemmapStart}), and VMALLOC_END = VMEMMAP_START + VMEMMAP_UNUSED_NPAGES x
   * sizeof(struct page) - 8 MiB (pgtable.h) takes the unused vmemmap back into vmalloc.
   */
  public Arm64Layout(Geometry g, int nrCpus, int buildVaBits) {
    this.geometry = g;
    int ps = g.pageShift();
    int va = g.vaBits();
    this.buildVaBits = buildVaBits;
    vaBitsMin = Arm64Geometries.vaBitsMin(ps, buildVaBits);
    long buildPageOffset = -(1L << buildVaBits);
    pageOffset = -(1L << va);
    pageEnd = -(1L << (vaBitsMin - 1));
    modulesVaddr = pageEnd;
    modulesEnd = modulesVaddr + SZ_2G;
    kimageVaddr = modulesEnd;
    vmallocStart = modulesEnd;
    vmemmapEnd = -SZ_1G;
    long vmemmapSize = ((pageEnd - buildPageOffset) >>> ps) * STRUCT_PAGE_SIZE;
    long unused = ((pageOffset - buildPageOffset) >>> ps) * STRUCT_PAGE_SIZE;
    vmemmapStart = vmemmapEnd - vmemmapSize + unused;
    kernelVmallocEnd = vmemmapStart - SZ_8M;
    pciIoStart = vmemmapEnd + SZ_8M;
    pciIoEnd = pciIoStart + SZ_16M;
    fixaddrTop = -SZ_8M;
    long page = 1L << ps;
    long fdtSlots = (2L << 20) / page + 1;
    long endPermanent = 2 + fdtSlots + 1 + 1 + 1 + nrCpus + 2 + 2 + 4;
    trampValias = fixaddrTop - (endPermanent - 1) * page;
    fixaddrStart = fixaddrTop - endPermanent * page;
    long btmaps = 7 * ((256L << 10) / page);
    fixaddrTotStart = fixaddrTop - (endPermanent + btmaps + 5) * page;

    int level = -1;
    long s = 0;
    long e = 0;
    for (int p = 0; p < g.levels() - 1 && level < 0; p++) {
      long entry = g.entrySize(p);
      long end = alignDown(kernelVmallocEnd, entry);
      long start = alignDown(end - SZ_1G, entry);
      if (Long.compareUnsigned(start, kimageVaddr) > 0
          && alignDown(start, entry) != alignDown(kimageVaddr, entry)
          && Long.compareUnsigned(start, end) < 0) {
        level = p;
        s = start;
        e = end;
      }
    }
    if (level < 0) {
      throw new IllegalStateException("no private level for the local area on " + g.label());
    }
    localPrivateLevel = level;
    localStart = s;
    localEnd = e;
  }

  static long alignDown(long v, long a) {
    return v & -a;
  }

  /**
   * VA the packed percpu region may take (mm-percpu, {@code percpu.localLayout=packed}): a quarter
   * of {@code [VMALLOC_START, local area start)}, page aligned. Assumption: the rest of vmalloc
   * (vmalloc, vmap, ioremap, BPF, module fallbacks) keeps three quarters; the kernel has no such
   * region, so the share is this model's choice and is printed by {@code boot}.
   */
  public long packedRegionBudget() {
    return ((localStart - vmallocStart) / 4) & -geometry.pageSize();
  }

  /** VMALLOC_END in effect: lowered to the local area start when the local map is active. */
  public long vmallocEnd(boolean localActive) {
    return localActive ? localStart : kernelVmallocEnd;
  }

  /** __per_cpu_start in the kernel image (assumption, see {@link #PER_CPU_START_OFFSET}). */
  public long perCpuStart() {
    return kimageVaddr + PER_CPU_START_OFFSET;
  }

  /** Private table pages each CPU needs with the first chunk mapped in the local area. */
  public int privateTablesPerCpuAtBoot() {
    return geometry.levels();
  }

  public Region localArea() {
    return new Region("percpu-local", localStart, localEnd);
  }

  /**
   * percpu.access=private-page (Laight): the fixed VA of the CPU-private page and the entries
   * around it that are per CPU. Where (an assumption): the last entry of level P = levels - 2 (the
   * PMD level: 2 MiB on 4K, 32 MiB on 16K, 512 MiB on 64K) right below the kernel image, cut off
   * the top of the module region. Why: the private-page sequences reach it with one {@code adrp}
   * from kernel text, which needs it within 4 GiB of the image; at level P it owns a whole entry,
   * so each CPU has its own last-level table for it (no entry of it is shared), and the image
   * (2 GiB aligned at KIMAGE_VADDR) never shares that entry. Per CPU: copies of the path tables
   * at levels 0..P plus one last-level table and the page, i.e. {@code levels} table pages + 1
   * page. The levels 0..P entries of those copies that are shared (modules, image and the bottom
   * of vmalloc share the level-P table) are synced as for the local map.
   */
  public Region privatePageRange() {
    long entry = geometry.entrySize(privatePageLevel());
    return new Region("cpu-private", kimageVaddr - entry, kimageVaddr);
  }

  /** The level at which the private page's range owns whole entries: levels - 2. */
  public int privatePageLevel() {
    return geometry.levels() - 2;
  }

  /** The layout with the CPU-private page's range cut off the module region's top. */
  public VaLayout toVaLayout(boolean localActive, boolean privatePage) {
    VaLayout v = toVaLayout(localActive);
    return privatePage ? v.withTopCut("modules", privatePageRange()) : v;
  }

  public VaLayout toVaLayout(boolean localActive) {
    List<Region> r = new ArrayList<>();
    r.add(new Region("linear", pageOffset, pageEnd));
    r.add(new Region("modules", modulesVaddr, modulesEnd));
    r.add(new Region("vmalloc", vmallocStart, vmallocEnd(localActive)));
    if (localActive) {
      r.add(localArea());
    }
    r.add(new Region("vmemmap", vmemmapStart, vmemmapEnd));
    r.add(new Region("pci-io", pciIoStart, pciIoEnd));
    r.add(new Region("fixmap", fixaddrTotStart, fixaddrTop));
    return new VaLayout(r, pageOffset, PHYS_OFFSET, vmallocStart, vmallocEnd(localActive),
        kimageVaddr);
  }
}
