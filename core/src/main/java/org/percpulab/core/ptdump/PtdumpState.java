package org.percpulab.core.ptdump;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.PtdumpTables;
import org.percpulab.core.spi.PtdumpTables.Marker;

/**
 * The ptdump state machine: {@code struct ptdump_pg_state} and {@code note_page()} (the arch part
 * of arch/arm64/mm/ptdump.c and arch/s390/mm/dump_pagetables.c, driven by mm/ptdump.c). A new line
 * starts whenever the prot ({@link PtdumpTables#noteProt}), the level, or the next marker changes;
 * the backend prints the line ({@link PtdumpTables#rangeLine}) and the marker headers
 * ({@link PtdumpTables#markerLine}); a header is printed at the first note and when a marker is
 * reached (at most two advances per note as on arm64, or all passed markers as on s390); the flush
 * note (level -1) ends the last line at {@link PtdumpTables#flushAddress()}.
 *
 * <p>With {@code checkWx} it also counts the kernel's W+X and non-UXN pages (only for ranges the
 * backend calls mapped) and records the first warning of each kind.
 */
public final class PtdumpState {
  private final PtdumpTables tables;
  private final long[] markerStart;
  private final Marker[] markerOf;
  private final boolean advanceAll;
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
    markerOf = new Marker[n + 1];
    for (int i = 0; i < n; i++) {
      markerStart[i] = markers.get(i).start();
      markerOf[i] = markers.get(i);
    }
    markerStart[n] = -1L;
    advanceAll = tables.advancePastAllMarkers();
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
    advanceMarkers(addr);
    startAddress = addr;
    currentProt = tables.noteProt(ptLevel, value);
    level = ptLevel;
    if (!advanceAll) {
      advanceMarkers(addr);
    }
  }

  private void header() {
    if (out != null && markerOf[marker] != null) {
      out.add(tables.markerLine(markerOf[marker]));
    }
  }

  private void advanceMarkers(long addr) {
    if (advanceAll) {
      while (reachedNextMarker(addr)) {
        marker++;
        header();
      }
    } else if (reachedNextMarker(addr)) {
      marker++;
      header();
    }
  }

  private boolean reachedNextMarker(long addr) {
    return Long.compareUnsigned(addr, markerStart[marker + 1]) >= 0;
  }

  /** note_page(addr, level, value) with a ptdump level (0..4, already folded) or -1 to flush. */
  public void note(long addr, int ptLevel, long value) {
    long prot = ptLevel >= 0 ? tables.noteProt(ptLevel, value) : tables.noteProt(0, 0L);
    if (level == -1) {
      level = ptLevel;
      currentProt = prot;
      startAddress = addr;
      header();
      if (advanceAll) {
        advanceMarkers(addr);
      }
    } else if (prot != currentProt || ptLevel != level || reachedNextMarker(addr)) {
      if (tables.isMapped(currentProt)) {
        noteWx(addr);
      }
      if (out != null) {
        out.add(line(addr));
      }
      advanceMarkers(addr);
      startAddress = addr;
      currentProt = prot;
      level = ptLevel;
    }
    if (!advanceAll) {
      advanceMarkers(addr);
    }
  }

  /** note_page_flush: the last line ends at the backend's flush address. */
  public void flush() {
    note(tables.flushAddress(), -1, 0L);
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
    String l = tables.rangeLine(startAddress, addr, level, currentProt);
    if (phys != null && startPa != -1 && tables.isMapped(currentProt)) {
      l += String.format(" pa=0x%x", startPa);
    }
    return l;
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
    r.add(tables.wxVerdict(wxPages, uxnPages));
    return r;
  }
}
