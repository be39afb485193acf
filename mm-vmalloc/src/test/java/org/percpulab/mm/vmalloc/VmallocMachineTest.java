package org.percpulab.mm.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.testkit.TestMachines;

/** vmalloc on a booted arm64 machine: real page tables, page allocator and TLB flushes. */
class VmallocMachineTest {

  @Test
  void bootListsTheKernelImageAndPcpuChunkLandsBelowVmallocEnd() {
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", "4", "percpu.localMap", "off"));
    Vmalloc v = Vmalloc.boot(m);
    assertThat(v.vmallocStart()).isEqualTo(0xffff800080000000L);
    assertThat(v.vmallocEnd()).isEqualTo(0xfffffdffbf800000L);
    String info = VmallocInfo.render(v);
    assertThat(info.lines().findFirst().orElseThrow())
        .matches(VmallocInfoTest.KERNEL_LINE)
        .startsWith("0xffff800080000000-")
        .contains(" paging_init+0x0/0x100 phys=0x")
        .endsWith(" vmap");
    VmStruct[] c = v.pcpuGetVmAreas(new long[] {0}, new long[] {4 * 122880}, 4096);
    assertThat(c[0].addr()).isEqualTo(0xfffffdffbf788000L);
  }

  @Test
  void withTheLocalMapVmallocEndsBelowTheLocalArea() {
    // arm64 cuts the local area out of the top of vmalloc: VMALLOC_END = 0xfffffd0000000000 (4K/48)
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", "4", "percpu.localMap", "on"));
    Vmalloc v = Vmalloc.boot(m);
    assertThat(v.vmallocEnd()).isEqualTo(0xfffffd0000000000L);
    VmStruct[] c = v.pcpuGetVmAreas(new long[] {0}, new long[] {4 * 122880}, 4096);
    assertThat(c[0].addr()).isEqualTo(0xfffffcffffF88000L);
    long local = m.kpt().localArea().start();
    v.registerLocalArea(local, local + 122880, "chunk1", Caller.of("pcpu_create_chunk"));
    assertThat(VmallocInfo.render(v).lines().filter(l -> l.endsWith(" percpu-local")))
        .containsExactly(String.format(
            "0x%016x-0x%016x  122880 pcpu_create_chunk+0x0/0x100 chunk=chunk1 percpu-local",
            local, local + 122880));
  }

  @Test
  void vmallocMapsRealPagesAndVfreePurgeLeavesNoLeak() {
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", "4"));
    Vmalloc v = Vmalloc.boot(m);
    var before = m.allocator().snapshot();
    long a = v.vmalloc(3 * 4096, Caller.of("t"));
    VmStruct vm = v.findVmArea(a);
    for (int i = 0; i < 3; i++) {
      assertThat(m.engine().translate(m.kpt().swapperPgd(), a + i * 4096L + 8))
          .isEqualTo((vm.pfn(i) << 12) + 8);
    }
    assertThat(m.engine().translate(m.kpt().swapperPgd(), a + 3 * 4096L)).isEqualTo(-1);
    long flushesBefore = m.cpus().broadcastRangeFlushes();
    v.vfree(a);
    assertThat(m.engine().translate(m.kpt().swapperPgd(), a)).isEqualTo(-1);
    assertThat(m.cpus().broadcastRangeFlushes()).isEqualTo(flushesBefore);
    v.purgeVmapAreaLazy();
    assertThat(m.cpus().broadcastRangeFlushes()).isEqualTo(flushesBefore + 1);
    // page-table pages stay (vunmap never frees tables); the vmalloc pages are all back
    assertThat(m.allocator().allocatedSince(before)).allSatisfy(
        al -> assertThat(al.purpose().isPageTable()).isTrue());
    m.verifyConsistent();
  }

  @Test
  void hugeVmallocMapsPmdBlocksOnArm64() {
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", "2"));
    Vmalloc v = Vmalloc.boot(m);
    long a = v.vmallocHuge(4L << 20, Caller.of("t"));
    assertThat(a & ((2L << 20) - 1)).isZero();
    var w = m.engine().walk(m.kpt().swapperPgd(), a + 12345);
    assertThat(v.findVmArea(a).pageOrder()).isEqualTo(9);
    assertThat(w.toString()).isNotEmpty();
    m.engine().translate(m.kpt().swapperPgd(), a + 12345);
    assertThat(m.engine().fastLevel()).isEqualTo(m.geometry().levels() - 2);
  }

  @Test
  void mappingHelpersTakeAPgd() {
    // local map on: a CPU's private pgd covers the local area; swapper covers vmalloc space
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", "2", "percpu.localMap", "on"));
    Vmalloc v = Vmalloc.boot(m);
    VmStruct[] c = v.pcpuGetVmAreas(new long[] {0}, new long[] {2 * 8 * 4096}, 4096);
    long pfn = m.allocator().allocPage(org.percpulab.core.mem.PagePurpose.percpu(1));
    long local = m.kpt().localArea().start();
    long cpu1 = m.kpt().pgdOf(1);
    assertThat(v.vmapPagesRangeNoflush(cpu1, local, new long[] {pfn}, 0, 1,
        org.percpulab.core.spi.ProtKind.KERNEL)).isPositive();
    assertThat(v.vmapPagesRangeNoflush(v.host().swapperPgd(), c[0].addr(), new long[] {pfn}, 0, 1,
        org.percpulab.core.spi.ProtKind.KERNEL)).isPositive();
    assertThat(m.engine().translate(cpu1, local)).isEqualTo(pfn << 12);
    assertThat(m.engine().translate(m.kpt().pgdOf(0), local)).isEqualTo(-1);
    // the shared mapping is visible through every CPU's table
    assertThat(m.engine().translate(m.kpt().pgdOf(0), c[0].addr())).isEqualTo(pfn << 12);
    long flushes = m.cpus().broadcastRangeFlushes();
    v.vunmapRangeNoflush(cpu1, local, local + 4096);
    v.vunmapRangeNoflush(v.host().swapperPgd(), c[0].addr(), c[0].addr() + 4096);
    assertThat(m.cpus().broadcastRangeFlushes()).isEqualTo(flushes);
    v.flushTlbKernelRange(local, local + 4096);
    assertThat(m.cpus().broadcastRangeFlushes()).isEqualTo(flushes + 1);
    assertThat(m.engine().translate(cpu1, local)).isEqualTo(-1);
    m.allocator().freePages(pfn, 0);
    m.verifyConsistent();
  }

  @Test
  void everyInjectedPageAllocationFailureGivesNullAndLeaksNothing() {
    // a 64-page vmalloc at a fresh PMD: 64 data pages plus the PTE table the mapping needs
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", "4", "percpu.localMap", "off"));
    Vmalloc v = Vmalloc.boot(m);
    int failures = 0;
    for (int n = 1; n <= 80; n++) {
      var before = m.allocator().snapshot();
      String mapBefore = VmallocInfo.render(v, false);
      m.allocator().failNth(n);
      long a = v.vmalloc(64 * 4096, Caller.of("inject"));
      m.allocator().clearFailures();
      if (a == 0) {
        failures++;
        // only the failed area's VA on the lazy list; every page back; no live area added
        assertThat(m.allocator().allocatedSince(before)).as("n=%d", n)
            .allSatisfy(al -> assertThat(al.purpose().isPageTable()).isTrue());
        assertThat(v.allocator().busyCount()).as("n=%d: five segments", n)
            .isEqualTo(5);
        assertThat(VmallocInfo.render(v, false)).as("n=%d", n).startsWith(mapBefore)
            .endsWith(" unpurged vm_area\n");
      } else {
        v.vfree(a);
      }
      v.reclaimAndPurge();
      assertThat(v.allocator().checkInvariants()).isNull();
      m.verifyConsistent();
    }
    assertThat(failures).isGreaterThanOrEqualTo(64);
    assertThat(v.vmallocPages()).isZero();
  }
}
