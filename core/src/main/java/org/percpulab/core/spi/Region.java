package org.percpulab.core.spi;

/**
 * A named kernel VA region {@code [start, end)}; {@code end} may be 0 to mean "up to 2^64".
 * Addresses are unsigned 64-bit values held in {@code long}.
 */
public record Region(String name, long start, long end) {
  public long size() { return end - start; }

  /** Unsigned containment test. */
  public boolean contains(long va) {
    return Long.compareUnsigned(va, start) >= 0
        && (end == 0 || Long.compareUnsigned(va, end) < 0);
  }
}
