package org.percpulab.core.spi;

import java.util.List;

/**
 * Optional capability (via {@link ArchModel#capability(Class)}): the per-arch half of ptdump, as the
 * kernel splits it between mm/ptdump.c (the walker, in core) and arch/&lt;arch&gt;/mm/ptdump.c or
 * dump_pagetables.c (address markers, which bits of an entry are its prot, the line format, level
 * names, the W+X verdict). Core's state machine ({@code core.ptdump.PtdumpState}) starts a new line
 * when the prot ({@link #noteProt}), the level or the next marker changes, and asks the backend to
 * print it ({@link #rangeLine}); the defaults are arm64's note_page behaviour.
 *
 * <p>Levels here are the kernel's ptdump levels: 0 PGD, 1 P4D, 2 PUD, 3 PMD, 4 PTE, after folding.
 * Every backend should provide this capability: {@code ptdump}, {@code ptdump --diff} and
 * {@code ptdump --check-wx} need it.
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

  /**
   * The attribute columns for a ptdump level, in print order. The default {@link #noteProt} keeps the
   * bits these columns look at; a backend that overrides both {@link #noteProt} and
   * {@link #rangeLine} may return an empty list.
   */
  List<ProtBit> protBits(int ptdumpLevel);

  /**
   * One finished range {@code [start, end)} at {@code ptdumpLevel} with prot {@code prot} (as
   * {@link #noteProt} returned it; 0 = a hole on arches where holes have no prot), without the
   * trailing newline. {@link org.percpulab.core.spi.PtdumpTables#sizeField} gives the kernel's
   * {@code %9lu%c} size column all arches share.
   */
  String rangeLine(long start, long end, int ptdumpLevel, long prot);

  /** The header printed when the walk reaches {@code marker}. Default: {@code ---[ name ]---}. */
  default String markerLine(Marker marker) {
    return "---[ " + marker.name() + " ]---";
  }

  /**
   * The prot of a note ({@code value} = the entry, 0 for a none entry). Default: the entry masked
   * with every {@link #protBits} mask of the level (arm64's {@code pte_val & PTE_PROT_MASK}-like
   * filter, so a hole has prot 0).
   */
  default long noteProt(int ptdumpLevel, long value) {
    long m = 0;
    for (ProtBit b : protBits(ptdumpLevel)) {
      m |= b.mask();
    }
    return value & m;
  }

  /**
   * Whether a range of this prot counts for the W+X check at all. Default: a non-zero prot (arm64
   * skips holes).
   */
  default boolean isMapped(long prot) {
    return prot != 0;
  }

  /**
   * True when reaching an address may pass any number of markers at once (s390's
   * {@code while (addr >= marker[1].start_address)}); false for at most two per note, as arm64's
   * note_page has it. Default false.
   */
  default boolean advancePastAllMarkers() {
    return false;
  }

  /** End address of the last line (the flush note): 0 on arm64 (2^64), s390's max_addr. */
  default long flushAddress() {
    return 0L;
  }

  /**
   * The verdict line of the W+X check. Default: arm64's ptdump_check_wx wording (which also counts
   * non-UXN pages).
   */
  default String wxVerdict(long wxPages, long uxnPages) {
    if (wxPages != 0 || uxnPages != 0) {
      return "Checked W+X mappings: FAILED, " + wxPages + " W+X pages found, " + uxnPages
          + " non-UXN pages found";
    }
    return "Checked W+X mappings: passed, no W+X pages found";
  }

  /**
   * The kernel's size column: {@code (end - start) >> 10} in the largest of K/M/G/T/P/E that divides
   * it, printed {@code %9lu%c} (mm dump code of arm64, s390 and x86 all print it this way).
   */
  static String sizeField(long start, long end) {
    long delta = (end - start) >>> 10;
    String units = "KMGTPE";
    int unit = 0;
    while ((delta & 1023) == 0 && unit < units.length() - 1) {
      delta >>>= 10;
      unit++;
    }
    String num = Long.toUnsignedString(delta);
    StringBuilder sb = new StringBuilder(10);
    for (int i = num.length(); i < 9; i++) {
      sb.append(' ');
    }
    return sb.append(num).append(units.charAt(unit)).toString();
  }

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
