package org.percpulab.arch.arm64;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.BootMapping;
import org.percpulab.core.spi.BootMappings;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.ProtKind;

/**
 * What v6.17 arm64 maps in swapper before percpu setup, in the kernel's order:
 * <ol>
 *   <li>the kernel image (arch/arm64/kernel/pi/map_kernel.c map_kernel + map_range): text ROX with
 *       contiguous hints, rodata RO (PAGE_KERNEL until mark_rodata_ro, shown final), data RW NX with
 *       contiguous hints; leaves only at PMD and PTE level. The two init segments are unmapped by
 *       free_initmem (arch/arm64/mm/init.c vunmap_range) but keep their vm areas, so they are
 *       {@link BootMapping.Kind#VM_AREA}. All five are declare_kernel_vmas' VM_MAP areas (mmu.c),
 *       caller {@code paging_init} (declare_vma's return address, declare_kernel_vmas being inlined
 *       into paging_init), VM_NO_GUARD except the data segment;</li>
 *   <li>early_fixmap_init (arch/arm64/mm/fixmap.c): the tables for [FIXADDR_TOT_START,
 *       FIXADDR_TOP), no leaves;</li>
 *   <li>setup_machine_fdt: the FDT at fixmap slot FIX_FDT, PAGE_KERNEL_RO (fixmap_remap_fdt);</li>
 *   <li>paging_init's map_mem (mmu.c): the linear map PAGE_KERNEL (NX) without the kernel's
 *       [_stext, __init_begin), then that alias PAGE_KERNEL with NO_CONT_MAPPINGS, made RO by
 *       mark_linear_text_alias_ro (shown final). With {@code arm64.rodataFull} (can_set_direct_map(),
 *       rodata=full, the v6.17 default) both get NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS: pages only;
 *       else __create_pgd_mapping's choice: 1 GiB PUD blocks (4K granule), CONT_PMD runs of PMD
 *       blocks, PMD blocks, CONT_PTE runs, pages, each where VA and PA are aligned;</li>
 *   <li>bootmem_init's sparse_init: vmemmap for every present section (whole sections), PMD blocks
 *       with PROT_SECT_NORMAL where the granule is 4K (vmemmap_populate_hugepages), base pages
 *       otherwise; backed by one memblock buffer of sections x section_map_size aligned to it
 *       (top-down), or page/block-wise top-down when that buffer does not fit.</li>
 * </ol>
 * With {@code arm64.kpti} (arm64_kernel_unmapped_at_el0(): CONFIG_UNMAP_KERNEL_AT_EL0 and a CPU
 * that needs KPTI) also mmu.c map_entry_trampoline (a core_initcall, after percpu setup; listed
 * here because it only adds leaves to the fixmap tables early_fixmap_init built): the trampoline
 * text at FIX_ENTRY_TRAMP_TEXT1 = TRAMP_VALIAS, PAGE_KERNEL_ROX without nG, and with
 * CONFIG_RELOCATABLE (set with RANDOMIZE_BASE in defconfig) the next page PAGE_KERNEL_RO at
 * FIX_ENTRY_TRAMP_TEXT1 - 1 = TRAMP_VALIAS + PAGE_SIZE. Assumptions: one page of trampoline text (entry_tramp_text_size() is
 * build-dependent; the fixmap reserves three), at the image's first page as {@link Arm64Kpti}
 * places it. tramp_pg_dir's own tables are not swapper's and are not counted here.
 * PCI I/O is left unmapped (no PCI host bridge driver runs in the model). Not mapped either, by
 * default as in v6.17: the KFENCE pool (CONFIG_KFENCE with kfence.sample_interval set; its
 * linear-map pages are the same page-granular mapping as the rest when rodataFull), the earlycon
 * slot FIX_EARLYCON_MEM_BASE (only with earlycon= on the command line), TEXT_POKE0 and the
 * FIX_PTE..FIX_PGD slots (transient), idmap_pg_dir (TTBR0, not swapper).
 *
 * <p>Assumptions (image layout, a ~32 MiB distro Image, SEGMENT_ALIGN 64 KiB): text
 * [0, 18 MiB), rodata [18, 26), init text [26, 28), init data [28, 31) (holding .data..percpu at
 * {@link Arm64Layout#PER_CPU_START_OFFSET}), data+bss [31, 32); a smaller modelled image (RAM
 * below 128 MiB) is cut at its end. The FDT is 1 MiB, put by the boot loader at the top of RAM.
 */
public final class Arm64BootMappings implements BootMappings {
  static final long TEXT_END = 18L << 20;
  static final long RODATA_END = 26L << 20;
  static final long INITTEXT_END = 28L << 20;
  static final long INITDATA_END = 31L << 20;
  /** Assumption: size of the flattened device tree. */
  static final long FDT_SIZE = 1L << 20;
  /** SECTION_SIZE_BITS: 27 with 4K and 16K pages, 29 with 64K (arch/arm64/include/asm/sparsemem.h). */
  static int sectionShift(int pageShift) {
    return pageShift == 16 ? 29 : 27;
  }

  private final Arm64Layout layout;
  private final Arm64Descriptors d;
  private final boolean rodataFull;
  private final boolean kpti;

  Arm64BootMappings(Arm64Layout layout, Arm64Descriptors d, boolean rodataFull, boolean kpti) {
    this.layout = layout;
    this.d = d;
    this.rodataFull = rodataFull;
    this.kpti = kpti;
  }

  public boolean rodataFull() {
    return rodataFull;
  }

  @Override public List<BootMapping> mappings(long ramStart, long ramBytes, long imageBytes) {
    Geometry g = layout.geometry;
    int ps = g.pageShift();
    int pmd = pmdShift(ps);
    List<BootMapping> out = new ArrayList<>();
    long kimg = layout.kimageVaddr;
    long rox = d.prot(ProtKind.KERNEL_ROX);
    long ro = d.prot(ProtKind.KERNEL_RO);
    long rw = d.prot(ProtKind.KERNEL);
    segment(out, ".text", kimg, ramStart, 0, TEXT_END, imageBytes, rox, true, false, false);
    segment(out, ".rodata", kimg, ramStart, TEXT_END, RODATA_END, imageBytes, ro, false, false,
        false);
    segment(out, ".init.text", kimg, ramStart, RODATA_END, INITTEXT_END, imageBytes, rox, false,
        true, false);
    segment(out, ".init.data", kimg, ramStart, INITTEXT_END, INITDATA_END, imageBytes, rw, false,
        true, false);
    segment(out, ".data", kimg, ramStart, INITDATA_END, Long.MAX_VALUE, imageBytes, rw, true,
        false, true);
    long fixStart = layout.fixaddrTotStart & -(1L << ps);
    out.add(new BootMapping(BootMapping.Kind.TABLES, "fixmap", fixStart,
        0, layout.fixaddrTop - fixStart, rw, ps, 0, null, false));
    long page = 1L << ps;
    long fixFdt = 1 + ((2L << 20) + page - 1) / page + 1;
    out.add(new BootMapping(BootMapping.Kind.BACKED, "FDT", layout.fixaddrTop - fixFdt * page,
        page, FDT_SIZE, ro, ps, FDT_SIZE, null, false));
    if (kpti) {
      out.add(BootMapping.map("entry trampoline", layout.trampValias, ramStart, page,
          rox & ~Arm64Descriptors.NG, ps));
      out.add(BootMapping.map("entry trampoline data", layout.trampValias + page,
          ramStart + page, page, ro, ps));
    }
    long textAlias = Math.min(RODATA_END, imageBytes);
    long ramEnd = ramStart + ramBytes;
    long lmEnd = Math.min(ramBytes, layout.pageEnd - layout.pageOffset);
    if (textAlias < lmEnd) {
      linear(out, layout.pageOffset + textAlias, ramStart + textAlias, lmEnd - textAlias, rw,
          rodataFull, rodataFull);
    }
    linear(out, layout.pageOffset, ramStart, Math.min(textAlias, lmEnd), ro, rodataFull, true);
    long section = 1L << sectionShift(ps);
    long sections = (ramBytes + section - 1) / section;
    long perSection = (section >>> ps) * Arm64Layout.STRUCT_PAGE_SIZE;
    long sectionMap = (perSection + (1L << pmd) - 1) & -(1L << pmd);
    boolean huge = ps == 12;
    long vmemmapVa = layout.vmemmapStart + ((ramStart - Arm64Layout.PHYS_OFFSET) >>> ps)
        * Arm64Layout.STRUCT_PAGE_SIZE;
    out.add(new BootMapping(BootMapping.Kind.BACKED, "vmemmap", vmemmapVa, sectionMap,
        sections * perSection, huge ? sectBlockProt() : rw, huge ? pmd : ps,
        sections * sectionMap, null, false));
    if (ramEnd < ramStart) {
      throw new IllegalArgumentException("RAM wraps");
    }
    return out;
  }

  /**
   * arch_add_memory's linear map of hot-added RAM [pa, pa+size) at {@code va} (mmu.c): PAGE_KERNEL
   * with NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS when can_set_direct_map() ({@code arm64.rodataFull}),
   * else __create_pgd_mapping's blocks and contiguous runs - the same choice map_mem makes at boot.
   */
  List<BootMapping> hotplugLinear(long va, long pa, long size) {
    List<BootMapping> out = new ArrayList<>();
    linear(out, va, pa, size, d.prot(ProtKind.KERNEL), rodataFull, rodataFull);
    return out;
  }

  /** PROT_SECT_NORMAL: the same attributes as PAGE_KERNEL on a block. */
  private long sectBlockProt() {
    return d.prot(ProtKind.KERNEL);
  }

  static int pmdShift(int ps) {
    return ps + ps - 3;
  }

  private void segment(List<BootMapping> out, String name, long kimg, long ramStart, long from,
      long to, long imageBytes, long prot, boolean cont, boolean freed, boolean guard) {
    long end = Math.min(to, imageBytes);
    if (from >= end) {
      return;
    }
    if (!freed) {
      split(out, name, kimg + from, ramStart + from, end - from, prot, false, !cont, false);
    }
    out.add(new BootMapping(BootMapping.Kind.VM_AREA, name, kimg + from, ramStart + from,
        end - from, prot, 0, 0, "paging_init", guard));
  }

  private void linear(List<BootMapping> out, long va, long pa, long size, long prot,
      boolean noBlock, boolean noCont) {
    if (size > 0) {
      split(out, "linear map", va, pa, size, prot, noBlock, noCont, true);
    }
  }

  /**
   * __create_pgd_mapping's leaf choice as ranges: PUD blocks (4K granule), CONT_PMD runs, PMD
   * blocks, CONT_PTE runs, pages, each where VA and PA are aligned and the range covers it; with
   * {@code pudBlocks} false, pi's map_range for the image: no PUD blocks and no CONT_PMD. Adjacent
   * pieces of the same kind are merged.
   */
  private void split(List<BootMapping> out, String name, long va, long pa, long size, long prot,
      boolean noBlock, boolean noCont, boolean pudBlocks) {
    Geometry g = layout.geometry;
    int ps = g.pageShift();
    int pmd = pmdShift(ps);
    int pud = pmd + ps - 3;
    long contPmd = (long) Arm64Geometries.contPmds(ps) << pmd;
    long contPte = (long) Arm64Geometries.contPtes(ps) << ps;
    boolean pmdBlocks = !noBlock && blockAt(g, pmd);
    boolean pudOk = pudBlocks && !noBlock && blockAt(g, pud);
    long end = va + size;
    // the current run of pieces of one kind (prot and shift), each following the previous one
    long runVa = va;
    long runPa = pa;
    long runSize = 0;
    long runProt = 0;
    int runShift = -1;
    boolean pagesOnly = !pudOk && !pmdBlocks && noCont;
    while (Long.compareUnsigned(va, end) < 0) {
      long left = end - va;
      long step;
      long p = prot;
      int shift;
      if (pudOk && aligned(va, pa, 1L << pud) && Long.compareUnsigned(left, 1L << pud) >= 0) {
        step = 1L << pud;
        shift = pud;
      } else if (pmdBlocks && pudBlocks && !noCont && aligned(va, pa, contPmd)
          && Long.compareUnsigned(left, contPmd) >= 0) {
        step = contPmd;
        shift = pmd;
        p |= Arm64Descriptors.CONT;
      } else if (pmdBlocks && aligned(va, pa, 1L << pmd)
          && Long.compareUnsigned(left, 1L << pmd) >= 0) {
        step = 1L << pmd;
        shift = pmd;
      } else if (!noCont && aligned(va, pa, contPte) && Long.compareUnsigned(left, contPte) >= 0) {
        step = contPte;
        shift = ps;
        p |= Arm64Descriptors.CONT;
      } else {
        // pages; with no larger piece possible, every page left at once
        step = pagesOnly ? (((left - 1) >>> ps) + 1) << ps : 1L << ps;
        shift = ps;
      }
      if (runShift == shift && runProt == p) {
        runSize += step;
      } else {
        if (runShift >= 0) {
          out.add(BootMapping.map(name, runVa, runPa, runSize, runProt, runShift));
        }
        runVa = va;
        runPa = pa;
        runSize = step;
        runProt = p;
        runShift = shift;
      }
      va += step;
      pa += step;
    }
    if (runShift >= 0) {
      out.add(BootMapping.map(name, runVa, runPa, runSize, runProt, runShift));
    }
  }

  /** Whether the geometry has a level of that entry shift that may hold a block. */
  private static boolean blockAt(Geometry g, int shift) {
    for (int l = 0; l < g.levels(); l++) {
      if (g.shift(l) == shift) {
        return g.blockAllowed(l);
      }
    }
    return false;
  }

  private static boolean aligned(long va, long pa, long a) {
    return ((va | pa) & (a - 1)) == 0;
  }
}
