package org.percpulab.core.spi;

import java.util.List;

/**
 * Optional capability (via {@link ArchModel#capability(Class)}): the per-arch tables the generic
 * ptdump walker needs, as the kernel splits it between mm/ptdump.c (walker, note_page state machine)
 * and arch/&lt;arch&gt;/mm/ptdump.c (address markers, prot bits with set/clear strings, level names).
 *
 * <p>Levels here are the kernel's ptdump levels: 0 PGD, 1 P4D, 2 PUD, 3 PMD, 4 PTE, after folding.
 */
public interface PtdumpTables {

  /** One {@code struct addr_marker}: a header line {@code ---[ name ]---} at {@code start}. */
  record Marker(long start, String name) { }

  /**
   * One {@code struct ptdump_prot_bits}: prints {@code set} when {@code (prot & mask) == value},
   * else {@code clear}; a null {@code clear} prints nothing.
   */
  record ProtBit(long mask, long value, String set, String clear) { }

  /** Address markers in address order, without the terminating {@code -1} entry. */
  List<Marker> markers();

  /** Start of the dump ({@code info->base_addr}); the walk runs to 2^64. */
  long walkStart();

  /** The kernel ptdump level (0..4, folding applied) of geometry level {@code geometryLevel}. */
  int ptdumpLevel(int geometryLevel);

  /** Name printed for a ptdump level, e.g. {@code PTE}. */
  String levelName(int ptdumpLevel);

  /** The attribute columns for a ptdump level, in print order. */
  List<ProtBit> protBits(int ptdumpLevel);

  /**
   * The W+X check's verdict for a range's prot (kernel {@code note_prot_wx}): true when the range
   * is writable and executable at EL1. Default: never.
   */
  default boolean isWriteExec(long prot) {
    return false;
  }

  /** The W+X check's non-UXN test ({@code note_prot_uxn} on arm64). Default: never. */
  default boolean isUserExec(long prot) {
    return false;
  }

  /** Prefix of the W+X warnings, e.g. {@code arm64/mm}. */
  default String wxWarningPrefix() {
    return "mm";
  }
}
