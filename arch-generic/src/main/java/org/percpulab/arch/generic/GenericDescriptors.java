package org.percpulab.arch.generic;

import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.ProtKind;

/**
 * The generic backend's descriptor format: a model, not a real architecture. It uses the x86-64
 * bit positions (arch/x86/include/asm/pgtable_types.h, Intel SDM vol. 3 §4.5) because they are the
 * simplest widely known 64-bit format:
 *
 * <pre>
 *   bit  0  P    valid (present)
 *   bit  1  RW   writable
 *   bit  2  US   user (never set for kernel mappings)
 *   bit  3  PWT  write-through     bit 4 PCD cache disable (PWT|PCD = device memory)
 *   bit  5  A    accessed          bit 6 D   dirty
 *   bit  7  PS   leaf on an upper level (block); on the last level always a page
 *   bit  8  G    global
 *   bits 12..51  output address (table or mapped page/block)
 *   bit 63  NX   no-execute
 * </pre>
 *
 * A valid upper-level entry without PS is a table; with PS it is a block (allowed at PUD and PMD).
 * Table descriptors carry P|RW|A|D like the kernel's _KERNPG_TABLE.
 */
public final class GenericDescriptors implements DescriptorFormat {
  public static final long P = 1L;
  public static final long RW = 1L << 1;
  public static final long US = 1L << 2;
  public static final long PWT = 1L << 3;
  public static final long PCD = 1L << 4;
  public static final long A = 1L << 5;
  public static final long D = 1L << 6;
  public static final long PS = 1L << 7;
  public static final long G = 1L << 8;
  public static final long NX = 1L << 63;
  public static final long ADDR_MASK = 0x000f_ffff_ffff_f000L;
  /** Bits that are protection (everything but the address and the PS type bit). */
  public static final long PROT_MASK = ~(ADDR_MASK | PS);

  public static final long TABLE = P | RW | A | D;
  public static final long PAGE_KERNEL = P | RW | A | D | G | NX;
  public static final long PAGE_KERNEL_RO = P | A | G | NX;
  public static final long PAGE_KERNEL_ROX = P | A | G;
  public static final long PAGE_KERNEL_EXEC = P | RW | A | D | G;
  public static final long PAGE_KERNEL_DEVICE = PAGE_KERNEL | PWT | PCD;

  public static final GenericDescriptors INSTANCE = new GenericDescriptors();

  private static final int LAST = GenericGeometry.LEVELS - 1;

  @Override public long table(int level, long tablePa) {
    return (tablePa & ADDR_MASK) | TABLE;
  }

  @Override public long leaf(int level, long pa, long prot) {
    long d = (pa & ADDR_MASK) | (prot & PROT_MASK) | P;
    return level == LAST ? d : d | PS;
  }

  @Override public boolean isValid(int level, long desc) {
    return (desc & P) != 0;
  }

  @Override public boolean isTable(int level, long desc) {
    return level != LAST && (desc & P) != 0 && (desc & PS) == 0;
  }

  @Override public boolean isLeaf(int level, long desc) {
    return (desc & P) != 0 && (level == LAST || (desc & PS) != 0);
  }

  @Override public long address(int level, long desc) {
    return desc & ADDR_MASK;
  }

  @Override public long protOf(int level, long desc) {
    return desc & PROT_MASK;
  }

  @Override public long prot(ProtKind kind) {
    switch (kind) {
      case KERNEL: return PAGE_KERNEL;
      case KERNEL_RO: return PAGE_KERNEL_RO;
      case KERNEL_ROX: return PAGE_KERNEL_ROX;
      case KERNEL_EXEC: return PAGE_KERNEL_EXEC;
      case DEVICE: return PAGE_KERNEL_DEVICE;
      default: throw new AssertionError(kind);
    }
  }

  /**
   * E.g. {@code "PAGE RW NX GLB ACC DTY"}, {@code "BLK ro x GLB ACC"}, {@code "TBL"} or
   * {@code "INVALID"}: type, then RW/ro, NX/x, then the set flags among USR, PWT, PCD, GLB, ACC, DTY.
   */
  @Override public String describe(int level, long desc) {
    if (!isValid(level, desc)) {
      return "INVALID";
    }
    if (isTable(level, desc)) {
      return "TBL";
    }
    StringBuilder sb = new StringBuilder(level == LAST ? "PAGE" : "BLK");
    sb.append((desc & RW) != 0 ? " RW" : " ro");
    sb.append((desc & NX) != 0 ? " NX" : " x");
    if ((desc & US) != 0) {
      sb.append(" USR");
    }
    if ((desc & PWT) != 0) {
      sb.append(" PWT");
    }
    if ((desc & PCD) != 0) {
      sb.append(" PCD");
    }
    if ((desc & G) != 0) {
      sb.append(" GLB");
    }
    if ((desc & A) != 0) {
      sb.append(" ACC");
    }
    if ((desc & D) != 0) {
      sb.append(" DTY");
    }
    return sb.toString();
  }
}
