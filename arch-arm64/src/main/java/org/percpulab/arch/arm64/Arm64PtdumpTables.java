package org.percpulab.arch.arm64;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.PtdumpTables;

/**
 * arch/arm64/mm/ptdump.c: the address markers of ptdump_init(), pte_bits[] with its set/clear
 * strings, kernel_pg_levels[] names and the dynamic folding (level 1 when p4d is folded, level 2
 * when pud is folded, print as level 0), and note_prot_wx / note_prot_uxn.
 *
 * <p>Geometry level i is kernel level {@code 5 - levels + i} (a 2-level table starts at the PMD
 * level, which is never folded to PGD: leaves and holes there print as "PMD"). The local area gets
 * its own pair of markers, {@code percpu local area} / {@code percpu local area end}, between
 * {@code vmalloc() end} and {@code vmemmap start}.
 */
public final class Arm64PtdumpTables implements PtdumpTables {

  private static final String[] NAMES = {"PGD", "P4D", "PUD", "PMD", "PTE"};
  private static final List<ProtBit> PTE_BITS = List.of(
      new ProtBit(Arm64Descriptors.VALID, Arm64Descriptors.VALID, " ", "F"),
      new ProtBit(Arm64Descriptors.USER, Arm64Descriptors.USER, "USR", "   "),
      new ProtBit(Arm64Descriptors.RDONLY, Arm64Descriptors.RDONLY, "ro", "RW"),
      new ProtBit(Arm64Descriptors.PXN, Arm64Descriptors.PXN, "NX", "x "),
      new ProtBit(Arm64Descriptors.SHARED, Arm64Descriptors.SHARED, "SHD", "   "),
      new ProtBit(Arm64Descriptors.AF, Arm64Descriptors.AF, "AF", "  "),
      new ProtBit(Arm64Descriptors.NG, Arm64Descriptors.NG, "NG", "  "),
      new ProtBit(Arm64Descriptors.CONT, Arm64Descriptors.CONT, "CON", "   "),
      new ProtBit(Arm64Descriptors.TYPE_MASK, Arm64Descriptors.TYPE_SECT, "BLK", "   "),
      new ProtBit(Arm64Descriptors.UXN, Arm64Descriptors.UXN, "UXN", "   "),
      new ProtBit(Arm64Descriptors.GP, Arm64Descriptors.GP, "GP", "  "),
      mt(Arm64Descriptors.MT_DEVICE_nGnRnE, "DEVICE/nGnRnE"),
      mt(Arm64Descriptors.MT_DEVICE_nGnRE, "DEVICE/nGnRE"),
      mt(Arm64Descriptors.MT_NORMAL_NC, "MEM/NORMAL-NC"),
      mt(Arm64Descriptors.MT_NORMAL, "MEM/NORMAL"),
      mt(Arm64Descriptors.MT_NORMAL_TAGGED, "MEM/NORMAL-TAGGED"));

  private final Geometry geometry;
  private final List<Marker> markers;
  private final long walkStart;

  public Arm64PtdumpTables(Arm64Layout l, boolean localActive) {
    this.geometry = l.geometry;
    this.walkStart = l.pageOffset;
    List<Marker> m = new ArrayList<>();
    m.add(new Marker(l.pageOffset, "Linear Mapping start"));
    m.add(new Marker(l.pageEnd, "Linear Mapping end"));
    m.add(new Marker(l.modulesVaddr, "Modules start"));
    m.add(new Marker(l.modulesEnd, "Modules end"));
    m.add(new Marker(l.vmallocStart, "vmalloc() area"));
    m.add(new Marker(l.vmallocEnd(localActive), "vmalloc() end"));
    if (localActive) {
      m.add(new Marker(l.localStart, "percpu local area"));
      m.add(new Marker(l.localEnd, "percpu local area end"));
    }
    m.add(new Marker(l.vmemmapStart, "vmemmap start"));
    m.add(new Marker(l.vmemmapEnd, "vmemmap end"));
    m.add(new Marker(l.pciIoStart, "PCI I/O start"));
    m.add(new Marker(l.pciIoEnd, "PCI I/O end"));
    m.add(new Marker(l.fixaddrTotStart, "Fixmap start"));
    m.add(new Marker(l.fixaddrTop, "Fixmap end"));
    this.markers = List.copyOf(m);
  }

  private static ProtBit mt(int idx, String name) {
    return new ProtBit(Arm64Descriptors.ATTRINDX_MASK, Arm64Descriptors.attrIndx(idx), name, null);
  }

  @Override public List<Marker> markers() {
    return markers;
  }

  @Override public long walkStart() {
    return walkStart;
  }

  @Override public int ptdumpLevel(int geometryLevel) {
    int k = 5 - geometry.levels() + geometryLevel;
    boolean p4dFolded = geometry.levels() < 5;
    boolean pudFolded = geometry.levels() < 4;
    if ((k == 1 && p4dFolded) || (k == 2 && pudFolded)) {
      return 0;
    }
    return k;
  }

  @Override public String levelName(int ptdumpLevel) {
    return NAMES[ptdumpLevel];
  }

  @Override public List<ProtBit> protBits(int ptdumpLevel) {
    return PTE_BITS;
  }

  /**
   * arm64 note_page's line: {@code 0x%016lx-0x%016lx   %9lu%c %s} then, for a mapped range, each
   * pte_bits[] column's set or clear string.
   */
  @Override public String rangeLine(long start, long end, int ptdumpLevel, long prot) {
    StringBuilder sb = new StringBuilder(128);
    sb.append(String.format("0x%016x-0x%016x   ", start, end));
    sb.append(PtdumpTables.sizeField(start, end)).append(' ').append(levelName(ptdumpLevel));
    if (prot != 0) {
      for (ProtBit b : PTE_BITS) {
        String s = (prot & b.mask()) == b.value() ? b.set() : b.clear();
        if (s != null) {
          sb.append(' ').append(s);
        }
      }
    }
    return sb.toString();
  }

  @Override public boolean isWriteExec(long prot) {
    return (prot & Arm64Descriptors.RDONLY) == 0 && (prot & Arm64Descriptors.PXN) == 0;
  }

  @Override public boolean isUserExec(long prot) {
    return (prot & Arm64Descriptors.UXN) == 0;
  }

  @Override public String wxWarningPrefix() {
    return "arm64/mm";
  }
}
