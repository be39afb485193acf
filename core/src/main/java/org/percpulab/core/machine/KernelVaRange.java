package org.percpulab.core.machine;

import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.VaLayout;

/**
 * The kernel half of the VA space of one configuration, and whether an address is canonical in it
 * (arm64: TTBR1 translates [-2^VA_BITS, 2^64), an address whose bits above VA_BITS are neither all
 * ones nor all zeros faults as non-canonical; x86-64-style single roots: the upper half
 * [-2^(VA_BITS-1), 2^64); s390: the ASCE covers [0, 2^VA_BITS) and the kernel owns all of it).
 *
 * <p>Derived from the layout without an SPI method: when PAGE_OFFSET is in the upper half, the kernel
 * half starts at the lowest region start rounded down to 2^(vaBits-1) (-2^48 for arm64 4K/48, whose
 * linear map starts there; -2^47 for the generic x86-64-like layout); otherwise it is
 * [0, 2^vaBits).
 */
public record KernelVaRange(long start, long end, int vaBits) {

  public static KernelVaRange of(Geometry g, VaLayout l) {
    int va = g.vaBits();
    if (l.pageOffset() < 0) {
      long min = l.pageOffset();
      for (Region r : l.regions()) {
        if (Long.compareUnsigned(r.start(), min) < 0 && r.start() < 0) {
          min = r.start();
        }
      }
      long align = va >= 64 ? Long.MIN_VALUE : 1L << (va - 1);
      return new KernelVaRange(min & -align, 0L, va);
    }
    return new KernelVaRange(0L, va >= 64 ? 0L : 1L << va, va);
  }

  /** True when {@code va} is in {@code [start, end)} (end 0 = 2^64). */
  public boolean contains(long va) {
    return Long.compareUnsigned(va, start) >= 0
        && (end == 0 || Long.compareUnsigned(va, end) < 0);
  }

  /**
   * Null when {@code va} is a kernel address, else why not: "not canonical for N-bit VAs" (bits above
   * the VA size mixed) or "in the user half" / "outside the N-bit space".
   */
  public String problem(long va) {
    if (contains(va)) {
      return null;
    }
    if (vaBits < 64) {
      long top = va >> vaBits;
      if (top != 0 && top != -1L) {
        return "not canonical for " + vaBits + "-bit VAs";
      }
    }
    return start == 0 ? "outside the " + vaBits + "-bit space" : "in the user half";
  }

  /** {@code 0x<start>-0x<end - 1>}. */
  public String describe() {
    return String.format("0x%016x-0x%016x", start, end - 1);
  }
}
