package org.percpulab.arch.s390;

import java.util.List;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.VaLayout;

/**
 * The s390 kernel VA layout as arch/s390/boot/startup.c {@code setup_kernel_memory_layout()}
 * computes it in v6.17 without KASLR ({@code nokaslr}, CONFIG_RANDOMIZE_IDENTITY_BASE off, no
 * KASAN/KMSAN), for up to 4 TiB of memory:
 *
 * <pre>
 *   0000000000000000 - 0000037200000000  identity   1:1 map of physical memory (__identity_base 0)
 *   0000037200000000 - 0000037fdff7e000  vmemmap    struct page array (space reserved for it)
 *   0000037fdff7e000 - 0000037fdfffe000  abs lowcore NR_CPUS (64) x 8 KiB absolute lowcore mappings
 *   0000037fdffff000 - 0000037fe0000000  memcpy real one page for memcpy_real()
 *   0000037fe0000000 - 000003ff60000000  vmalloc    VMALLOC_DEFAULT_SIZE = 512 GiB - MODULES_LEN
 *   000003ff60000000 - 000003ffe0000000  modules    MODULES_LEN = 2 GiB below the kernel image
 *   000003ffe0000000 - 0000040000000000  kernel     CONFIG_KERNEL_IMAGE_BASE default, 512 MiB
 * </pre>
 *
 * How: the kernel image sits at {@code __NO_KASLR_START_KERNEL} = CONFIG_KERNEL_IMAGE_BASE
 * (0x3ffe0000000) with KERNEL_IMAGE_SIZE 512 MiB; MODULES_END = that rounded down to 1 MiB,
 * MODULES_VADDR = MODULES_END - 2 GiB = VMALLOC_END; vmalloc_size = VMALLOC_DEFAULT_SIZE (the
 * memory/8 rule only raises it above 4 TiB of memory); the memcpy-real page and the absolute
 * lowcore area sit below VMALLOC_START; the rest is split between the identity map and vmemmap in
 * the ratio PAGE_SIZE : sizeof(struct page) (64, an assumption as on arm64), vmemmap_start rounded
 * down to a region-third entry (2 GiB). The vmemmap start does not depend on NR_CPUS (the 2 GiB
 * rounding absorbs it); NR_CPUS = 64 (the s390 Kconfig default) only places the abs lowcore.
 *
 * <p>Everything lies below 4 TiB, so the same layout serves all three geometries: 42-bit with a
 * region-third ASCE - the one v6.17 builds for a machine of this size without KASAN
 * ({@link S390AsceChoice}: asce_limit = _REGION2_SIZE; the model's default geometry) -, 53-bit with
 * a region-second ASCE (v6.17's choice with KASAN or, with KASLR, above about 3.5 TiB of memory) and
 * 64-bit, region-first, which setup_vmem never builds for the kernel. PAGE_OFFSET and
 * PHYS_OFFSET are 0: {@code __va(pa) == pa}. {@code __per_cpu_start} is modelled 32 MiB into the
 * image (assumption; only its page alignment matters).
 */
public final class S390Layout {
  public static final long IDENTITY_BASE = 0L;
  public static final long VMEMMAP_START = 0x0000_0372_0000_0000L;
  public static final long ABS_LOWCORE = 0x0000_037f_dff7_e000L;
  /** NR_CPUS (64) x sizeof(struct lowcore) (8 KiB). */
  public static final long ABS_LOWCORE_MAP_SIZE = 64L * 8192L;
  public static final long MEMCPY_REAL_AREA = 0x0000_037f_dfff_f000L;
  public static final long VMALLOC_START = 0x0000_037f_e000_0000L;
  public static final long VMALLOC_END = 0x0000_03ff_6000_0000L;
  public static final long MODULES_VADDR = VMALLOC_END;
  public static final long MODULES_END = 0x0000_03ff_e000_0000L;
  /** CONFIG_KERNEL_IMAGE_BASE default (!KASAN). */
  public static final long KERNEL_START = 0x0000_03ff_e000_0000L;
  /** __NO_KASLR_END_KERNEL = KERNEL_IMAGE_BASE + KERNEL_IMAGE_SIZE (512 MiB). */
  public static final long KERNEL_END = 0x0000_0400_0000_0000L;
  public static final long PER_CPU_START = KERNEL_START + (32L << 20);

  public static final VaLayout LAYOUT = new VaLayout(List.of(
      new Region("identity", IDENTITY_BASE, VMEMMAP_START),
      new Region("vmemmap", VMEMMAP_START, ABS_LOWCORE),
      new Region("abs lowcore", ABS_LOWCORE, ABS_LOWCORE + ABS_LOWCORE_MAP_SIZE),
      new Region("memcpy real", MEMCPY_REAL_AREA, MEMCPY_REAL_AREA + 4096),
      new Region("vmalloc", VMALLOC_START, VMALLOC_END),
      new Region("modules", MODULES_VADDR, MODULES_END),
      new Region("kernel", KERNEL_START, KERNEL_END)),
      IDENTITY_BASE, 0L, VMALLOC_START, VMALLOC_END, KERNEL_START);

  private S390Layout() { }
}
