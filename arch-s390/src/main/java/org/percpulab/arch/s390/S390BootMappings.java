package org.percpulab.arch.s390;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.BootMapping;
import org.percpulab.core.spi.BootMappings;
import org.percpulab.core.spi.ProtKind;

/**
 * What v6.17 s390 maps in the kernel ASCE before percpu setup, in the kernel's order:
 * <ol>
 *   <li>arch/s390/boot/vmem.c setup_vmem: the lowcore at 0 in 4 KiB pages (POPULATE_LOWCORE,
 *       sizeof(struct lowcore) = 8 KiB, mapped first so that no large frame covers address 0);
 *       then the identity map of RAM from sizeof(struct lowcore) (POPULATE_IDENTITY) with the
 *       largest frames pgtable_populate may use: a 2 GiB region-third frame where VA and PA are
 *       2 GiB aligned and EDAT-2 is installed, a 1 MiB segment frame where 1 MiB aligned and EDAT-1
 *       is installed, else pages - so the first MiB is pages, the rest of the first 2 GiB
 *       segments, the rest region-third frames; the kernel image from kernel_start + TEXT_OFFSET
 *       (POPULATE_KERNEL, large frames allowed); the amode31 area (POPULATE_DIRECT, already inside
 *       the identity map); the absolute lowcore (POPULATE_ABS_LOWCORE, pages, to absolute 0); the
 *       memcpy-real page (POPULATE_NONE: its tables, an invalid PTE);</li>
 *   <li>arch/s390/mm/vmem.c vmem_map_init, arch/s390/mm/init.c mark_rodata_ro: [_stext, _etext)
 *       RO X, [_etext, __end_rodata) RO, the amode31 text RO X (in the identity map), ro_after_init
 *       RO; frames a boundary crosses are split (pageattr.c). Shown final: each piece is mapped
 *       with the frames the split leaves (a frame only where a whole frame has one protection).
 *       The lowcore stays NX (BEAR installed: set_memory_x(0, 1) is only for machines without
 *       it, the same z15-or-later assumption as {@link S390PtdumpTables});</li>
 *   <li>paging_init's sparse_init: vmemmap_populate (mm/vmem.c modify_pmd_table) for every present
 *       section (SECTION_SIZE_BITS 28, 64-byte struct page): 1 MiB segment frames with EDAT-1
 *       ("always use large frames even if only partially used"), 4 KiB pages without; backed by
 *       sparse_buffer_init's one memblock buffer of sections x section_map_size (4 MiB, aligned to
 *       it) taken top-down (memblock runs top-down after memblock_add_physmem_info) and used from
 *       its start.</li>
 * </ol>
 * Sizes and placement of the image's parts: {@link S390KernelImage} (configurable assumptions).
 * Not mapped: KASAN/KMSAN shadows and the KFENCE pool (configs off).
 */
public final class S390BootMappings implements BootMappings {
  /** sizeof(struct page), the same assumption as the layout's identity:vmemmap split. */
  static final long STRUCT_PAGE_BYTES = 64;
  /** sizeof(struct lowcore). */
  static final long LOWCORE_BYTES = S390Lowcore.SIZE;
  /** SECTION_SIZE_BITS (arch/s390/include/asm/sparsemem.h). */
  static final int SECTION_SHIFT = 28;

  private final S390Descriptors d;
  private final S390KernelImage image;

  S390BootMappings(S390Descriptors d, S390KernelImage image) {
    this.d = d;
    this.image = image;
  }

  @Override public List<BootMapping> mappings(long ramStart, long ramBytes, long imageBytes) {
    List<BootMapping> out = new ArrayList<>();
    int ps = S390Geometry.PAGE_SHIFT;
    long rw = d.prot(ProtKind.KERNEL);
    long ident = S390Layout.IDENTITY_BASE;
    long ramEnd = ramStart + ramBytes;
    long lowcoreEnd = ramStart == 0 ? LOWCORE_BYTES : 0;
    if (lowcoreEnd > 0) {
      out.add(BootMapping.map("lowcore", ident, 0, LOWCORE_BYTES, rw, ps));
    }
    long amode31 = image.amode31Start(ramStart);
    long amodeText = amode31 + S390KernelImage.AMODE31_TEXT;
    int identShift = image.identityMaxShift();
    long from = Math.max(ramStart, lowcoreEnd);
    if (amode31 >= from && amodeText <= ramEnd) {
      add(out, "identity map", ident + from, from, amode31 - from, rw, identShift);
      add(out, "amode31 text", ident + amode31, amode31, amodeText - amode31,
          d.prot(ProtKind.KERNEL_ROX), ps);
      from = amodeText;
    }
    add(out, "identity map", ident + from, from, ramEnd - from, rw, identShift);

    S390KernelImage img = new S390KernelImage(imageBytes, image.textBytes(), image.rodataBytes(),
        image.roAfterInitBytes(), image.edat());
    long kva = S390Layout.KERNEL_START;
    int seg = img.segmentMaxShift();
    add(out, ".text", kva + img.stext(), ramStart + img.stext(), img.etext() - img.stext(),
        d.prot(ProtKind.KERNEL_ROX), seg);
    add(out, ".rodata", kva + img.etext(), ramStart + img.etext(),
        img.endRodata() - img.etext(), d.prot(ProtKind.KERNEL_RO), seg);
    add(out, ".data..ro_after_init", kva + img.endRodata(), ramStart + img.endRodata(),
        img.endRoAfterInit() - img.endRodata(), d.prot(ProtKind.KERNEL_RO), seg);
    add(out, ".data .init .bss", kva + img.endRoAfterInit(), ramStart + img.endRoAfterInit(),
        imageBytes - img.endRoAfterInit(), rw, seg);

    if (ramStart == 0) {
      out.add(BootMapping.map("abs lowcore", S390Layout.ABS_LOWCORE, 0, LOWCORE_BYTES, rw, ps));
    }
    out.add(new BootMapping(BootMapping.Kind.TABLES, "memcpy real", S390Layout.MEMCPY_REAL_AREA,
        0, 1L << ps, rw, ps, 0, null, false));

    long section = 1L << SECTION_SHIFT;
    long perSection = (section >>> ps) * STRUCT_PAGE_BYTES;
    long frame = 1L << S390Geometry.SEGMENT_SHIFT;
    long sectionMap = (perSection + frame - 1) & -frame;
    long firstSection = ramStart & -section;
    long sections = (ramEnd - firstSection + section - 1) / section;
    long vmemmapVa = S390Layout.VMEMMAP_START + (firstSection >>> ps) * STRUCT_PAGE_BYTES;
    out.add(new BootMapping(BootMapping.Kind.BACKED, "vmemmap", vmemmapVa, sectionMap,
        sections * perSection, rw, seg, sections * sectionMap, null, false));
    return out;
  }

  private static void add(List<BootMapping> out, String name, long va, long pa, long size,
      long prot, int maxShift) {
    if (size > 0) {
      out.add(BootMapping.map(name, va, pa, size, prot, maxShift));
    }
  }
}
