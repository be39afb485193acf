package org.percpulab.arch.s390;

import java.util.List;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.spi.ConfigKey;

/**
 * The s390 kernel image as v6.17 lays it out (arch/s390/kernel/vmlinux.lds.S) and places it
 * (arch/s390/boot/startup.c startup_kernel, setup_kernel_memory_layout), and the machine facilities
 * that decide its frames (arch/s390/boot/vmem.c try_get_large_pmd_pa / try_get_large_pud_pa).
 *
 * <p>Fixed by the sources: {@code . = TEXT_OFFSET} (asm/page.h, 1 MiB) - [kernel_start,
 * kernel_start + TEXT_OFFSET) is never mapped (setup_vmem starts at kernel_start + TEXT_OFFSET);
 * then {@code _stext}, text up to the page-aligned {@code _etext}, RO_DATA up to
 * {@code __end_rodata}, [__start_ro_after_init, __end_ro_after_init) (page aligned), data, init
 * (freed but still mapped: s390 has no free_initmem of its own), bss, {@code _end}. Permissions
 * after boot: vmem_map_init sets [_stext, _etext) RO X and [_etext, __end_rodata) RO (arch/s390/mm/
 * vmem.c), mark_rodata_ro sets ro_after_init RO (arch/s390/mm/init.c); everything else keeps boot's
 * PAGE_KERNEL / SEGMENT_KERNEL (RW NX). The kernel is placed with VA and PA 1 MiB aligned (nokaslr:
 * text_lma = ALIGN(mem_safe_offset(), _SEGMENT_SIZE), kernel_start = CONFIG_KERNEL_IMAGE_BASE), so
 * pgtable_populate maps it in 1 MiB segment frames (EDAT-1) and set_memory splits the frames a
 * section boundary crosses (pageattr.c walk_pmd_level). The amode31 area (AMODE31_SIZE = 3 pages,
 * asm/page.h) sits right below text_lma (amode31_lma = text_lma - amode31_size) and is reached
 * through the identity map; its text is made RO X there.
 *
 * <p>Build-dependent, so configurable (keys below, named in {@code percpu-lab config} and the
 * backend's provenance): the sizes of text, rodata and ro_after_init; data+init+bss is the rest of
 * the modelled image (core's image size, 32 MiB by default, is {@code _end - kernel_start}).
 * Defaults are assumptions of a distro-sized image: text 15 MiB, rodata 6 MiB, ro_after_init
 * 128 KiB. Assumptions also: the physical start {@code __kaslr_offset_phys} = RAM start (so text_lma
 * = 1 MiB and the amode31 area = [1 MiB - 12 KiB, 1 MiB)), one page of amode31 text, no KASLR.
 *
 * @param imageBytes _end - kernel_start (TEXT_OFFSET included)
 * @param edat facility level: 2 = EDAT-1 and EDAT-2 (1 MiB and 2 GiB frames), 1 = EDAT-1 only,
 *     0 = neither (4 KiB pages everywhere)
 */
public record S390KernelImage(long imageBytes, long textBytes, long rodataBytes,
    long roAfterInitBytes, int edat) {

  /** TEXT_OFFSET (asm/page.h). */
  public static final long TEXT_OFFSET = 0x100000L;
  /** AMODE31_SIZE (asm/page.h): 3 pages. */
  public static final long AMODE31_SIZE = 3 * 4096L;
  /** Assumption: pages of .amode31.text among the three. */
  public static final long AMODE31_TEXT = 4096L;

  static final String KEY_TEXT = S390Backend.ID + ".image.textKiB";
  static final String KEY_RODATA = S390Backend.ID + ".image.rodataKiB";
  static final String KEY_RO_AFTER_INIT = S390Backend.ID + ".image.roAfterInitKiB";
  static final String KEY_EDAT = S390Backend.ID + ".edat";

  private static final int MAX_KIB = 512 * 1024;

  /** The keys of this class, for the backend's key list. */
  static final List<ConfigKey> KEYS = List.of(
      kib(KEY_TEXT, 15 * 1024, "size of [_stext, _etext) in KiB (build-dependent; assumption)"),
      kib(KEY_RODATA, 6 * 1024,
          "size of [_etext, __end_rodata) in KiB (build-dependent; assumption)"),
      kib(KEY_RO_AFTER_INIT, 128,
          "size of [__start_ro_after_init, __end_ro_after_init) in KiB (build-dependent;"
          + " assumption)"),
      ConfigKey.choice(KEY_EDAT, "2", "enhanced DAT facilities of the machine: 2 = EDAT-1 and"
          + " EDAT-2 (1 MiB segment and 2 GiB region-third frames), 1 = EDAT-1 only, 0 = none"
          + " (boot/vmem.c, mm/vmem.c use large frames only when the facility is installed)",
          "2", "1", "0"));

  private static ConfigKey kib(String name, int def, String description) {
    return new ConfigKey(name, Integer.toString(def), description,
        "integer 0.." + MAX_KIB + ", a multiple of 4 (whole 4 KiB pages)", raw -> {
          try {
            int v = Integer.parseInt(raw.trim());
            return v >= 0 && v <= MAX_KIB && v % 4 == 0;
          } catch (NumberFormatException e) {
            return false;
          }
        });
  }

  /** The image of a validated config, for a modelled image of {@code imageBytes}. */
  static S390KernelImage from(ConfigView config, long imageBytes) {
    return new S390KernelImage(imageBytes,
        config.intOr(KEY_TEXT, 15 * 1024, 0, MAX_KIB) * 1024L,
        config.intOr(KEY_RODATA, 6 * 1024, 0, MAX_KIB) * 1024L,
        config.intOr(KEY_RO_AFTER_INIT, 128, 0, MAX_KIB) * 1024L,
        config.intOr(KEY_EDAT, 2, 0, 2));
  }

  /** {@code _stext - kernel_start}. */
  public long stext() {
    return Math.min(TEXT_OFFSET, imageBytes);
  }

  /** {@code _etext - kernel_start}: text cut at the image's end. */
  public long etext() {
    return Math.min(stext() + textBytes, imageBytes);
  }

  /** {@code __end_rodata - kernel_start} (= __start_ro_after_init: both page aligned, adjacent). */
  public long endRodata() {
    return Math.min(etext() + rodataBytes, imageBytes);
  }

  /** {@code __end_ro_after_init - kernel_start}. */
  public long endRoAfterInit() {
    return Math.min(endRodata() + roAfterInitBytes, imageBytes);
  }

  /** Physical start of the amode31 area: text_lma - AMODE31_SIZE, text_lma = RAM start + TEXT_OFFSET. */
  public long amode31Start(long ramStart) {
    return ramStart + TEXT_OFFSET - AMODE31_SIZE;
  }

  /** Largest leaf shift boot may use for the identity map and the image's alias-free parts. */
  public int identityMaxShift() {
    return edat >= 2 ? S390Geometry.REGION3_SHIFT : edat == 1 ? S390Geometry.SEGMENT_SHIFT
        : S390Geometry.PAGE_SHIFT;
  }

  /** Largest leaf shift for the image and vmemmap: 1 MiB segment frames with EDAT-1. */
  public int segmentMaxShift() {
    return edat >= 1 ? S390Geometry.SEGMENT_SHIFT : S390Geometry.PAGE_SHIFT;
  }

  /** One line for outputs: what the image model assumes. */
  public String describe() {
    return String.format("s390 image: _stext +%dK, text %dK, rodata %dK, ro_after_init %dK,"
        + " data/init/bss %dK (%s, %s, %s: build-dependent assumptions); EDAT level %d (%s)",
        stext() >> 10, (etext() - stext()) >> 10, (endRodata() - etext()) >> 10,
        (endRoAfterInit() - endRodata()) >> 10, (imageBytes - endRoAfterInit()) >> 10,
        KEY_TEXT, KEY_RODATA, KEY_RO_AFTER_INIT, edat, KEY_EDAT);
  }
}
