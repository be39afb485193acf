package org.percpulab.mm.percpu;

import java.util.ArrayList;
import java.util.List;

/**
 * include/linux/percpu.h {@code struct pcpu_alloc_info} / {@code struct pcpu_group_info}, and
 * mm/percpu.c pcpu_dump_alloc_info (the {@code pcpu-alloc:} lines).
 */
public final class PcpuAllocInfo {
  /** NR_CPUS marker for an empty unit in {@link Group#cpuMap}. */
  public static final int NO_CPU = -1;

  /** One group of units (one NUMA node). */
  public static final class Group {
    public int nrUnits;
    public long baseOffset;
    public int[] cpuMap;

    Group(int capacity) {
      cpuMap = new int[capacity];
      java.util.Arrays.fill(cpuMap, NO_CPU);
    }
  }

  public long staticSize;
  public long reservedSize;
  public long dynSize;
  public long unitSize;
  public long atomSize;
  public long allocSize;
  public final List<Group> groups = new ArrayList<>();
  /** num_possible_cpus() of the machine the info was built for. */
  public int possibleCpus;

  public int nrGroups() {
    return groups.size();
  }

  /** pcpu_dump_alloc_info: the lines (without the log level prefix). */
  public List<String> dumpLines() {
    int groupWidth = 1;
    for (int v = nrGroups(); (v /= 10) != 0; ) {
      groupWidth++;
    }
    int cpuWidth = 1;
    for (int v = possibleCpus; (v /= 10) != 0; ) {
      cpuWidth++;
    }
    String empty = "--------".substring(0, Math.min(cpuWidth, 8));
    int upa = (int) (allocSize / unitSize);
    int width = upa * (cpuWidth + 1) + groupWidth + 3;
    int apl = Integer.highestOneBit(Math.max(60 / width, 1));

    List<String> lines = new ArrayList<>();
    lines.add(String.format("pcpu-alloc: s%d r%d d%d u%d alloc=%d*%d", staticSize, reservedSize,
        dynSize, unitSize, allocSize / atomSize, atomSize));
    StringBuilder cur = null;
    int alloc = 0;
    int allocEnd = 0;
    for (int g = 0; g < nrGroups(); g++) {
      Group gi = groups.get(g);
      int unit = 0;
      int unitEnd = 0;
      for (allocEnd += gi.nrUnits / upa; alloc < allocEnd; alloc++) {
        if (alloc % apl == 0) {
          if (cur != null) {
            lines.add(cur.toString());
          }
          cur = new StringBuilder("pcpu-alloc: ");
        }
        zeroPadded(cur.append('['), g, groupWidth).append("] ");
        for (unitEnd += upa; unit < unitEnd; unit++) {
          if (gi.cpuMap[unit] != NO_CPU) {
            zeroPadded(cur, gi.cpuMap[unit], cpuWidth).append(' ');
          } else {
            cur.append(empty).append(' ');
          }
        }
      }
    }
    if (cur != null) {
      lines.add(cur.toString());
    }
    return lines;
  }

  /** Appends {@code v} (not negative) as printf's {@code %0<width>d} would. */
  private static StringBuilder zeroPadded(StringBuilder sb, int v, int width) {
    String digits = Integer.toString(v);
    for (int i = digits.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(digits);
  }
}
