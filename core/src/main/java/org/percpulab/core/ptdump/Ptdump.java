package org.percpulab.core.ptdump;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.PtdumpTables;
import org.percpulab.core.spi.PtdumpTables.Marker;

/**
 * mm/ptdump.c entry points: {@code ptdump_walk_pgd} into the kernel_page_tables format,
 * {@code ptdump_check_wx}, and a line diff of two CPUs' dumps. The walk itself comes from a
 * {@link NoteSource}; geometry levels are folded to ptdump levels by the arch's tables.
 */
public final class Ptdump {

  private Ptdump() { }

  /** The whole dump ({@code /sys/kernel/debug/kernel_page_tables}), one element per line. */
  public static List<String> dump(PtdumpTables tables, NoteSource source, long pageSize) {
    List<String> out = new ArrayList<>();
    PtdumpState st = new PtdumpState(tables, tables.markers(), out, false, pageSize);
    walk(tables, source, (addr, gl, value) -> st.note(addr, tables.ptdumpLevel(gl), value));
    st.flush();
    return out;
  }

  /**
   * The walk from {@link PtdumpTables#walkStart()} up to {@link PtdumpTables#flushAddress()} (0 =
   * 2^64): the kernel's ptdump range, so a table narrower than 64 bits (s390's region-second ASCE
   * covers 2^53) is not walked past its end.
   */
  static void walk(PtdumpTables tables, NoteSource source, NoteSink sink) {
    long end = tables.flushAddress();
    if (end == 0) {
      source.walk(tables.walkStart(), sink);
      return;
    }
    source.walk(tables.walkStart(), (addr, gl, value) -> {
      if (Long.compareUnsigned(addr, end) < 0) {
        sink.note(addr, gl, value);
      }
    });
  }

  /** ptdump_check_wx: markers {0, -1}, no dump output; returns warnings and the verdict line. */
  public static List<String> checkWx(PtdumpTables tables, NoteSource source, long pageSize) {
    PtdumpState st = new PtdumpState(tables, List.of(new Marker(0, null)), null, true, pageSize);
    walk(tables, source, (addr, gl, value) -> st.note(addr, tables.ptdumpLevel(gl), value));
    st.flush();
    return st.wxReport();
  }

  /**
   * The dump of one table with lines also broken at physical discontinuities and suffixed with
   * {@code pa=0x..}; the input of {@link #diff}.
   */
  public static List<String> dumpWithPhys(PtdumpTables tables, DescriptorFormat descriptors,
      NoteSource source, long pageSize) {
    List<String> out = new ArrayList<>();
    PtdumpState st = new PtdumpState(tables, tables.markers(), out, false, pageSize)
        .withPhysicalAddresses(descriptors);
    walk(tables, source, st::noteGeometry);
    st.flush();
    return out;
  }

  /** {@code ptdump --diff A B}: only the ranges whose mapping differs, A's lines then B's. */
  public static List<String> diffCpus(PtdumpTables tables, DescriptorFormat descriptors,
      NoteSource a, NoteSource b, long pageSize) {
    return diff(dumpWithPhys(tables, descriptors, a, pageSize),
        dumpWithPhys(tables, descriptors, b, pageSize));
  }

  /**
   * Only the lines that differ between two dumps: each differing line prefixed {@code -} (only in
   * A) or {@code +} (only in B), under the marker header of its section (printed once).
   */
  public static List<String> diff(List<String> a, List<String> b) {
    Set<String> inA = new HashSet<>(a);
    Set<String> inB = new HashSet<>(b);
    List<String> out = new ArrayList<>();
    emit(a, inB, "-", out);
    emit(b, inA, "+", out);
    return out;
  }

  private static void emit(List<String> lines, Set<String> other, String sign, List<String> out) {
    String header = null;
    boolean printed = false;
    for (String l : lines) {
      if (l.startsWith("---[")) {
        header = l;
        printed = false;
      } else if (!other.contains(l)) {
        if (!printed && header != null) {
          out.add(sign + header);
          printed = true;
        }
        out.add(sign + l);
      }
    }
  }
}
