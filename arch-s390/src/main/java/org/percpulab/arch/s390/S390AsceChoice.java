package org.percpulab.arch.s390;

/**
 * Which kernel ASCE v6.17 builds (arch/s390/boot/startup.c setup_kernel_memory_layout and
 * get_vmem_size, arch/s390/boot/vmem.c setup_vmem): asce_limit = _REGION1_SIZE - a region-second
 * ASCE, 4 levels - when KASAN is on, when __NO_KASLR_END_KERNEL lies above _REGION2_SIZE (not with
 * the default CONFIG_KERNEL_IMAGE_BASE, whose image ends exactly at 4 TiB) or when KASLR is on and
 * the estimated virtual size exceeds _REGION2_SIZE (4 TiB); else _REGION2_SIZE - a region-third
 * ASCE, 3 levels. setup_vmem never builds a region-first kernel ASCE. The estimate: round_up(2 GiB +
 * max(ident_map_size, MAX_DCSS_ADDR = 512 GiB), 2 GiB) + round_up(vmemmap_size, 2 GiB) +
 * FIXMAP_SIZE + MODULES_LEN (2 GiB) + KASLR_LEN (2 GiB with CONFIG_RANDOMIZE_BASE) + vmalloc_size
 * (max(ident_map_size / 8 rounded up to 1 MiB, VMALLOC_DEFAULT_SIZE = 512 GiB - MODULES_LEN)).
 *
 * <p>So a machine below about 1.6 TiB of memory without KASAN runs its kernel on a region-third ASCE
 * (the model's {@code mm.vaBits=42}); the backend's default geometry (region-second, 53) is not the
 * kernel's choice for the default machine - stated in the backend's provenance.
 */
public final class S390AsceChoice {
  static final long G = 1L << 30;
  static final long REGION2_SIZE = 1L << 42;
  static final long MAX_DCSS_ADDR = 512 * G;
  static final long MODULES_LEN = 2 * G;
  static final long KASLR_LEN = 2 * G;
  /** round_up(MEMCPY_REAL_SIZE + ABS_LOWCORE_MAP_SIZE, sizeof(struct lowcore)). */
  static final long FIXMAP_SIZE = roundUp(4096 + S390Layout.ABS_LOWCORE_MAP_SIZE, 8192);

  private S390AsceChoice() { }

  /** Levels (3 or 4) of the kernel ASCE v6.17 builds for {@code identMapSize} bytes of memory. */
  public static int kernelLevels(long identMapSize, boolean kasan, boolean kaslr) {
    if (kasan) {
      return 4;
    }
    long pages = identMapSize >>> S390Geometry.PAGE_SHIFT;
    long perSection = 1L << (S390BootMappings.SECTION_SHIFT - S390Geometry.PAGE_SHIFT);
    long vmemmap = roundUp(pages, perSection) * S390BootMappings.STRUCT_PAGE_BYTES;
    long vmalloc = Math.max(roundUp(identMapSize / 8, 1L << 20), 512 * G - MODULES_LEN);
    long rte = 1L << S390Geometry.REGION3_SHIFT;
    long vsize = roundUp(2 * G + Math.max(identMapSize, MAX_DCSS_ADDR), rte)
        + roundUp(vmemmap, rte) + FIXMAP_SIZE + MODULES_LEN + (kaslr ? KASLR_LEN : 0) + vmalloc;
    return vsize > REGION2_SIZE && kaslr ? 4 : 3;
  }

  private static long roundUp(long v, long a) {
    return (v + a - 1) / a * a;
  }
}
