package org.percpulab.arch.arm64;

import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.ProtKind;

/**
 * VMSAv8-64 stage 1 translation table descriptors as the kernel builds them
 * (arch/arm64/include/asm/pgtable-hwdef.h, pgtable-prot.h).
 *
 * <p>Arm ARM (DDI 0487) references per field:
 * <ul>
 *   <li>bits[1:0] valid/type (table 0b11, block 0b01, page 0b11 at the last level):
 *       D8.3 "VMSAv8-64 translation table descriptor formats" (D8.3.1 table, D8.3.2 block and page).
 *   <li>AttrIndx[4:2] into MAIR_EL1: D8.6.2 / D19 MAIR_EL1 (memory attribute indirection).
 *   <li>AP[2:1] bits 7:6 (RDONLY, USER): D8.4.1 "Stage 1 data accesses, access permissions".
 *   <li>SH[9:8] shareability: D8.6.2 "Shareability attributes" (0b11 inner shareable).
 *   <li>AF bit 10: D8.5.1 "The Access flag"; nG bit 11: D8.14 "Translation Lookaside Buffer" /
 *       D8.14.1 global and process-specific translations.
 *   <li>GP bit 50 (BTI guarded page): D8.4 / "Block and page descriptor attributes".
 *   <li>DBM bit 51: D8.5.3 "Hardware management of the dirty state"; the kernel's software
 *       PTE_WRITE is this same bit, and a writable kernel mapping has DBM=1, AP[2]=0.
 *   <li>Contiguous bit 52: D8.7.1 "The Contiguous bit".
 *   <li>PXN bit 53 / UXN bit 54: D8.4.2 "Instruction access permissions".
 *   <li>Table attributes PXNTable bit 59, UXNTable bit 60, APTable 62:61: D8.4.3
 *       "Hierarchical permissions"; table AF bit 10 (FEAT_HAFT): D8.5.1.
 * </ul>
 * Output address: bits [47:PAGE_SHIFT] (48-bit PA; the simulator never allocates above 2^48).
 * With LPA2 (4K granule and 52-bit VA) bits 9:8 carry PA[51:50], so the kernel leaves SH clear
 * ({@code PTE_MAYBE_SHARED} = 0) — PAGE_KERNEL then has no SHD in ptdump.
 */
public final class Arm64Descriptors implements DescriptorFormat {

  public static final long VALID = 1L;
  public static final long TYPE_MASK = 3L;
  public static final long TYPE_TABLE = 3L;
  public static final long TYPE_SECT = 1L;
  public static final long TYPE_PAGE = 3L;
  public static final int ATTRINDX_SHIFT = 2;
  public static final long ATTRINDX_MASK = 7L << ATTRINDX_SHIFT;
  public static final long USER = 1L << 6;
  public static final long RDONLY = 1L << 7;
  public static final long SHARED = 3L << 8;
  public static final long AF = 1L << 10;
  public static final long NG = 1L << 11;
  public static final long GP = 1L << 50;
  public static final long DBM = 1L << 51;
  /** The kernel's PTE_WRITE is the DBM bit. */
  public static final long WRITE = DBM;
  public static final long CONT = 1L << 52;
  public static final long PXN = 1L << 53;
  public static final long UXN = 1L << 54;
  public static final long TABLE_AF = 1L << 10;
  public static final long TABLE_PXN = 1L << 59;
  public static final long TABLE_UXN = 1L << 60;

  /** MAIR indices (v6.17 asm/memory.h). */
  public static final int MT_NORMAL = 0;
  public static final int MT_NORMAL_TAGGED = 1;
  public static final int MT_NORMAL_NC = 2;
  public static final int MT_DEVICE_nGnRnE = 3;
  public static final int MT_DEVICE_nGnRE = 4;
  /** MAIR_EL1 attribute byte per MT_* index (sysreg.h MAIR_ATTR_*). */
  public static final int[] MAIR_ATTR = {0xff, 0xf0, 0x44, 0x00, 0x04};

  private final Geometry geometry;
  private final long addrMask;
  private final boolean lpa2;
  private final boolean ng;

  public Arm64Descriptors(Geometry geometry, boolean kptiNg) {
    this.geometry = geometry;
    this.addrMask = ((1L << 48) - 1) & ~((1L << geometry.pageShift()) - 1);
    this.lpa2 = geometry.pageShift() != 16 && geometry.vaBits() == 52;
    this.ng = kptiNg;
  }

  public static long attrIndx(int mt) {
    return ((long) mt) << ATTRINDX_SHIFT;
  }

  /** MAIR_EL1 value the kernel programs: MAIR_ATTRIDX(attr, idx) = attr << (8 * idx). */
  public static long mairEl1() {
    long v = 0;
    for (int i = 0; i < MAIR_ATTR.length; i++) {
      v |= ((long) MAIR_ATTR[i]) << (8 * i);
    }
    return v;
  }

  private boolean last(int level) {
    return level == geometry.levels() - 1;
  }

  @Override public long table(int level, long tablePa) {
    return (tablePa & addrMask) | TYPE_TABLE | TABLE_UXN | TABLE_AF;
  }

  @Override public long leaf(int level, long pa, long prot) {
    long type = last(level) ? TYPE_PAGE : TYPE_SECT;
    return (pa & addrMask) | (prot & ~(addrMask | TYPE_MASK)) | type;
  }

  @Override public boolean isValid(int level, long desc) {
    return (desc & VALID) != 0;
  }

  @Override public boolean isTable(int level, long desc) {
    return !last(level) && (desc & TYPE_MASK) == TYPE_TABLE;
  }

  @Override public boolean isLeaf(int level, long desc) {
    return last(level) ? (desc & TYPE_MASK) == TYPE_PAGE : (desc & TYPE_MASK) == TYPE_SECT;
  }

  @Override public long address(int level, long desc) {
    return desc & addrMask;
  }

  @Override public long protOf(int level, long desc) {
    return desc & ~(addrMask | TYPE_MASK);
  }

  /** PROT_DEFAULT's attribute part: AF, shareable unless LPA2, nG under KPTI. */
  private long base() {
    return AF | (lpa2 ? 0 : SHARED) | (ng ? NG : 0);
  }

  @Override public long prot(ProtKind kind) {
    long kernel = base() | PXN | UXN | WRITE | attrIndx(MT_NORMAL);
    switch (kind) {
      case KERNEL: return kernel;
      case KERNEL_RO: return (kernel & ~WRITE) | RDONLY;
      case KERNEL_ROX: return ((kernel & ~WRITE) | RDONLY) & ~PXN;
      case KERNEL_EXEC: return kernel & ~PXN;
      case DEVICE: return base() | PXN | UXN | WRITE | attrIndx(MT_DEVICE_nGnRE);
      default: throw new IllegalArgumentException("unknown prot " + kind);
    }
  }

  @Override public String describe(int level, long desc) {
    if ((desc & VALID) == 0) {
      return desc == 0 ? "none" : String.format("invalid (0x%016x)", desc);
    }
    StringBuilder sb = new StringBuilder();
    if (isTable(level, desc)) {
      sb.append("TABLE pa=0x").append(Long.toHexString(address(level, desc)));
      if ((desc & TABLE_UXN) != 0) {
        sb.append(" UXNTable");
      }
      if ((desc & TABLE_PXN) != 0) {
        sb.append(" PXNTable");
      }
      if ((desc & TABLE_AF) != 0) {
        sb.append(" AF");
      }
      return sb.toString();
    }
    if (!isLeaf(level, desc)) {
      return String.format("reserved (0x%016x)", desc);
    }
    sb.append(last(level) ? "PAGE" : "BLK").append(" pa=0x")
        .append(Long.toHexString(address(level, desc)));
    sb.append((desc & USER) != 0 ? " USR" : "");
    sb.append((desc & RDONLY) != 0 ? " ro" : " RW");
    sb.append((desc & PXN) != 0 ? " NX" : " x");
    sb.append((desc & SHARED) == SHARED ? " SHD" : "");
    sb.append((desc & AF) != 0 ? " AF" : "");
    sb.append((desc & NG) != 0 ? " NG" : "");
    sb.append((desc & CONT) != 0 ? " CON" : "");
    sb.append((desc & UXN) != 0 ? " UXN" : "");
    sb.append((desc & GP) != 0 ? " GP" : "");
    sb.append((desc & DBM) != 0 ? " DBM" : "");
    sb.append(' ').append(memTypeName((int) ((desc & ATTRINDX_MASK) >>> ATTRINDX_SHIFT)));
    return sb.toString();
  }

  static String memTypeName(int mt) {
    switch (mt) {
      case MT_NORMAL: return "MEM/NORMAL";
      case MT_NORMAL_TAGGED: return "MEM/NORMAL-TAGGED";
      case MT_NORMAL_NC: return "MEM/NORMAL-NC";
      case MT_DEVICE_nGnRnE: return "DEVICE/nGnRnE";
      case MT_DEVICE_nGnRE: return "DEVICE/nGnRE";
      default: return "ATTR" + mt;
    }
  }
}
