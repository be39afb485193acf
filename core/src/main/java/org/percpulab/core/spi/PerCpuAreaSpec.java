package org.percpulab.core.spi;

/**
 * The inputs of {@code setup_per_cpu_areas()} on this arch: what the kernel passes to
 * {@code pcpu_embed_first_chunk()} / {@code pcpu_page_first_chunk()} (mm/percpu.c) and how CPUs map
 * to NUMA nodes. mm-percpu computes the alloc info and {@code __per_cpu_offset[]} from this.
 *
 * @param staticSize size of {@code .data..percpu} (the kernel's static percpu variables)
 * @param reservedSize PERCPU_MODULE_RESERVE
 * @param dynamicReserve PERCPU_DYNAMIC_RESERVE
 * @param atomSize allocation atom (arm64: PAGE_SIZE)
 * @param firstChunk embed or page first chunk
 * @param cpuToNode node of each possible CPU (length = number of CPUs)
 * @param nodeDistance node distance matrix (LOCAL_DISTANCE = 10 on the diagonal)
 * @param perCpuStart link address of {@code __per_cpu_start} in the kernel image
 * @param earlyLocalMap true when the arch maps the first and reserved chunk into every CPU's table
 *     before secondary CPUs start (the seed series moves setup_per_cpu_areas into arm64 smp code)
 */
public record PerCpuAreaSpec(
    long staticSize, long reservedSize, long dynamicReserve, long atomSize, FirstChunk firstChunk,
    int[] cpuToNode, int[][] nodeDistance, long perCpuStart, boolean earlyLocalMap) {

  /** Which first-chunk allocator the arch uses. */
  public enum FirstChunk { EMBED, PAGE }

  public PerCpuAreaSpec {
    cpuToNode = cpuToNode.clone();
    int[][] d = new int[nodeDistance.length][];
    for (int i = 0; i < d.length; i++) {
      d[i] = nodeDistance[i].clone();
    }
    nodeDistance = d;
  }

  public int cpus() { return cpuToNode.length; }

  public int node(int cpu) { return cpuToNode[cpu]; }

  public int distance(int from, int to) { return nodeDistance[from][to]; }

  /**
   * This spec with the reserves a kernel build chooses (PERCPU_MODULE_RESERVE and
   * PERCPU_DYNAMIC_RESERVE, see {@code KernelBuildKeys}); the page first chunk keeps its dynamic
   * reserve of 0 (pcpu_page_first_chunk passes none).
   */
  public PerCpuAreaSpec withReserves(long reserved, long dynamic) {
    return new PerCpuAreaSpec(staticSize, reserved, dynamicReserve == 0 ? 0 : dynamic, atomSize,
        firstChunk, cpuToNode, nodeDistance, perCpuStart, earlyLocalMap);
  }
}
