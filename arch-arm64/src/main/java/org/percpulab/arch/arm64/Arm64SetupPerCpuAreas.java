package org.percpulab.arch.arm64;

import org.percpulab.core.spi.PerCpuAreaSpec;

/**
 * arm64 setup_per_cpu_areas() inputs (drivers/base/arch_numa.c with NUMA, mm/percpu.c generic
 * without): pcpu_embed_first_chunk(PERCPU_MODULE_RESERVE = 8 KiB, PERCPU_DYNAMIC_RESERVE = 28 KiB,
 * atom = PAGE_SIZE, pcpu_cpu_distance, early_cpu_to_node). NUMA: {@code arm64.numaNodes} nodes,
 * CPUs in equal consecutive blocks (cpu * nodes / cpus), node_distance 10 local / 20 remote
 * (LOCAL_DISTANCE / REMOTE_DISTANCE), so one percpu group per node.
 *
 * <p>First chunk: {@code arm64.percpuAlloc} ({@link #firstChunk}); pcpu_page_first_chunk passes
 * PERCPU_MODULE_RESERVE, dyn 0 and atom PAGE_SIZE (mm/percpu.c).
 *
 * <p>earlyLocalMap: the seed series moves setup_per_cpu_areas into arm64 smp code so that, with
 * the local map active, the first and reserved chunk are mapped into every CPU's table before the
 * secondaries start (each then switches TTBR1 to its own table like __cpu_replace_ttbr1).
 */
public final class Arm64SetupPerCpuAreas {

  public static final long PERCPU_MODULE_RESERVE = 8L << 10;
  public static final long PERCPU_DYNAMIC_RESERVE = 28L << 10;
  public static final int LOCAL_DISTANCE = 10;
  public static final int REMOTE_DISTANCE = 20;

  private Arm64SetupPerCpuAreas() { }

  static PerCpuAreaSpec spec(Arm64Config c, Arm64Layout l, boolean localActive) {
    int cpus = c.cpus();
    int nodes = c.numaNodes();
    int[] cpuToNode = new int[cpus];
    for (int cpu = 0; cpu < cpus; cpu++) {
      cpuToNode[cpu] = (int) ((long) cpu * nodes / cpus);
    }
    int[][] dist = new int[nodes][nodes];
    for (int a = 0; a < nodes; a++) {
      for (int b = 0; b < nodes; b++) {
        dist[a][b] = a == b ? LOCAL_DISTANCE : REMOTE_DISTANCE;
      }
    }
    return new PerCpuAreaSpec(c.staticPercpuSize(), PERCPU_MODULE_RESERVE, PERCPU_DYNAMIC_RESERVE,
        1L << c.pageShift(), firstChunk(c.percpuAlloc(), localActive), cpuToNode, dist,
        l.perCpuStart(), localActive);
  }

  /**
   * percpu_alloc= (arm64.percpuAlloc): embed is the kernel's default. With the local map the model
   * needs the page first chunk, so that one __per_cpu_local_off covers the first chunk and the
   * dynamic chunks in vmalloc space (see mm-percpu's PercpuSystem); Arm64Config rejects embed there.
   */
  static PerCpuAreaSpec.FirstChunk firstChunk(String percpuAlloc, boolean localActive) {
    if ("page".equals(percpuAlloc) || localActive && !"embed".equals(percpuAlloc)) {
      return PerCpuAreaSpec.FirstChunk.PAGE;
    }
    return PerCpuAreaSpec.FirstChunk.EMBED;
  }
}
