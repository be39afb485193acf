package org.percpulab.arch.s390;

/**
 * Which kernel ASCE v6.17 builds (arch/s390/boot/startup.c setup_kernel_memory_layout and
 * get_vmem_size, arch/s390/boot/vmem.c setup_vmem): asce_limit = _REGION1_SIZE - a region-second
 * ASCE, 4 levels - when KASAN is on, when __NO_KASLR_END_KERNEL lies above _REGION2_SIZE (not with
 * the default CONFIG_KERNEL_IMAGE_BASE 0x3ffe0000000, whose image ends exactly at 4 TiB; the KASAN
 * default 0x7fffe0000000 does) or when KASLR is on and the estimated virtual size exceeds
 * _REGION2_SIZE (4 TiB); else _REGION2_SIZE - a region-third ASCE, 3 levels. setup_vmem never builds a
 * region-first kernel ASCE. The estimate: round_up(2 GiB + max(ident_map_size, MAX_DCSS_ADDR =
 * 512 GiB), 2 GiB) + round_up(vmemmap_size, 2 GiB) + FIXMAP_SIZE + MODULES_LEN (2 GiB) + KASLR_LEN
 * (2 GiB: CONFIG_RANDOMIZE_BASE, default y) + vmalloc_size (max(ident_map_size / 8 rounded up to
 * 1 MiB, VMALLOC_DEFAULT_SIZE = 512 GiB - MODULES_LEN)).
 *
 * <p>So without KASAN the kernel runs on a region-third ASCE unless KASLR is on and memory exceeds
 * about 3.5 TiB; with {@code nokaslr} (the model's layout, {@link S390Layout}) always. The backend's
 * default geometry follows this rule ({@link S390Backend#geometry}); an explicit {@code mm.vaBits} or
 * {@code mm.levels} overrides it.
 */
public final class S390AsceChoice {
  static final long G = 1L << 30;
  static final long REGION2_SIZE = 1L << 42;
  static final long MAX_DCSS_ADDR = 512 * G;
  static final long MODULES_LEN = 2 * G;
  static final long KASLR_LEN = 2 * G;
  /** round_up(MEMCPY_REAL_SIZE + ABS_LOWCORE_MAP_SIZE, sizeof(struct lowcore)). */
  static final long FIXMAP_SIZE = roundUp(4096 + S390Layout.ABS_LOWCORE_MAP_SIZE, 8192);

  /**
   * One decision: the levels and the inputs that gave them.
   *
   * @param levels 3 (region-third) or 4 (region-second)
   * @param identMapSize ident_map_size (the machine's memory)
   * @param kasan CONFIG_KASAN
   * @param kaslr kaslr_enabled() at boot
   * @param vmemSize get_vmem_size's estimate (rte_size = 2 GiB)
   */
  public record Decision(int levels, long identMapSize, boolean kasan, boolean kaslr,
      long vmemSize) {

    /** The ASCE type's name: region-third or region-second. */
    public String asceType() {
      return levels == 3 ? "region-third" : "region-second";
    }

    /** Why, in one line: the type, the rule and its inputs. */
    public String reason() {
      String mem = identMapSize % G == 0 ? (identMapSize / G) + "G" : (identMapSize >> 20) + "M";
      return asceType() + " kernel ASCE, " + levels + " levels (asce_limit = "
          + (levels == 3 ? "_REGION2_SIZE = 4 TiB" : "_REGION1_SIZE = 8 PiB") + "): v6.17"
          + " boot/startup.c setup_kernel_memory_layout takes region-second only with KASAN, or"
          + " with KASLR and a vmem estimate > 4 TiB; inputs: s390.kasan=" + kasan
          + (kasan ? " (a KASAN build always gets region-second)" : "") + ", KASLR "
          + (kaslr ? "on" : "off (nokaslr layout)") + ", mm.memory=" + mem + " (vmem estimate 0x"
          + Long.toHexString(vmemSize) + (vmemSize > REGION2_SIZE ? " > 4 TiB)" : " <= 4 TiB)");
    }
  }

  private S390AsceChoice() { }

  /** Levels (3 or 4) of the kernel ASCE v6.17 builds for {@code identMapSize} bytes of memory. */
  public static int kernelLevels(long identMapSize, boolean kasan, boolean kaslr) {
    return decide(identMapSize, kasan, kaslr).levels();
  }

  /** The decision for {@code identMapSize} bytes of memory, CONFIG_KASAN and kaslr_enabled(). */
  public static Decision decide(long identMapSize, boolean kasan, boolean kaslr) {
    long vsize = vmemSize(identMapSize);
    int levels = kasan || (vsize > REGION2_SIZE && kaslr) ? 4 : 3;
    return new Decision(levels, identMapSize, kasan, kaslr, vsize);
  }

  /** get_vmem_size(ident_map_size, vmemmap_size, vmalloc_size, _REGION3_SIZE). */
  static long vmemSize(long identMapSize) {
    long pages = identMapSize >>> S390Geometry.PAGE_SHIFT;
    long perSection = 1L << (S390BootMappings.SECTION_SHIFT - S390Geometry.PAGE_SHIFT);
    long vmemmap = roundUp(pages, perSection) * S390BootMappings.STRUCT_PAGE_BYTES;
    long vmalloc = Math.max(roundUp(identMapSize / 8, 1L << 20), 512 * G - MODULES_LEN);
    long rte = 1L << S390Geometry.REGION3_SHIFT;
    return roundUp(2 * G + Math.max(identMapSize, MAX_DCSS_ADDR), rte)
        + roundUp(vmemmap, rte) + FIXMAP_SIZE + MODULES_LEN + KASLR_LEN + vmalloc;
  }

  private static long roundUp(long v, long a) {
    return (v + a - 1) / a * a;
  }
}
