package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.testkit.TestMachines;
import org.percpulab.mm.vmalloc.VmStruct;

/**
 * The arm64 backend's own PerCpuAreaSpec booted on a machine (4K pages, 48-bit VA): 160 and 4 CPUs,
 * local map on (page first chunk in the percpu window) and off (embed, and page by request).
 *
 * <pre>
 * 4K/48, local map on, 160 CPUs, unit u114688 = 0x1c000, chunk span 160 x 0x1c000 = 0x1180000
 *
 *   0xfffffcfffdd00000 +---------------------------+  dynamic chunk 1 (pcpu_get_vm_areas)
 *   0xfffffcfffee80000 +---------------------------+  first chunk (page, setup_per_cpu_areas)
 *   0xfffffd0000000000 +===========================+  VMALLOC_END = local area start
 *                      |  percpu local area, W =   |
 *   0xfffffd7ffdd00000 |  0x8000000000 (512 GiB):  |  chunk 1's unit-sized local range
 *   0xfffffd7ffee80000 |  base + W for each chunk  |  first chunk's local range
 *   0xfffffd8000000000 +===========================+
 *
 *   __per_cpu_local_off = pcpu_base_addr - __per_cpu_start + W
 *                       = 0xfffffcfffee80000 - 0xffff800081e80000 + 0x8000000000
 *                       = 0x00007d7f7d000000
 * </pre>
 */
class Arm64BootTest {
  private static final long W = 0x80_0000_0000L;
  private static final long UNIT = 114688;

  /** Boots the mirror layout, which these figures describe. */
  private static PercpuSystem boot(int cpus, String... kv) {
    String[] all = java.util.Arrays.copyOf(kv, kv.length + 2);
    all[kv.length] = "percpu.localLayout";
    all[kv.length + 1] = "mirror";
    Machine m = TestMachines.boot("arm64", cpus, all);
    return PercpuSystem.boot(m);
  }

  @Test
  void oneHundredSixtyCpusLayoutLocalAreaAndCopies() {
    PercpuSystem s = boot(160, "percpu.localMap", "on");
    Machine m = s.machine();
    assertThat(s.bootLog().get(0)).isEqualTo("percpu: 28 4K pages/cpu s84248 r8192 d22248");
    assertThat(s.bootLog().get(1))
        .isEqualTo("pcpu-alloc: s84248 r8192 d22248 u114688 alloc=28*4096");
    assertThat(s.bootLog()).hasSize(42);
    assertThat(s.bootLog().get(41)).isEqualTo("pcpu-alloc: [0] 156 [0] 157 [0] 158 [0] 159 ");
    PercpuAllocator a = s.allocator();
    assertThat(a.baseAddr()).isEqualTo(0xfffffcfffee80000L);
    assertThat(m.kpt().localArea().start()).isEqualTo(0xfffffd0000000000L);
    assertThat(s.localArea().shift()).isEqualTo(W);
    assertThat(s.localArea().windowStart()).isEqualTo(0xfffffc8000000000L);
    assertThat(s.firstLocalBase()).isEqualTo(0xfffffd7ffee80000L);
    assertThat(s.perCpuLocalOff()).isEqualTo(0x00007d7f7d000000L);
    assertThat(m.cpus().perCpuLocalOff()).isEqualTo(s.perCpuLocalOff());
    for (int cpu = 0; cpu < 160; cpu++) {
      assertThat(a.unitOffset(cpu)).isEqualTo(cpu * UNIT);
      assertThat(m.cpu(cpu).perCpuOffset())
          .isEqualTo(0xfffffcfffee80000L - 0xffff800081e80000L + cpu * UNIT);
    }
    assertThat(s.localArea().bytesInUse()).isEqualTo(UNIT);
    m.verifyConsistent();
    long[] ptrs = new long[41];
    for (int i = 0; i < ptrs.length - 1; i++) {
      ptrs[i] = s.alloc(8 + 8 * (i % 16), 8, false);
    }
    // 32 KiB cannot fit the page first chunk's 22248-byte dynamic area: a dynamic chunk
    ptrs[40] = s.alloc(32768, 4096, false);
    assertThat(a.chunksCreated()).isEqualTo(1);
    PcpuChunk dyn = a.chunkAddrSearch(a.ptrToAddr(ptrs[40]));
    assertThat(dyn.baseAddr).isEqualTo(0xfffffcfffdd00000L);
    assertThat(dyn.localBase).isEqualTo(0xfffffd7ffdd00000L);
    assertThat(s.localArea().bytesInUse()).isEqualTo(2 * UNIT);
    long staticPtr = m.model().perCpuAreas().perCpuStart() + 64; // a static DEFINE_PER_CPU var
    m.verifyConsistent();
    for (int cpu = 0; cpu < 160; cpu++) {
      Cpu c = m.cpu(cpu);
      for (long p : ptrs) {
        long pa = c.translate(s.perCpuPtr(p, cpu));
        assertThat(pa).isNotEqualTo(Cpu.FAULT);
        // one constant for every chunk: first chunk (ptrs[0..39]) and dynamic chunk (ptrs[40])
        assertThat(c.translate(p + s.perCpuLocalOff())).as("ptr %x cpu %d", p, cpu).isEqualTo(pa);
        assertThat(m.cpu((cpu + 7) % 160).translate(s.perCpuPtr(p, cpu))).isEqualTo(pa);
      }
      assertThat(c.translate(staticPtr + s.perCpuLocalOff()))
          .isEqualTo(c.translate(a.baseAddr() + cpu * UNIT + 64));
    }
  }

  @Test
  void fourCpusPageFirstChunkRightBelowTheLocalArea() {
    PercpuSystem s = boot(4, "percpu.localMap", "on");
    // 4 x 0x1c000 = 0x70000 below VMALLOC_END; its local range is W higher
    assertThat(s.allocator().baseAddr()).isEqualTo(0xfffffd0000000000L - 0x70000);
    assertThat(s.firstLocalBase()).isEqualTo(0xfffffd8000000000L - 0x70000);
    assertThat(s.perCpuLocalOff())
        .isEqualTo(0xfffffcfffff90000L - 0xffff800081e80000L + W);
    VmStruct vm = s.vmalloc().findVmArea(s.allocator().baseAddr());
    assertThat(vm.caller().symbol()).isEqualTo("setup_per_cpu_areas");
    assertThat(vm.size()).isEqualTo(0x70000);
    // every unit page is its own percpu page, mapped 4K in the shared tables and in the own pgd
    // taken from memblock (reserved for good), top-down from the end of RAM
    assertThat(s.machine().allocator().pages(PagePurpose.Kind.PERCPU)).isZero();
    long reservedBefore = TestMachines.boot("arm64", 4, "percpu.localMap", "on",
        "percpu.localLayout", "mirror").allocator()
        .reservedPages();
    assertThat(s.machine().allocator().reservedPages() - reservedBefore).isEqualTo(4 * 28);
    // the top 1 MiB of RAM holds the FDT
    assertThat(s.machine().cpu(0).translate(s.allocator().baseAddr())).isEqualTo(0x13feff000L);
    s.machine().verifyConsistent();
  }

  @Test
  void destroyingAChunkFlushesItsLocalRangeOnce() {
    PercpuSystem s = boot(4, "percpu.localMap", "on");
    Machine m = s.machine();
    // a 28-page unit holds three 32 KiB areas; the first chunk's 22248 bytes hold none
    long[] p = new long[4];
    for (int i = 0; i < 4; i++) {
      p[i] = s.alloc(32768, 4096, false);
    }
    assertThat(s.allocator().chunksCreated()).isEqualTo(2);
    for (long x : p) {
      s.free(x);
    }
    s.allocator().runBalanceWork();
    long destroyedBefore = s.allocator().chunksDestroyed();
    long flushes = m.cpus().broadcastRangeFlushes();
    long local = s.backend().localBroadcastFlushes();
    s.allocator().runBalanceWork();
    // pcpu_balance_free keeps one free chunk and destroys the other: depopulate does not flush,
    // destroy flushes the chunk's local range once (the global VA goes to vmalloc's lazy purge)
    assertThat(s.allocator().chunksDestroyed() - destroyedBefore).isEqualTo(1);
    assertThat(s.allocator().chunksDestroyed()).isEqualTo(1);
    assertThat(s.backend().localBroadcastFlushes() - local).isEqualTo(1);
    assertThat(m.cpus().broadcastRangeFlushes() - flushes).isEqualTo(1);
    assertThat(s.localArea().bytesInUse()).isEqualTo(2 * UNIT);
    assertThat(s.vmalloc().localAreas()).hasSize(2);
    m.verifyConsistent();
  }

  @Test
  void fourCpusTwoNodesEmbedWithoutTheLocalMapPageWithIt() {
    PercpuSystem off = boot(4, "arm64.numaNodes", "2", "percpu.localMap", "off");
    assertThat(off.bootLog()).containsExactly(
        "percpu: Embedded 30 pages/cpu s84248 r8192 d30440 u122880",
        "pcpu-alloc: s84248 r8192 d30440 u122880 alloc=30*4096",
        "pcpu-alloc: [0] 0 [0] 1 [1] 2 [1] 3 ");
    assertThat(off.allocator().nrGroups()).isEqualTo(2);
    off.machine().verifyConsistent();
    // pcpu_page_first_chunk builds its alloc info without a distance function: one group
    PercpuSystem on = boot(4, "arm64.numaNodes", "2", "percpu.localMap", "on");
    assertThat(on.bootLog()).containsExactly(
        "percpu: 28 4K pages/cpu s84248 r8192 d22248",
        "pcpu-alloc: s84248 r8192 d22248 u114688 alloc=28*4096",
        "pcpu-alloc: [0] 0 [0] 1 [0] 2 [0] 3 ");
    assertThat(on.allocator().nrGroups()).isEqualTo(1);
    on.machine().verifyConsistent();
  }

  @Test
  void pageFirstChunkOnRequestSitsAtTheBottomOfVmalloc() {
    PercpuSystem s = boot(4, "percpu.localMap", "off", "arm64.percpuAlloc", "page");
    Machine m = s.machine();
    // vm_area_register_early: the first free range from VMALLOC_START, i.e. right after the
    // kernel image's five early areas (the last, .data, with its guard page)
    VmStruct data = s.vmalloc().findVmArea(m.kernelImage().end() - 1);
    assertThat(data.addr() + data.size()).isEqualTo(m.kernelImage().end() + 4096);
    assertThat(s.allocator().baseAddr()).isEqualTo(data.addr() + data.size());
    VmStruct vm = s.vmalloc().findVmArea(s.allocator().baseAddr());
    assertThat(vm.caller()).isNull();
    assertThat(vm.size()).isEqualTo(4 * UNIT);
    assertThat(s.perCpuLocalOff()).isZero();
    for (int cpu = 0; cpu < 4; cpu++) {
      assertThat(m.cpu(cpu).translate(s.perCpuPtr(m.model().perCpuAreas().perCpuStart(), cpu)))
          .isNotEqualTo(Cpu.FAULT);
    }
    m.verifyConsistent();
  }

  @Test
  void embedWithTheLocalMapIsAConfigError() {
    assertThatThrownBy(() -> boot(4, "percpu.localMap", "on", "arm64.percpuAlloc", "embed"))
        .hasMessageContaining("arm64.percpuAlloc")
        .hasMessageContaining("auto|page while percpu.localMap is active");
  }
}
