package org.percpulab.arch.generic;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.BootMapping;
import org.percpulab.core.spi.BootMappings;
import org.percpulab.core.spi.ProtKind;

/**
 * The generic backend's boot mappings: a documented model, not one kernel's code. It follows the
 * x86-64-like {@link GenericLayout} (whose linear map and vmemmap regions it fills); the shape is
 * that of x86-64's init_mem_mapping / mark_rodata_ro and vmemmap_populate_hugepages (arch/x86/mm/
 * init_64.c), cited as the model's source, not mirrored exactly. In order:
 * <ol>
 *   <li>the linear map of all RAM at PAGE_OFFSET with the largest leaves the geometry allows
 *       (1 GiB where aligned, as x86-64 with gbpages does);
 *   <li>vmemmap for boot RAM: struct page per 4K page, backed by 2 MiB PMD blocks taken top-down
 *       from RAM one by one;
 *   <li>the kernel image as text RO X, rodata RO NX, data RW NX, in 4K pages.
 * </ol>
 * Every figure here is a model choice, none is checked against a kernel (there is no "generic"
 * kernel): the 64-byte struct page; the image split text 1/2, rodata 1/4, data the rest of the
 * modelled image (page aligned); page-granular image leaves (x86-64 maps its image with 2 MiB
 * pages); vmemmap blocks taken block-wise top-down (no sparse buffer); no fixmap, no init sections,
 * no text alias made read-only in the linear map, no KASAN/KFENCE. The local area is mapped later
 * when generic.localMap=on.
 */
final class GenericBootMappings implements BootMappings {
  /** sizeof(struct page) (assumption, as on the other backends). */
  static final long STRUCT_PAGE_BYTES = 64;
  /** PMD_SIZE blocks back vmemmap. */
  static final int VMEMMAP_BLOCK_SHIFT = 21;

  static final GenericBootMappings INSTANCE = new GenericBootMappings();

  private GenericBootMappings() { }

  @Override public List<BootMapping> mappings(long ramStart, long ramBytes, long imageBytes) {
    GenericDescriptors d = GenericDescriptors.INSTANCE;
    List<BootMapping> out = new ArrayList<>();
    out.add(BootMapping.map("linear map", GenericLayout.PAGE_OFFSET + ramStart
        - GenericLayout.PHYS_OFFSET, ramStart, ramBytes, d.prot(ProtKind.KERNEL), 63));
    long block = 1L << VMEMMAP_BLOCK_SHIFT;
    long vmemmap = (ramBytes >>> GenericGeometry.PAGE_SHIFT) * STRUCT_PAGE_BYTES;
    vmemmap = (vmemmap + block - 1) & -block;
    long vmemmapVa = GenericLayout.VMEMMAP_START
        + (ramStart >>> GenericGeometry.PAGE_SHIFT) * STRUCT_PAGE_BYTES;
    out.add(new BootMapping(BootMapping.Kind.BACKED, "vmemmap", vmemmapVa, 0, vmemmap,
        d.prot(ProtKind.KERNEL), VMEMMAP_BLOCK_SHIFT, 0, null, false));
    long page = 1L << GenericGeometry.PAGE_SHIFT;
    long text = (imageBytes / 2) & -page;
    long rodata = (imageBytes / 4) & -page;
    long data = imageBytes - text - rodata;
    long va = GenericLayout.KERNEL_START;
    add(out, ".text", va, ramStart, text, d.prot(ProtKind.KERNEL_ROX));
    add(out, ".rodata", va + text, ramStart + text, rodata, d.prot(ProtKind.KERNEL_RO));
    add(out, ".data", va + text + rodata, ramStart + text + rodata, data, d.prot(ProtKind.KERNEL));
    return out;
  }

  private static void add(List<BootMapping> out, String name, long va, long pa, long size,
      long prot) {
    if (size > 0) {
      out.add(BootMapping.map(name, va, pa, size, prot, GenericGeometry.PAGE_SHIFT));
    }
  }
}
