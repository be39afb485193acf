package org.percpulab.mm.percpu;

import static org.percpulab.mm.percpu.PercpuConstants.LOCAL_DISTANCE;
import static org.percpulab.mm.percpu.PercpuConstants.PERCPU_DYNAMIC_EARLY_SIZE;

import org.percpulab.core.spi.PerCpuAreaSpec;

/**
 * mm/percpu.c pcpu_build_alloc_info: sizes, CPU grouping by NUMA distance, units per allocation
 * and unit size, from the arch's {@link PerCpuAreaSpec}.
 */
public final class PcpuBuildAllocInfo {
  private PcpuBuildAllocInfo() {}

  /**
   * @param useDistance false for the generic setup_per_cpu_areas (no cpu_distance_fn: one group)
   */
  public static PcpuAllocInfo build(PerCpuAreaSpec spec, long reservedSize, long dynSize,
      long atomSize, long pageSize, boolean useDistance) {
    long staticSize = spec.staticSize();
    int cpus = spec.cpus();
    long sizeSum = pfnAlign(staticSize + reservedSize
        + Math.max(dynSize, PERCPU_DYNAMIC_EARLY_SIZE), pageSize);
    dynSize = sizeSum - staticSize - reservedSize;
    long minUnitSize = Math.max(sizeSum, PercpuConstants.minUnitSize(pageSize));
    long allocSize = (minUnitSize + atomSize - 1) / atomSize * atomSize;
    int upa = (int) (allocSize / minUnitSize);
    while (allocSize % upa != 0 || ((allocSize / upa) & (pageSize - 1)) != 0) {
      upa--;
    }
    int maxUpa = upa;

    int[] groupMap = new int[cpus];
    int[] groupCnt = new int[cpus];
    boolean[] taken = new boolean[cpus];
    int group = 0;
    for (int cpu = 0; cpu < cpus; cpu++) {
      if (taken[cpu]) {
        continue;
      }
      taken[cpu] = true;
      groupMap[cpu] = group;
      groupCnt[group]++;
      for (int t = cpu + 1; t < cpus; t++) {
        if (taken[t]) {
          continue;
        }
        if (!useDistance || (cpuDistance(spec, cpu, t) == LOCAL_DISTANCE
            && cpuDistance(spec, t, cpu) == LOCAL_DISTANCE)) {
          groupMap[t] = group;
          groupCnt[group]++;
          taken[t] = true;
        }
      }
      group++;
    }
    int nrGroups = group;

    int lastAllocs = Integer.MAX_VALUE;
    int bestUpa = 0;
    for (upa = maxUpa; upa != 0; upa--) {
      if (allocSize % upa != 0 || ((allocSize / upa) & (pageSize - 1)) != 0) {
        continue;
      }
      int allocs = 0;
      int wasted = 0;
      for (int g = 0; g < nrGroups; g++) {
        int thisAllocs = (groupCnt[g] + upa - 1) / upa;
        allocs += thisAllocs;
        wasted += thisAllocs * upa - groupCnt[g];
      }
      if (wasted > cpus / 3) {
        continue;
      }
      if (allocs > lastAllocs) {
        break;
      }
      lastAllocs = allocs;
      bestUpa = upa;
    }
    upa = bestUpa;

    PcpuAllocInfo ai = new PcpuAllocInfo();
    ai.possibleCpus = cpus;
    ai.staticSize = staticSize;
    ai.reservedSize = reservedSize;
    ai.dynSize = dynSize;
    ai.unitSize = allocSize / upa;
    ai.atomSize = atomSize;
    ai.allocSize = allocSize;
    int unit = 0;
    for (int g = 0; g < nrGroups; g++) {
      int units = (groupCnt[g] + upa - 1) / upa * upa;
      PcpuAllocInfo.Group gi = new PcpuAllocInfo.Group(units);
      gi.baseOffset = unit * ai.unitSize;
      int n = 0;
      for (int cpu = 0; cpu < cpus; cpu++) {
        if (groupMap[cpu] == g) {
          gi.cpuMap[n++] = cpu;
        }
      }
      gi.nrUnits = units;
      unit += units;
      ai.groups.add(gi);
    }
    return ai;
  }

  /** arch_numa.c pcpu_cpu_distance: node_distance(cpu_to_node(from), cpu_to_node(to)). */
  static int cpuDistance(PerCpuAreaSpec spec, int from, int to) {
    return spec.distance(spec.node(from), spec.node(to));
  }

  static long pfnAlign(long x, long pageSize) {
    return (x + pageSize - 1) & -pageSize;
  }
}
