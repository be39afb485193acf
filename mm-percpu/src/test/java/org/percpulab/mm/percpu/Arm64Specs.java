package org.percpulab.mm.percpu;

import org.percpulab.core.spi.PerCpuAreaSpec;

/**
 * Hand-built arm64 PerCpuAreaSpecs for the allocator-only tests (no machine): the static size
 * of the real boot log "percpu: Embedded 30 pages/cpu s84248 r8192 d30440 u122880" (kernel-facts
 * §8), PERCPU_MODULE_RESERVE, PERCPU_DYNAMIC_RESERVE, atom PAGE_SIZE, embed.
 */
final class Arm64Specs {
  private Arm64Specs() {}

  static final long PER_CPU_START = 0xffff800081a20000L;
  static final long LINEAR_BASE = 0xffff000000000000L;
  static final long NODE_STRIDE = 0x0000002000000000L;
  static final long VMALLOC_END = 0xfffffdffbfff0000L;

  static PerCpuAreaSpec spec(int cpus, int nodes) {
    int[] cpuToNode = new int[cpus];
    int perNode = (cpus + nodes - 1) / nodes;
    for (int c = 0; c < cpus; c++) {
      cpuToNode[c] = c / perNode;
    }
    int[][] dist = new int[nodes][nodes];
    for (int a = 0; a < nodes; a++) {
      for (int b = 0; b < nodes; b++) {
        dist[a][b] = a == b ? 10 : 20;
      }
    }
    return new PerCpuAreaSpec(84248, 8192, 28672, 4096, PerCpuAreaSpec.FirstChunk.EMBED,
        cpuToNode, dist, PER_CPU_START, false);
  }

  /** Group blocks: node n's memory starts at LINEAR_BASE + n × NODE_STRIDE; block 16 MiB in. */
  static long place(int group, int node, long bytes, long align) {
    return LINEAR_BASE + node * NODE_STRIDE + 0x1000000L;
  }

  static PercpuAllocator boot(int cpus, int nodes, UnmappedChunkBackend backend) {
    PercpuAllocator pcpu = new PercpuAllocator(4096, backend);
    PcpuFirstChunk.embed(pcpu, spec(cpus, nodes), nodes > 1, Arm64Specs::place);
    return pcpu;
  }
}
