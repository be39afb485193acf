package org.percpulab.core.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.fake.FakeBackend;
import org.percpulab.core.testkit.TestMachines;

class MachineBootTest {

  @Test
  void bootsFakeWithLocalMapAndFourCpus() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "4"));
    assertThat(m.localMapActive()).isTrue();
    assertThat(m.gate().reason()).isEmpty();
    m.verifyConsistent();
    // 4K/48-bit, 4 levels: linear map 4 GiB = 4 PUD blocks of 1 GiB (1 PUD table);
    // kernel image 32 MiB at page granularity: 1 PUD + 1 PMD + 16 PTE tables; plus swapper.
    assertThat(m.allocator().sharedTablePages(0)).isEqualTo(1);
    assertThat(m.allocator().sharedTablePages(1)).isEqualTo(2);
    assertThat(m.allocator().sharedTablePages(2)).isEqualTo(1);
    assertThat(m.allocator().sharedTablePages(3)).isEqualTo(16);
    assertThat(m.allocator().perCpuTablePages()).isEqualTo(4);
    for (int c = 0; c < 4; c++) {
      assertThat(m.cpu(c).translationBase()).isEqualTo(m.kpt().pgdOf(c));
      assertThat(m.kpt().pgdOf(c)).isNotEqualTo(m.kpt().swapperPgd());
    }
  }

  /** Geometry says what may be a block; linearMapMaxShift says what the linear map uses. */
  @Test
  void linearMapFollowsTheBackendsPolicyNotJustTheGeometry() {
    Machine blocks = TestMachines.boot(new FakeBackend(), Map.of("mm.memory", "64M"));
    Machine pages = TestMachines.boot(new FakeBackend(), Map.of("mm.memory", "64M",
        "fake.linearPages", "true"));
    long lm = blocks.linearMap().start();
    long size = blocks.linearMap().size();
    assertThat(org.percpulab.core.testkit.PageTableChecks.leaves(blocks.engine(),
        blocks.kpt().swapperPgd(), lm, size)).as("2 MiB blocks").hasSize(32);
    assertThat(org.percpulab.core.testkit.PageTableChecks.leaves(pages.engine(),
        pages.kpt().swapperPgd(), lm, size)).as("4 KiB pages").hasSize(16384)
        .allMatch(l -> l.level() == 3);
    assertThat(pages.geometry()).isEqualTo(blocks.geometry());
  }

  @Test
  void localMapOffHasNoPerCpuTables() {
    Machine on = TestMachines.boot(new FakeBackend(), Map.of("cpus", "160"));
    Machine off = TestMachines.boot(new FakeBackend(), Map.of("cpus", "160",
        "percpu.localMap", "off"));
    Machine none = TestMachines.boot(FakeBackend.withoutLocalMap(), Map.of("cpus", "160"));
    assertThat(off.localMapActive()).isFalse();
    assertThat(off.allocator().perCpuTablePages()).isZero();
    assertThat(none.allocator().perCpuTablePages()).isZero();
    assertThat(on.allocator().perCpuTablePages()).isEqualTo(160);
    assertThat(off.allocator().sharedTablePages()).isEqualTo(none.allocator().sharedTablePages());
    assertThat(off.allocator().allocatedPages()).isEqualTo(none.allocator().allocatedPages());
    assertThat(on.allocator().sharedTablePages()).isEqualTo(off.allocator().sharedTablePages());
    assertThat(none.gate().reason()).isEqualTo(
        "backend fake-nolocal does not select HAVE_LOCAL_PER_CPU_MAP");
  }

  @Test
  void localMapOnIsRejectedWhereImpossible() {
    assertThatThrownBy(() -> TestMachines.boot(FakeBackend.withoutLocalMap(),
        Map.of("percpu.localMap", "on")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config key 'percpu.localMap': value 'on' is not allowed; allowed: auto|off "
            + "(backend fake-nolocal does not select HAVE_LOCAL_PER_CPU_MAP)");
    assertThatThrownBy(() -> TestMachines.boot(new FakeBackend(), Map.of("percpu.localMap", "on",
        "topology.threadsPerCore", "2", "tlb.shared", "smt")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config key 'percpu.localMap': value 'on' is not allowed; allowed: "
            + "auto|off|force (refused: SMT siblings share a TLB)");
    Machine auto = TestMachines.boot(new FakeBackend(), Map.of(
        "topology.threadsPerCore", "2", "tlb.shared", "smt"));
    assertThat(auto.localMapActive()).isFalse();
    assertThat(auto.gate().reason()).isEqualTo("SMT siblings share a TLB");
    assertThat(auto.cpus().tlbs()).hasSize(2);
  }

  @Test
  void forcedLocalMapWithSmtSharedTlbShowsTheWrongCopyAccess() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "2", "percpu.localMap", "force",
        "topology.threadsPerCore", "2", "tlb.shared", "smt"));
    assertThat(m.localMapActive()).isTrue();
    assertThat(m.gate().reason()).isEqualTo("forced although refused: SMT siblings share a TLB");
    assertThat(m.cpu(0).tlb()).isSameAs(m.cpu(1).tlb());
    long local = m.kpt().localArea().start();
    long[] pfn = new long[2];
    for (int c = 0; c < 2; c++) {
      pfn[c] = m.allocator().allocPage(org.percpulab.core.mem.PagePurpose.percpu(c));
      assertThat(m.kpt().mapPrivatePages(c, local, pfn, c, 1, 1)).isPositive();
    }
    m.verifyConsistent();
    assertThat(m.cpu(0).translate(local)).isEqualTo(pfn[0] << 12);
    assertThat(m.cpu(1).translate(local)).as("CPU 1 hits CPU 0's global TLB entry")
        .isEqualTo(pfn[0] << 12);
    m.cpus().flushLocalAll(1);
    assertThat(m.cpu(1).translate(local)).isEqualTo(pfn[1] << 12);
  }

  @Test
  void fourThousandNinetySixCpusFitWithOneTopLevelTableEach() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "4096"));
    assertThat(m.allocator().perCpuTablePages()).isEqualTo(4096);
    assertThat(m.allocator().tablePagesOfCpu(4095, 0)).isEqualTo(1);
    m.verifyConsistent();
    // only written pages hold memory: swapper, 4096 copies of it, and the boot tables
    assertThat(m.mem().residentPages()).isEqualTo(4096 + 1 + 2 + 1 + 16);
  }
}
