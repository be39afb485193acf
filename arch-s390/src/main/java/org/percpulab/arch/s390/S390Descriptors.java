package org.percpulab.arch.s390;

import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.ProtKind;

/**
 * s390 DAT table entries, bit values as in arch/s390/include/asm/pgtable.h; formats from the
 * z/Architecture Principles of Operation (SA22-7832), chapter 3 "Dynamic Address Translation":
 * "Region-Table Entries", "Segment-Table Entries" and "Page-Table Entries" (figures of the
 * translation-table formats). Values below use the kernel's notation, where bit 63 is 0x1 (PoP
 * numbers bits from the left, so PoP bit 53 = 0x400).
 *
 * <pre>
 * Region-first/second/third entry pointing at a table (PoP: region-table entry, FC = 0):
 *   origin of the next table       bits 0..51 (mask ~0xfff)
 *   0x200 P   protection            0x100 IEP no-execute (instruction-execution protection)
 *   0x0c0 TF  table offset          0x020 I   region invalid
 *   0x00c TT  table type: 0x0c region-first, 0x08 region-second, 0x04 region-third
 *   0x003 TL  table length (3 = full 2048 entries); on region-third 0x001 doubles as the
 *             kernel's software PRESENT bit
 * Region-third entry mapping a 2 GiB frame (FC = 1, EDAT-2):
 *   frame address bits 0..32 (mask ~0x7fffffff), 0x400 FC, P, IEP, I, TT = 0x04,
 *   software bits READ 0x4000, WRITE 0x8000, DIRTY 0x2000, YOUNG 0x1000, PRESENT 0x0001
 * Segment entry pointing at a page table (FC = 0):
 *   page-table origin bits 0..52 (mask ~0x7ff: 2 KiB page tables), I 0x020, TT 0x00,
 *   software PRESENT 0x001 (_SEGMENT_ENTRY)
 * Segment entry mapping a 1 MiB frame (FC = 1, EDAT-1):
 *   frame address bits 0..43 (mask ~0xfffff), FC 0x400, P 0x200, IEP 0x100, I 0x020,
 *   software bits as for region-third
 * Page-table entry (PoP: page-table entry):
 *   page frame real address bits 0..51, 0x400 I invalid, 0x200 P protection, 0x100 IEP no-exec;
 *   software (kernel) bits PRESENT 0x001, YOUNG 0x004, DIRTY 0x008, READ 0x010, WRITE 0x020,
 *   SPECIAL 0x040
 * </pre>
 *
 * Protection values ({@link #prot}, {@link #protOf}) are in page-table-entry format, like the
 * kernel's pgprot_t; leaves on segment and region-third levels carry the same meaning in their
 * own bit positions (the kernel's massage_pgprot_pmd / pte-to-pmd conversion), so
 * {@code protOf(level, leaf(level, pa, p)) == p} on every level.
 *
 * <p>Modelled, not copied: the kernel initialises every new table with its empty entries
 * ({@code _REGION?_ENTRY_EMPTY}, {@code _SEGMENT_ENTRY_EMPTY} = 0x20, {@code _PAGE_INVALID} =
 * 0x400, crst_table_init / page table allocation). The simulator's tables start zeroed and
 * {@link #none()} is 0, so the all-zero word also decodes as invalid here (on the hardware it
 * would be a valid entry with origin 0). The kernel's empty values decode as invalid too.
 */
public final class S390Descriptors implements DescriptorFormat {
  // Hardware table types, top first.
  static final int R1 = 0;
  static final int R2 = 1;
  static final int R3 = 2;
  static final int SEG = 3;
  static final int PT = 4;

  public static final long REGION_ENTRY_ORIGIN = ~0xfffL;
  public static final long REGION_ENTRY_PROTECT = 0x200L;
  public static final long REGION_ENTRY_NOEXEC = 0x100L;
  public static final long REGION_ENTRY_INVALID = 0x20L;
  public static final long REGION_ENTRY_TYPE_MASK = 0x0cL;
  public static final long REGION_ENTRY_TYPE_R1 = 0x0cL;
  public static final long REGION_ENTRY_TYPE_R2 = 0x08L;
  public static final long REGION_ENTRY_TYPE_R3 = 0x04L;
  public static final long REGION_ENTRY_LENGTH = 0x03L;
  public static final long REGION3_ENTRY_ORIGIN_LARGE = ~0x7fffffffL;
  public static final long REGION3_ENTRY_PRESENT = 0x1L;

  public static final long SEGMENT_ENTRY_ORIGIN = ~0x7ffL;
  public static final long SEGMENT_ENTRY_ORIGIN_LARGE = ~0xfffffL;
  public static final long SEGMENT_ENTRY_PRESENT = 0x1L;
  public static final long SEGMENT_ENTRY_INVALID = 0x20L;

  /** FC bit of region-third and segment entries: the entry maps a frame (_SEGMENT_ENTRY_LARGE). */
  public static final long ENTRY_LARGE = 0x400L;
  public static final long ENTRY_PROTECT = 0x200L;
  public static final long ENTRY_NOEXEC = 0x100L;
  public static final long ENTRY_WRITE = 0x8000L;
  public static final long ENTRY_READ = 0x4000L;
  public static final long ENTRY_DIRTY = 0x2000L;
  public static final long ENTRY_YOUNG = 0x1000L;

  public static final long PAGE_ORIGIN = ~0xfffL;
  public static final long PAGE_NOEXEC = 0x100L;
  public static final long PAGE_PROTECT = 0x200L;
  public static final long PAGE_INVALID = 0x400L;
  public static final long PAGE_PRESENT = 0x001L;
  public static final long PAGE_YOUNG = 0x004L;
  public static final long PAGE_DIRTY = 0x008L;
  public static final long PAGE_READ = 0x010L;
  public static final long PAGE_WRITE = 0x020L;
  public static final long PAGE_SPECIAL = 0x040L;
  /** Low bits of a page-table entry that are protection/software state (not I, not LARGE). */
  public static final long PAGE_PROT_BITS = 0x3ffL;

  /** __PAGE_KERNEL: present, read, write, young, dirty, no-exec = 0x13d. */
  public static final long PAGE_KERNEL =
      PAGE_PRESENT | PAGE_READ | PAGE_WRITE | PAGE_YOUNG | PAGE_DIRTY | PAGE_NOEXEC;
  /** __PAGE_KERNEL_RO: present, read, young, protect, no-exec = 0x315. */
  public static final long PAGE_KERNEL_RO =
      PAGE_PRESENT | PAGE_READ | PAGE_YOUNG | PAGE_PROTECT | PAGE_NOEXEC;
  /** Kernel text: PAGE_KERNEL_RO without no-exec = 0x215. */
  public static final long PAGE_KERNEL_ROX = PAGE_KERNEL_RO & ~PAGE_NOEXEC;
  /** PAGE_KERNEL without no-exec = 0x03d (what the W+X check flags). */
  public static final long PAGE_KERNEL_EXEC = PAGE_KERNEL & ~PAGE_NOEXEC;

  private final int levels;
  private final int hwOffset;

  public S390Descriptors(int levels) {
    if (levels < 3 || levels > 5) {
      throw new IllegalArgumentException("s390 levels " + levels + " not allowed; allowed: 3|4|5");
    }
    this.levels = levels;
    this.hwOffset = 5 - levels;
  }

  /** Hardware table type (R1, R2, R3, SEG, PT) of geometry level {@code level}. */
  int hw(int level) {
    return level + hwOffset;
  }

  /** A table entry; on the page-table level (no table below) the empty word {@link #none()}. */
  @Override public long table(int level, long tablePa) {
    switch (hw(level)) {
      case R1: return (tablePa & REGION_ENTRY_ORIGIN) | REGION_ENTRY_TYPE_R1 | REGION_ENTRY_LENGTH;
      case R2: return (tablePa & REGION_ENTRY_ORIGIN) | REGION_ENTRY_TYPE_R2 | REGION_ENTRY_LENGTH;
      case R3: return (tablePa & REGION_ENTRY_ORIGIN) | REGION_ENTRY_TYPE_R3 | REGION_ENTRY_LENGTH;
      case SEG: return (tablePa & SEGMENT_ENTRY_ORIGIN) | SEGMENT_ENTRY_PRESENT;
      default: return none();
    }
  }

  /**
   * A leaf; on region-first/second levels, which cannot map frames (Geometry.blockAllowed is false
   * there), the empty word {@link #none()}, since the contract forbids throwing.
   */
  @Override public long leaf(int level, long pa, long prot) {
    switch (hw(level)) {
      case PT:
        return (pa & PAGE_ORIGIN) | (prot & PAGE_PROT_BITS & ~PAGE_INVALID);
      case SEG:
        return (pa & SEGMENT_ENTRY_ORIGIN_LARGE) | ENTRY_LARGE | SEGMENT_ENTRY_PRESENT
            | largeBits(prot);
      case R3:
        return (pa & REGION3_ENTRY_ORIGIN_LARGE) | REGION_ENTRY_TYPE_R3 | REGION3_ENTRY_PRESENT
            | ENTRY_LARGE | largeBits(prot);
      default:
        return none();
    }
  }

  private static long largeBits(long prot) {
    long b = 0;
    if ((prot & PAGE_READ) != 0) {
      b |= ENTRY_READ;
    }
    if ((prot & PAGE_WRITE) != 0) {
      b |= ENTRY_WRITE;
    }
    if ((prot & PAGE_DIRTY) != 0) {
      b |= ENTRY_DIRTY;
    }
    if ((prot & PAGE_YOUNG) != 0) {
      b |= ENTRY_YOUNG;
    }
    return b | (prot & (PAGE_PROTECT | PAGE_NOEXEC));
  }

  @Override public boolean isValid(int level, long desc) {
    if (desc == 0) {
      return false;
    }
    int t = hw(level);
    if (t == PT) {
      return (desc & PAGE_INVALID) == 0;
    }
    return (desc & REGION_ENTRY_INVALID) == 0;
  }

  @Override public boolean isTable(int level, long desc) {
    int t = hw(level);
    if (t == PT || !isValid(level, desc)) {
      return false;
    }
    return (t == R1 || t == R2) || (desc & ENTRY_LARGE) == 0;
  }

  @Override public boolean isLeaf(int level, long desc) {
    int t = hw(level);
    if (!isValid(level, desc)) {
      return false;
    }
    return t == PT || ((t == SEG || t == R3) && (desc & ENTRY_LARGE) != 0);
  }

  @Override public long address(int level, long desc) {
    switch (hw(level)) {
      case PT: return desc & PAGE_ORIGIN;
      case SEG:
        return (desc & ENTRY_LARGE) != 0 ? desc & SEGMENT_ENTRY_ORIGIN_LARGE
            : desc & SEGMENT_ENTRY_ORIGIN;
      case R3:
        return (desc & ENTRY_LARGE) != 0 ? desc & REGION3_ENTRY_ORIGIN_LARGE
            : desc & REGION_ENTRY_ORIGIN;
      default: return desc & REGION_ENTRY_ORIGIN;
    }
  }

  @Override public long protOf(int level, long desc) {
    int t = hw(level);
    if (t == PT) {
      return desc & PAGE_PROT_BITS;
    }
    long p = PAGE_PRESENT;
    if ((desc & ENTRY_READ) != 0) {
      p |= PAGE_READ;
    }
    if ((desc & ENTRY_WRITE) != 0) {
      p |= PAGE_WRITE;
    }
    if ((desc & ENTRY_DIRTY) != 0) {
      p |= PAGE_DIRTY;
    }
    if ((desc & ENTRY_YOUNG) != 0) {
      p |= PAGE_YOUNG;
    }
    return p | (desc & (ENTRY_PROTECT | ENTRY_NOEXEC));
  }

  /**
   * KERNEL 0x13d, KERNEL_RO 0x315, KERNEL_ROX 0x215, KERNEL_EXEC 0x03d; DEVICE = PAGE_KERNEL
   * (s390 has no device memory type: I/O goes through channel and PCI instructions, ioremap maps
   * PCI MIO space with PAGE_KERNEL).
   */
  @Override public long prot(ProtKind kind) {
    switch (kind) {
      case KERNEL: return PAGE_KERNEL;
      case KERNEL_RO: return PAGE_KERNEL_RO;
      case KERNEL_ROX: return PAGE_KERNEL_ROX;
      case KERNEL_EXEC: return PAGE_KERNEL_EXEC;
      case DEVICE: return PAGE_KERNEL;
      default: throw new AssertionError(kind);
    }
  }

  /**
   * E.g. {@code "R2 TBL"}, {@code "SEG TBL"}, {@code "SEG 1M RW NX"}, {@code "R3 2G RO X"},
   * {@code "PTE RW NX"}, or {@code "I"} for an invalid entry (arch/s390/mm/dump_pagetables.c prints
   * "I" for invalid entries and RO/RW, X/NX otherwise).
   */
  @Override public String describe(int level, long desc) {
    if (!isValid(level, desc)) {
      return "I";
    }
    int t = hw(level);
    String name = t == R1 ? "R1" : t == R2 ? "R2" : t == R3 ? "R3" : t == SEG ? "SEG" : "PTE";
    if (isTable(level, desc)) {
      return name + " TBL";
    }
    StringBuilder sb = new StringBuilder(name);
    if (t == SEG) {
      sb.append(" 1M");
    } else if (t == R3) {
      sb.append(" 2G");
    }
    sb.append((desc & (t == PT ? PAGE_PROTECT : ENTRY_PROTECT)) != 0 ? " RO" : " RW");
    sb.append((desc & (t == PT ? PAGE_NOEXEC : ENTRY_NOEXEC)) != 0 ? " NX" : " X");
    return sb.toString();
  }

  public int levels() {
    return levels;
  }
}
