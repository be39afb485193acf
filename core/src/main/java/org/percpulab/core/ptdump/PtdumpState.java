package org.percpulab.core.ptdump;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.PtdumpTables;
import org.percpulab.core.spi.PtdumpTables.Marker;
import org.percpulab.core.spi.PtdumpTables.ProtBit;

/**
 * The ptdump state machine: {@code struct ptdump_pg_state} and {@code note_page()} (the arch part
 * in arch/arm64/mm/ptdump.c, driven by mm/ptdump.c). A new line starts whenever the prot (value
 * masked with the level's attribute bits), the level, or the next marker changes; a header line
 * {@code ---[ name ]---} is printed at the first note and when a marker is reached (at most two
 * advances per note, as the kernel); the flush note (level -1, address 0) ends the last line at
 * {@code 0x0000000000000000}. Sizes print in the largest of K/M/G/T/P/E that divides exactly.
 *
 * <p>With {@code checkWx} it also counts the kernel's W+X and non-UXN pages (only for ranges with a
 * non-zero prot) and records the first warning of each kind.
 */
public final class PtdumpState {
  private static final String UNITS = "KMGTPE";

  private final PtdumpTables tables;
  private final long[] markerStart;
  private final String[] markerName;
  private final long[] levelMask = new long[5];
  private final List<String> out;
  private final boolean checkWx;
  private final long pageSize;
  private int marker;
  private int level = -1;
  private long currentProt;
  private long startAddress;
  private long wxPages;
  private long uxnPages;
  private String wxWarning;
  private String uxnWarning;
  private DescriptorFormat phys;
  private int currentGeometryLevel;
  private long startPa = -1;

  /**
   * @param markers address markers (without terminator); empty list = one unnamed marker at 0
   * @param out lines are appended here; null = no output (the W+X check)
   */
  public PtdumpState(PtdumpTables tables, List<Marker> markers, List<String> out, boolean checkWx,
      long pageSize) {
    this.tables = tables;
    int n = markers.size();
    markerStart = new long[n + 1];
    markerName = new String[n + 1];
    for (int i = 0; i < n; i++) {
      markerStart[i] = markers.get(i).start();
      markerName[i] = markers.get(i).name();
    }
    markerStart[n] = -1L;
    for (int lv = 0; lv < 5; lv++) {
      long m = 0;
      for (ProtBit b : tables.protBits(lv)) {
        m |= b.mask();
      }
      levelMask[lv] = m;
    }
    this.out = out;
    this.checkWx = checkWx;
    this.pageSize = pageSize;
  }

  /**
   * Also break lines where the physical address is not contiguous and print {@code pa=0x..} after
   * each mapped line (not in the kernel's format; used for per-CPU diffs, where two CPUs differ only
   * in which pages the local area maps).
   */
  public PtdumpState withPhysicalAddresses(DescriptorFormat descriptors) {
    this.phys = descriptors;
    return this;
  }

  /** note_page with the geometry level kept for physical-address decoding. */
  public void noteGeometry(long addr, int geometryLevel, long value) {
    if (phys == null) {
      note(addr, tables.ptdumpLevel(geometryLevel), value);
      return;
    }
    long pa = phys.isLeaf(geometryLevel, value) ? phys.address(geometryLevel, value) : -1;
    if (level != -1 && pa != -1 && startPa != -1 && pa != startPa + (addr - startAddress)
        && value != 0) {
      // force a new line: the prot is the same but the output address jumps
      forceBreak(addr, tables.ptdumpLevel(geometryLevel), value);
    } else {
      note(addr, tables.ptdumpLevel(geometryLevel), value);
    }
    if (startAddress == addr) {
      startPa = pa;
      currentGeometryLevel = geometryLevel;
    }
  }

  private void forceBreak(long addr, int ptLevel, long value) {
    if (out != null) {
      out.add(line(addr));
    }
    boolean hdr = reachedNextMarker(addr);
    if (hdr) {
      marker++;
      header();
    }
    startAddress = addr;
    currentProt = value & levelMask[ptLevel];
    level = ptLevel;
    if (reachedNextMarker(addr)) {
      marker++;
      header();
    }
  }

  private void header() {
    if (out != null) {
      out.add("---[ " + markerName[marker] + " ]---");
    }
  }

  private boolean reachedNextMarker(long addr) {
    return Long.compareUnsigned(addr, markerStart[marker + 1]) >= 0;
  }

  /** note_page(addr, level, value) with a ptdump level (0..4, already folded) or -1 to flush. */
  public void note(long addr, int ptLevel, long value) {
    long prot = ptLevel >= 0 ? value & levelMask[ptLevel] : 0;
    if (level == -1) {
      level = ptLevel;
      currentProt = prot;
      startAddress = addr;
      header();
    } else if (prot != currentProt || ptLevel != level || reachedNextMarker(addr)) {
      if (currentProt != 0) {
        noteWx(addr);
      }
      if (out != null) {
        out.add(line(addr));
      }
      if (reachedNextMarker(addr)) {
        marker++;
        header();
      }
      startAddress = addr;
      currentProt = prot;
      level = ptLevel;
    }
    if (reachedNextMarker(addr)) {
      marker++;
      header();
    }
  }

  /** note_page_flush. */
  public void flush() {
    note(0L, -1, 0L);
  }

  private void noteWx(long addr) {
    if (!checkWx) {
      return;
    }
    long pages = Long.divideUnsigned(addr - startAddress, pageSize);
    if (tables.isUserExec(currentProt)) {
      if (uxnWarning == null) {
        uxnWarning = String.format("%s: Found non-UXN mapping at address 0x%016x",
            tables.wxWarningPrefix(), startAddress);
      }
      uxnPages += pages;
    }
    if (tables.isWriteExec(currentProt)) {
      if (wxWarning == null) {
        wxWarning = String.format("%s: Found insecure W+X mapping at address 0x%016x",
            tables.wxWarningPrefix(), startAddress);
      }
      wxPages += pages;
    }
  }

  private String line(long addr) {
    StringBuilder sb = new StringBuilder(128);
    sb.append(String.format("0x%016x-0x%016x   ", startAddress, addr));
    long delta = (addr - startAddress) >>> 10;
    int unit = 0;
    while ((delta & 1023) == 0 && unit < UNITS.length() - 1) {
      delta >>>= 10;
      unit++;
    }
    String num = Long.toUnsignedString(delta);
    for (int i = num.length(); i < 9; i++) {
      sb.append(' ');
    }
    sb.append(num).append(UNITS.charAt(unit)).append(' ').append(tables.levelName(level));
    if (currentProt != 0) {
      for (ProtBit b : tables.protBits(level)) {
        String s = (currentProt & b.mask()) == b.value() ? b.set() : b.clear();
        if (s != null) {
          sb.append(' ').append(s);
        }
      }
      if (phys != null && startPa != -1) {
        sb.append(String.format(" pa=0x%x", startPa));
      }
    }
    return sb.toString();
  }

  public long wxPages() {
    return wxPages;
  }

  public long uxnPages() {
    return uxnPages;
  }

  /** The W+X check's output: the first warning of each kind, then the verdict line. */
  public List<String> wxReport() {
    List<String> r = new ArrayList<>();
    if (uxnWarning != null) {
      r.add(uxnWarning);
    }
    if (wxWarning != null) {
      r.add(wxWarning);
    }
    if (wxPages != 0 || uxnPages != 0) {
      r.add("Checked W+X mappings: FAILED, " + wxPages + " W+X pages found, " + uxnPages
          + " non-UXN pages found");
    } else {
      r.add("Checked W+X mappings: passed, no W+X pages found");
    }
    return r;
  }
}
