package org.percpulab.arch.s390;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.PtdumpTables;

/**
 * arch/s390/mm/dump_pagetables.c: the kernel's s390 ptdump. Its markers come in Start/End pairs
 * ({@code add_marker}) sorted by address with {@code ptdump_cmp} (a larger area's start before a
 * contained one's, its end after); the dump opens with {@code ---[ Kernel Virtual Address Space ]---};
 * a line is {@code 0x%016lx-0x%016lx %9lu%c LEVEL PROT} with the level names
 * {@code ASCE PGD PUD PMD PTE} (indexed by the mm/ptdump.c level, i.e. the pagewalk depth at which
 * asm/pgtable.h's run-time folding - pgd/p4d/pud_offset dereference only below the ASCE's table type
 * - meets the top table: the region-third table of the default region-third ASCE prints as
 * {@code PUD}, the top table of a region-second ASCE as {@code PGD}) and PROT = {@code I} (invalid
 * or none) or {@code RO}/{@code RW} then {@code NX}/{@code X}; every marker passed by one note is
 * printed; the walk and the last line end at {@code max_addr} = 2^(11 x ASCE type + 31): 4 TiB with
 * a region-third ASCE (the last line ends at the Kernel Image area's top), 8 PiB with region-second.
 *
 * <p>Marker ranges (pt_dump_init, added in this order, then sorted): Kernel Image = [_stext, _end)
 * = [kernel_start + TEXT_OFFSET, kernel_start + image) ({@link S390KernelImage}), Lowcore =
 * get_lowcore() (address 0: no relocated lowcore) + sizeof(struct lowcore) (8 KiB), Identity Mapping
 * = [__identity_base = 0, ident_map_size = RAM), Amode31 Area = [__samode31, __eamode31) (the
 * relocated area, AMODE31_SIZE = 3 pages, placed as {@link S390KernelImage#amode31Start}), Modules
 * Area, Lowcore Area (the absolute lowcore, ABS_LOWCORE_MAP_SIZE), Real Memory Copy Area (one page),
 * vmemmap Area = vmemmap + SECTION_ALIGN_UP(RAM pages) x 64, vmalloc Area. No KFence Pool, KMSAN or
 * Kasan Shadow markers (configs off).
 *
 * <p>W+X (note_prot_wx, ptdump_check_wx): a valid range without PROTECT and without NOEXEC; the
 * lowcore exception for machines without BEAR or with expoline trampolines is not taken (assumption:
 * a z15 or later with BEAR and no trampolines), so the pass line is
 * {@code Checked W+X mappings: passed, no W+X pages found}.
 *
 * <p>Model note: the model's tables start zeroed (README, known limits), so a zero entry at any level
 * is treated as the kernel's none / {@code _PAGE_INVALID} entry.
 */
public final class S390PtdumpTables implements PtdumpTables {
  static final long PROTECT = S390Descriptors.PAGE_PROTECT;
  static final long NOEXEC = S390Descriptors.PAGE_NOEXEC;
  static final long INVALID = S390Descriptors.PAGE_INVALID;
  /** SECTION_SIZE_BITS on s390. */
  static final int SECTION_SHIFT = 28;
  /** sizeof(struct lowcore). */
  static final long LOWCORE_SIZE = 8192;
  /** The amode31 area: right below the kernel's physical start (startup.c amode31_lma). */
  static final long AMODE31_START = S390KernelImage.TEXT_OFFSET - S390KernelImage.AMODE31_SIZE;
  static final long AMODE31_SIZE = S390KernelImage.AMODE31_SIZE;
  private static final String[] NAMES = {"ASCE", "PGD", "PUD", "PMD", "PTE"};

  private final Geometry geometry;
  private final List<Marker> markers;
  private final long maxAddr;
  private final S390KernelImage image;

  /**
   * @param ramBytes ident_map_size (all of RAM)
   * @param image the kernel image (its size from KERNEL_START, _stext, the boot facilities)
   */
  public S390PtdumpTables(Geometry g, long ramBytes, S390KernelImage image) {
    this.geometry = g;
    this.image = image;
    long imageBytes = image.imageBytes();
    int asceType = g.levels() - 2;
    this.maxAddr = g.vaBits() >= 64 ? 0L : 1L << (asceType * 11 + 31);
    long pages = ramBytes >>> S390Geometry.PAGE_SHIFT;
    long perSection = 1L << (SECTION_SHIFT - S390Geometry.PAGE_SHIFT);
    long vmemmapSize = ((pages + perSection - 1) & -perSection) * 64L;
    List<long[]> raw = new ArrayList<>();
    List<String> names = new ArrayList<>();
    add(raw, names, S390Layout.KERNEL_START + image.stext(), S390Layout.KERNEL_START + imageBytes,
        "Kernel Image");
    add(raw, names, 0, LOWCORE_SIZE, "Lowcore");
    add(raw, names, S390Layout.IDENTITY_BASE, S390Layout.IDENTITY_BASE + ramBytes,
        "Identity Mapping");
    add(raw, names, AMODE31_START, AMODE31_START + AMODE31_SIZE, "Amode31 Area");
    add(raw, names, S390Layout.MODULES_VADDR, S390Layout.MODULES_END, "Modules Area");
    add(raw, names, S390Layout.ABS_LOWCORE,
        S390Layout.ABS_LOWCORE + S390Layout.ABS_LOWCORE_MAP_SIZE, "Lowcore Area");
    add(raw, names, S390Layout.MEMCPY_REAL_AREA, S390Layout.MEMCPY_REAL_AREA + 4096,
        "Real Memory Copy Area");
    add(raw, names, S390Layout.VMEMMAP_START, S390Layout.VMEMMAP_START + vmemmapSize,
        "vmemmap Area");
    add(raw, names, S390Layout.VMALLOC_START, S390Layout.VMALLOC_END, "vmalloc Area");
    Integer[] order = new Integer[raw.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> cmp(raw.get(a), raw.get(b)));
    List<Marker> m = new ArrayList<>();
    m.add(new Marker(0, "Kernel Virtual Address Space"));
    for (int i : order) {
      long[] r = raw.get(i);
      m.add(new Marker(r[1], names.get(i) + (r[0] == 1 ? " Start" : " End")));
    }
    this.markers = List.copyOf(m);
  }

  private static void add(List<long[]> raw, List<String> names, long start, long end, String n) {
    raw.add(new long[] {1, start, end - start});
    names.add(n);
    raw.add(new long[] {0, end, end - start});
    names.add(n);
  }

  /** ptdump_cmp: by address; equal starts: larger first; equal ends: smaller first; end before start. */
  private static int cmp(long[] a, long[] b) {
    int c = Long.compareUnsigned(a[1], b[1]);
    if (c != 0) {
      return c;
    }
    boolean as = a[0] == 1;
    boolean bs = b[0] == 1;
    if (as && bs) {
      return -Long.compareUnsigned(a[2], b[2]);
    }
    if (!as && !bs) {
      return Long.compareUnsigned(a[2], b[2]);
    }
    return as ? 1 : -1;
  }

  /** The kernel image this dump's markers describe (also what boot maps). */
  public S390KernelImage image() {
    return image;
  }

  @Override public List<Marker> markers() {
    return markers;
  }

  @Override public long walkStart() {
    return 0L;
  }

  @Override public int ptdumpLevel(int geometryLevel) {
    return 5 - geometry.levels() + geometryLevel;
  }

  @Override public String levelName(int ptdumpLevel) {
    return NAMES[ptdumpLevel];
  }

  /** s390 prints no bit columns; {@link #noteProt} and {@link #rangeLine} do the work. */
  @Override public List<ProtBit> protBits(int ptdumpLevel) {
    return List.of();
  }

  @Override public long noteProt(int ptdumpLevel, long value) {
    if (value == 0 || (ptdumpLevel == 4 && (value & INVALID) != 0)) {
      return INVALID;
    }
    return value & (PROTECT | NOEXEC);
  }

  @Override public String rangeLine(long start, long end, int ptdumpLevel, long prot) {
    StringBuilder sb = new StringBuilder(64);
    sb.append(String.format("0x%016x-0x%016x ", start, end)).append(PtdumpTables.sizeField(start, end))
        .append(' ').append(NAMES[ptdumpLevel]).append(' ');
    if ((prot & INVALID) != 0) {
      return sb.append('I').toString();
    }
    sb.append((prot & PROTECT) != 0 ? "RO " : "RW ");
    return sb.append((prot & NOEXEC) != 0 ? "NX" : "X").toString();
  }

  @Override public boolean isMapped(long prot) {
    return (prot & INVALID) == 0;
  }

  @Override public boolean advancePastAllMarkers() {
    return true;
  }

  @Override public long flushAddress() {
    return maxAddr;
  }

  @Override public boolean isWriteExec(long prot) {
    return (prot & (INVALID | PROTECT | NOEXEC)) == 0;
  }

  @Override public String wxWarningPrefix() {
    return "s390/mm";
  }

  @Override public String wxVerdict(long wxPages, long uxnPages) {
    if (wxPages != 0) {
      return "Checked W+X mappings: FAILED, " + wxPages + " W+X pages found";
    }
    return "Checked W+X mappings: passed, no W+X pages found";
  }
}
