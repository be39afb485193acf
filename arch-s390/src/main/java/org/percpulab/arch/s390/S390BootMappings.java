package org.percpulab.arch.s390;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.BootMapping;
import org.percpulab.core.spi.BootMappings;
import org.percpulab.core.spi.ProtKind;

/**
 * What s390's boot code maps before percpu setup, after v6.17 arch/s390/boot/vmem.c
 * (setup_vmem / pgtable_populate: identity map and vmemmap for online memory, the kernel image),
 * arch/s390/mm/vmem.c (vmem_map_init: the image's permissions; vmemmap_populate's 1 MiB segment
 * frames with EDAT1) and arch/s390/kernel/setup.c (memory setup order). In order:
 * <ol>
 *   <li>the identity (linear) map of all RAM at __identity_base with the largest leaves, as the
 *       machine mapped it before (unchanged);
 *   <li>vmemmap for boot RAM: struct page (64 bytes, the same assumption as {@link S390Layout})
 *       per 4K page, backed by 1 MiB segment frames taken top-down from RAM. Assumption: the
 *       modelled default machine has EDAT1 (every z/Architecture machine since z10); without it
 *       the kernel maps vmemmap with 4K pages - not modelled;
 *   <li>the kernel image split as vmem_map_init sets it: [_stext,_etext) RO X,
 *       [_etext,__end_rodata) RO NX, the rest RW NX. Assumption: text 1/2, rodata 1/4, data the
 *       rest of the modelled image (page aligned); page-granular leaves as the machine mapped the
 *       image before (boot/vmem.c may use larger frames; not modelled).
 * </ol>
 * Not mapped: lowcore/abs lowcore, memcpy-real page, amode31 area, KASAN shadow.
 */
public final class S390BootMappings implements BootMappings {
  /** sizeof(struct page), the same assumption as the layout's identity:vmemmap split. */
  static final long STRUCT_PAGE_BYTES = 64;
  /** Segment (1 MiB) frames for vmemmap with EDAT1. */
  static final int VMEMMAP_FRAME_SHIFT = S390Geometry.SEGMENT_SHIFT;

  private final S390Descriptors d;

  S390BootMappings(S390Descriptors d) {
    this.d = d;
  }

  @Override public List<BootMapping> mappings(long ramStart, long ramBytes, long imageBytes) {
    List<BootMapping> out = new ArrayList<>();
    out.add(BootMapping.map("identity map", S390Layout.IDENTITY_BASE + ramStart, ramStart,
        ramBytes, d.prot(ProtKind.KERNEL), 63));
    long frame = 1L << VMEMMAP_FRAME_SHIFT;
    long vmemmap = (ramBytes >>> S390Geometry.PAGE_SHIFT) * STRUCT_PAGE_BYTES;
    vmemmap = (vmemmap + frame - 1) & -frame;
    long vmemmapVa = S390Layout.VMEMMAP_START
        + (ramStart >>> S390Geometry.PAGE_SHIFT) * STRUCT_PAGE_BYTES;
    out.add(new BootMapping(BootMapping.Kind.BACKED, "vmemmap", vmemmapVa, 0, vmemmap,
        d.prot(ProtKind.KERNEL), VMEMMAP_FRAME_SHIFT, 0, null, false));
    long page = 1L << S390Geometry.PAGE_SHIFT;
    long text = (imageBytes / 2) & -page;
    long rodata = (imageBytes / 4) & -page;
    long data = imageBytes - text - rodata;
    long va = S390Layout.KERNEL_START;
    addImage(out, ".text", va, ramStart, text, ProtKind.KERNEL_ROX);
    addImage(out, ".rodata", va + text, ramStart + text, rodata, ProtKind.KERNEL_RO);
    addImage(out, ".data", va + text + rodata, ramStart + text + rodata, data, ProtKind.KERNEL);
    return out;
  }

  private void addImage(List<BootMapping> out, String name, long va, long pa, long size,
      ProtKind kind) {
    if (size > 0) {
      out.add(BootMapping.map(name, va, pa, size, d.prot(kind), S390Geometry.PAGE_SHIFT));
    }
  }
}
