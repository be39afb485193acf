package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.testkit.TestMachines;

/** The arm64 backend's own PerCpuAreaSpec booted on a machine: 160 and 4 CPUs, local map on. */
class Arm64BootTest {
  private static PercpuSystem boot(int cpus, String extraKey, String extraValue) {
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", Integer.toString(cpus),
        "percpu.localMap", "on", extraKey, extraValue));
    return PercpuSystem.boot(m);
  }

  @Test
  void oneHundredSixtyCpusLayoutLocalAreaAndCopies() {
    PercpuSystem s = boot(160, "arm64.numaNodes", "1");
    Machine m = s.machine();
    assertThat(s.bootLog().get(0))
        .isEqualTo("percpu: Embedded 30 pages/cpu s84248 r8192 d30440 u122880");
    assertThat(s.bootLog().get(1))
        .isEqualTo("pcpu-alloc: s84248 r8192 d30440 u122880 alloc=30*4096");
    assertThat(s.bootLog()).hasSize(42);
    assertThat(s.bootLog().get(41)).isEqualTo("pcpu-alloc: [0] 156 [0] 157 [0] 158 [0] 159 ");
    PercpuAllocator a = s.allocator();
    for (int cpu = 0; cpu < 160; cpu++) {
      assertThat(a.unitOffset(cpu)).isEqualTo(cpu * 122880L);
      assertThat(m.cpu(cpu).perCpuOffset())
          .isEqualTo(a.baseAddr() - m.model().perCpuAreas().perCpuStart() + cpu * 122880L);
    }
    // the first chunk's local range is the first unit-sized range of the local area
    assertThat(s.firstLocalBase()).isEqualTo(m.kpt().localArea().start());
    assertThat(s.localArea().bytesInUse()).isEqualTo(122880);
    m.verifyConsistent();
    long[] ptrs = new long[41];
    for (int i = 0; i < ptrs.length - 1; i++) {
      ptrs[i] = s.alloc(8 + 8 * (i % 16), 8, false);
    }
    // 32 KiB cannot fit the first chunk's 28 KiB dynamic area: a dynamic chunk at 160 CPUs
    ptrs[40] = s.alloc(32768, 4096, false);
    assertThat(a.chunksCreated()).isEqualTo(1);
    assertThat(s.localArea().bytesInUse()).isEqualTo(2 * 122880);
    assertThat(s.localDelta(ptrs[40])).isNotZero();
    assertThat(s.localDelta(ptrs[0])).isZero();
    long staticPtr = m.model().perCpuAreas().perCpuStart() + 64; // a static DEFINE_PER_CPU var
    m.verifyConsistent();
    for (int cpu = 0; cpu < 160; cpu++) {
      Cpu c = m.cpu(cpu);
      for (long p : ptrs) {
        long pa = c.translate(s.perCpuPtr(p, cpu));
        assertThat(pa).isNotEqualTo(Cpu.FAULT);
        assertThat(c.translate(s.localAlias(p))).as("ptr %x cpu %d", p, cpu).isEqualTo(pa);
        assertThat(m.cpu((cpu + 7) % 160).translate(s.perCpuPtr(p, cpu))).isEqualTo(pa);
      }
      assertThat(c.translate(staticPtr + s.perCpuLocalOff()))
          .isEqualTo(m.layout().virtToPhys(a.baseAddr() + cpu * 122880L + 64));
    }
  }

  @Test
  void destroyingAChunkFlushesItsLocalRangeOnce() {
    PercpuSystem s = boot(4, "arm64.numaNodes", "1");
    Machine m = s.machine();
    // a 30-page unit holds three 32 KiB areas: the fourth needs a second chunk
    long[] p = new long[4];
    for (int i = 0; i < 4; i++) {
      p[i] = s.alloc(32768, 4096, false);
    }
    assertThat(s.allocator().chunksCreated()).isEqualTo(2);
    for (long x : p) {
      s.free(x);
    }
    // the first chunk's frees isolated it (pcpu_should_reclaim_chunk): the first run reclaims its
    // pages, reintegrates it at the head of the free slot and so spares it
    s.allocator().runBalanceWork();
    assertThat(s.allocator().chunksDestroyed()).isEqualTo(0);
    long flushes = m.cpus().broadcastRangeFlushes();
    long local = s.backend().localBroadcastFlushes();
    s.allocator().runBalanceWork();
    // pcpu_balance_free keeps one free chunk and destroys the other: depopulate does not flush,
    // destroy flushes the chunk's local range once (the global VA goes to vmalloc's lazy purge)
    assertThat(s.allocator().chunksDestroyed()).isEqualTo(1);
    assertThat(s.backend().localBroadcastFlushes() - local).isEqualTo(1);
    assertThat(m.cpus().broadcastRangeFlushes() - flushes).isEqualTo(1);
    assertThat(s.localArea().bytesInUse()).isEqualTo(2 * 122880);
    assertThat(s.vmalloc().localAreas()).hasSize(2);
    m.verifyConsistent();
  }

  @Test
  void fourCpusTwoNodesGroups() {
    PercpuSystem s = boot(4, "arm64.numaNodes", "2");
    assertThat(s.bootLog()).containsExactly(
        "percpu: Embedded 30 pages/cpu s84248 r8192 d30440 u122880",
        "pcpu-alloc: s84248 r8192 d30440 u122880 alloc=30*4096",
        "pcpu-alloc: [0] 0 [0] 1 [1] 2 [1] 3 ");
    assertThat(s.allocator().nrGroups()).isEqualTo(2);
    s.machine().verifyConsistent();
  }
}
