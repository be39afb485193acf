package org.percpulab.arch.arm64;

/**
 * TTBR1_EL1 values (arch/arm64/include/asm/pgtable-hwdef.h TTBR_CNP_BIT, TTBR_ASID_MASK;
 * mmu.c __cpu_replace_ttbr1; Arm ARM D19 TTBR1_EL1: BADDR, ASID[63:48], CnP bit 0).
 *
 * <p>CnP ("common not private") lets PEs sharing a TLB use each other's entries for the same
 * table base and ASID. It is only correct when the translation is the same on all of them, so it is
 * set for the shared swapper_pg_dir (cpu_enable_swapper_cnp) but never on a per-CPU TTBR1 table:
 * the local area translates differently on every CPU.
 */
public final class Arm64Ttbr {
  public static final long CNP = 1L;
  public static final int ASID_SHIFT = 48;

  private Arm64Ttbr() { }

  /**
   * @param pgdPa physical address of the top-level table
   * @param asid kernel ASID (bits 63:48)
   * @param cnpCapable ARM64_HAS_CNP is in effect
   * @param perCpuTable the table is a per-CPU copy (local map active)
   */
  public static long ttbr1(long pgdPa, int asid, boolean cnpCapable, boolean perCpuTable) {
    long v = pgdPa | ((long) asid << ASID_SHIFT);
    if (cnpCapable && !perCpuTable) {
      v |= CNP;
    }
    return v;
  }
}
