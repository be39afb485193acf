package org.percpulab.arch.generic;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.PtdumpTables;
import org.percpulab.core.spi.Region;

/**
 * The generic backend's ptdump: a documented simple format, not a kernel one (asm-generic has no
 * ptdump; mm/ptdump.c leaves the printing to the arch). Markers are each layout region's start and
 * end ({@code ---[ vmalloc start ]---}, {@code ---[ vmalloc end ]---}); every marker a note passes is
 * printed. A line is
 *
 * <pre>
 *   0x%016lx-0x%016lx %9lu%c LEVEL[ PROT]
 * </pre>
 *
 * with LEVEL the geometry's name (PGD PUD PMD PTE), the size column as every kernel ptdump prints it,
 * and PROT only for a mapped range: {@code RW}/{@code ro}, {@code NX}/{@code x}, then {@code DEV} for
 * device memory (PWT|PCD). The W+X check flags a range that is writable and executable (RW set, NX
 * clear); its lines use the arm64/x86 wording without the non-UXN count.
 */
public final class GenericPtdumpTables implements PtdumpTables {
  static final long PROT_MASK = GenericDescriptors.P | GenericDescriptors.RW
      | GenericDescriptors.PWT | GenericDescriptors.PCD | GenericDescriptors.NX;

  public static final GenericPtdumpTables INSTANCE = new GenericPtdumpTables();

  private final List<Marker> markers;

  private GenericPtdumpTables() {
    List<Marker> m = new ArrayList<>();
    for (Region r : GenericLayout.LAYOUT.regions()) {
      m.add(new Marker(r.start(), r.name() + " start"));
      m.add(new Marker(r.end(), r.name() + " end"));
    }
    markers = List.copyOf(m);
  }

  @Override public List<Marker> markers() {
    return markers;
  }

  @Override public long walkStart() {
    return GenericLayout.PAGE_OFFSET;
  }

  @Override public int ptdumpLevel(int geometryLevel) {
    return geometryLevel;
  }

  @Override public String levelName(int ptdumpLevel) {
    return GenericGeometry.GEOMETRY.levelName(ptdumpLevel);
  }

  /** No bit columns: {@link #rangeLine} prints the words itself. */
  @Override public List<ProtBit> protBits(int ptdumpLevel) {
    return List.of();
  }

  @Override public long noteProt(int ptdumpLevel, long value) {
    return (value & GenericDescriptors.P) == 0 ? 0 : value & PROT_MASK;
  }

  @Override public String rangeLine(long start, long end, int ptdumpLevel, long prot) {
    StringBuilder sb = new StringBuilder(64);
    sb.append(String.format("0x%016x-0x%016x ", start, end))
        .append(PtdumpTables.sizeField(start, end)).append(' ').append(levelName(ptdumpLevel));
    if (prot != 0) {
      sb.append((prot & GenericDescriptors.RW) != 0 ? " RW" : " ro");
      sb.append((prot & GenericDescriptors.NX) != 0 ? " NX" : " x");
      long dev = GenericDescriptors.PWT | GenericDescriptors.PCD;
      if ((prot & dev) == dev) {
        sb.append(" DEV");
      }
    }
    return sb.toString();
  }

  @Override public boolean advancePastAllMarkers() {
    return true;
  }

  @Override public boolean isWriteExec(long prot) {
    return (prot & GenericDescriptors.RW) != 0 && (prot & GenericDescriptors.NX) == 0;
  }

  @Override public String wxWarningPrefix() {
    return "generic/mm";
  }

  @Override public String wxVerdict(long wxPages, long uxnPages) {
    if (wxPages != 0) {
      return "Checked W+X mappings: FAILED, " + wxPages + " W+X pages found";
    }
    return "Checked W+X mappings: passed, no W+X pages found";
  }
}
