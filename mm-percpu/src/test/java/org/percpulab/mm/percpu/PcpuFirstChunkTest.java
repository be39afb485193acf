package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PcpuFirstChunkTest {
  private static final long BASE = Arm64Specs.LINEAR_BASE + 0x1000000L;

  @Test
  void arm64FourCpusMatchesRealBootLog() {
    PercpuAllocator pcpu = new PercpuAllocator(4096, new UnmappedChunkBackend(Arm64Specs.VMALLOC_END));
    PcpuFirstChunk.Boot boot = PcpuFirstChunk.embed(pcpu, Arm64Specs.spec(4, 1), false,
        Arm64Specs::place);
    // pcpu_dump_alloc_info ends each CPU with a space (pr_cont("%0*d ")).
    assertThat(boot.log()).containsExactly(
        "percpu: Embedded 30 pages/cpu s84248 r8192 d30440 u122880",
        "pcpu-alloc: s84248 r8192 d30440 u122880 alloc=30*4096",
        "pcpu-alloc: [0] 0 [0] 1 [0] 2 [0] 3 ");
    assertThat(pcpu.unitSize()).isEqualTo(122880);
    assertThat(pcpu.unitPages()).isEqualTo(30);
    assertThat(pcpu.baseAddr()).isEqualTo(BASE);
    for (int cpu = 0; cpu < 4; cpu++) {
      assertThat(pcpu.unitOffset(cpu)).isEqualTo(cpu * 122880L);
      assertThat(pcpu.unitMap(cpu)).isEqualTo(cpu);
      assertThat(pcpu.perCpuOffset(cpu))
          .isEqualTo(BASE - Arm64Specs.PER_CPU_START + cpu * 122880L);
    }
    assertThat(pcpu.perCpuOffset(1)).isEqualTo(0xffff7fff7f5fe000L);
    assertThat(pcpu.lowUnitCpu()).isEqualTo(0);
    assertThat(pcpu.highUnitCpu()).isEqualTo(3);
    // slots: __pcpu_size_to_slot(122880) = 14
    assertThat(pcpu.sidelinedSlot()).isEqualTo(15);
    assertThat(pcpu.freeSlot()).isEqualTo(16);
    assertThat(pcpu.toDepopulateSlot()).isEqualTo(17);
    assertThat(pcpu.nrSlots()).isEqualTo(18);
    // kernel-facts §3.8 worked example
    PcpuChunk r = pcpu.reservedChunk();
    assertThat(r.baseAddr).isEqualTo(BASE + 20 * 4096);
    assertThat(r.startOffset).isEqualTo(2328);
    assertThat(r.nrPages).isEqualTo(3);
    assertThat(r.endOffset).isEqualTo(1768);
    assertThat(r.freeBytes).isEqualTo(8192);
    assertThat(pcpu.slotOf(r)).isEqualTo(-1);
    PcpuChunk d = pcpu.firstChunk();
    assertThat(d.baseAddr).isEqualTo(BASE + 22 * 4096);
    assertThat(d.startOffset).isEqualTo(2328);
    assertThat(d.nrPages).isEqualTo(8);
    assertThat(d.endOffset).isEqualTo(0);
    assertThat(d.freeBytes).isEqualTo(30440);
    assertThat(d.immutable).isTrue();
    // 30440 - (4096 - 2328) = 28672 = 7 whole free pages; the first page is partly hidden
    assertThat(d.nrEmptyPopPages).isEqualTo(7);
    assertThat(pcpu.nrEmptyPopPages()).isEqualTo(7);
    assertThat(r.nrEmptyPopPages).isEqualTo(1);
    assertThat(pcpu.slotOf(d)).isEqualTo(PercpuConstants.sizeToSlotRaw(28672));
    assertThat(pcpu.nrPopulated()).isEqualTo(30);
    assertThat(PcpuVerifier.verify(pcpu, List.of())).isEmpty();
  }

  @Test
  void arm64OneHundredSixtyCpusOneNode() {
    PercpuAllocator pcpu = new PercpuAllocator(4096, new UnmappedChunkBackend(Arm64Specs.VMALLOC_END));
    PcpuFirstChunk.Boot boot = PcpuFirstChunk.embed(pcpu, Arm64Specs.spec(160, 1), false,
        Arm64Specs::place);
    // cpu width 3, width = 1*(3+1)+1+3 = 8, apl = rounddown_pow_of_two(60/8) = 4
    assertThat(boot.log()).hasSize(2 + 40);
    assertThat(boot.log().get(0))
        .isEqualTo("percpu: Embedded 30 pages/cpu s84248 r8192 d30440 u122880");
    assertThat(boot.log().get(2)).isEqualTo("pcpu-alloc: [0] 000 [0] 001 [0] 002 [0] 003 ");
    assertThat(boot.log().get(41)).isEqualTo("pcpu-alloc: [0] 156 [0] 157 [0] 158 [0] 159 ");
    assertThat(pcpu.unitOffset(159)).isEqualTo(159 * 122880L);
    assertThat(pcpu.nrGroups()).isEqualTo(1);
    assertThat(pcpu.groupSize(0)).isEqualTo(160 * 122880L);
    assertThat(pcpu.highUnitCpu()).isEqualTo(159);
    assertThat(pcpu.perCpuOffset(159) - pcpu.perCpuOffset(0)).isEqualTo(159 * 122880L);
  }

  @Test
  void arm64OneHundredSixtyCpusTwoNodesGroupsPerNode() {
    PercpuAllocator pcpu = new PercpuAllocator(4096, new UnmappedChunkBackend(Arm64Specs.VMALLOC_END));
    PcpuFirstChunk.Boot boot = PcpuFirstChunk.embed(pcpu, Arm64Specs.spec(160, 2), true,
        Arm64Specs::place);
    assertThat(pcpu.nrGroups()).isEqualTo(2);
    assertThat(pcpu.groupOffset(0)).isEqualTo(0);
    assertThat(pcpu.groupOffset(1)).isEqualTo(Arm64Specs.NODE_STRIDE);
    assertThat(pcpu.groupSize(1)).isEqualTo(80 * 122880L);
    assertThat(pcpu.unitOffset(80)).isEqualTo(Arm64Specs.NODE_STRIDE);
    assertThat(pcpu.unitOffset(81)).isEqualTo(Arm64Specs.NODE_STRIDE + 122880L);
    assertThat(pcpu.unitMap(80)).isEqualTo(80);
    assertThat(boot.log().get(21)).isEqualTo("pcpu-alloc: [0] 076 [0] 077 [0] 078 [0] 079 ");
    assertThat(boot.log().get(22)).isEqualTo("pcpu-alloc: [1] 080 [1] 081 [1] 082 [1] 083 ");
  }

  @Test
  void pageFirstChunkLog() {
    PercpuAllocator pcpu = new PercpuAllocator(4096, new UnmappedChunkBackend(Arm64Specs.VMALLOC_END));
    PcpuFirstChunk.Boot boot = PcpuFirstChunk.page(pcpu, Arm64Specs.spec(4, 1),
        0xffff800080000000L);
    // dyn 0 → size_sum = PFN_ALIGN(84248 + 8192 + 20480) = 114688 (28 pages), d = 22248
    assertThat(boot.log().get(0)).isEqualTo("percpu: 28 4K pages/cpu s84248 r8192 d22248");
    assertThat(pcpu.unitSize()).isEqualTo(114688);
  }
}
