package org.percpulab.core.kpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.fake.FakeBackend;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.pgtable.WalkResult;
import org.percpulab.core.testkit.TestMachines;

/**
 * Fake 4K/48-bit layout (top-level entries of 512 GiB): linear = entries 0..127, vmalloc =
 * 128..509, percpu local area = entry 510, fixmap = 511.
 */
class KernelPageTablesTest {
  private static final long VMALLOC = 0xffff400000000000L;
  private static final long LOCAL = 0xffffff0000000000L;

  private static Machine boot(int cpus) {
    return TestMachines.boot(new FakeBackend(), Map.of("cpus", Integer.toString(cpus)));
  }

  @Test
  void newSharedTopLevelEntryIsSyncedToEveryCpu() {
    Machine m = boot(8);
    KernelPageTables k = m.kpt();
    assertThat(k.privateRanges()).hasSize(1);
    assertThat(k.privateRanges().get(0).start()).isEqualTo(LOCAL);
    long va = VMALLOC + (3L << 39);
    long synced = k.syncedEntries();
    int r = k.mapShared(va, m.mem().startPa(), 4096, 1, 12);
    assertThat(r & PageTableEngine.PGTBL_PGD_MODIFIED).isNotZero();
    assertThat(k.syncedEntries() - synced).as("one new top-level entry x 8 CPUs").isEqualTo(8);
    k.verifyConsistent();
    for (int c = 0; c < 8; c++) {
      assertThat(m.cpu(c).translate(va + 5)).isEqualTo(m.mem().startPa() + 5);
    }
    // a second page under the same top-level entry changes no top-level entry: no sync writes
    long before = k.syncedEntries();
    assertThat(k.mapShared(va + 4096, m.mem().startPa(), 4096, 1, 12)
        & PageTableEngine.PGTBL_PGD_MODIFIED).isZero();
    assertThat(k.syncedEntries()).isEqualTo(before);
    // hot-remove style: unmap and free the tables: the cleared top-level entry reaches every CPU
    k.unmapShared(va, 8192);
    assertThat(k.freeEmptyShared(va, 1L << 39) & PageTableEngine.PGTBL_PGD_MODIFIED).isNotZero();
    k.verifyConsistent();
    assertThat(m.engine().walk(k.pgdOf(5), va)).isInstanceOf(WalkResult.Fault.class);
    assertThat(m.engine().walk(k.pgdOf(5), va).steps()).hasSize(1);
  }

  @Test
  void privateMappingsAreSeenOnlyByTheirCpu() {
    Machine m = boot(4);
    KernelPageTables k = m.kpt();
    long p1 = m.allocator().allocPage(PagePurpose.percpu(1));
    assertThat(k.mapPrivatePages(1, LOCAL, new long[] {p1}, 0, 1, 1)).isPositive();
    k.verifyConsistent();
    assertThat(m.cpu(1).translate(LOCAL)).isEqualTo(p1 << 12);
    assertThat(m.cpu(0).translate(LOCAL)).isEqualTo(-1);
    assertThat(m.engine().walk(k.swapperPgd(), LOCAL)).isInstanceOf(WalkResult.Fault.class);
    assertThat(m.allocator().tablePagesOfCpu(1)).as("pgd + PUD + PMD + PTE").isEqualTo(4);
    assertThat(m.allocator().tablePagesOfCpu(0)).as("pgd only").isEqualTo(1);
    assertThatThrownBy(() -> k.mapShared(LOCAL, 0, 4096, 1, 12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shared mapping [0xffffff0000000000, +0x1000) overlaps the private percpu local "
            + "area slots");
    assertThatThrownBy(() -> k.mapPrivate(0, VMALLOC, 0, 4096, 1, 12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("private mapping [0xffff400000000000, +0x1000) outside the percpu "
            + "local area");
  }

  @Test
  void verifyConsistentNamesTheFirstDivergence() {
    Machine m = boot(4);
    KernelPageTables k = m.kpt();
    long pgd2 = k.pgdOf(2);
    m.mem().write64(pgd2 + 8L * 300, 0x1234001L);
    assertThatThrownBy(k::verifyConsistent).isInstanceOf(IllegalStateException.class)
        .hasMessage("CPU 2 top-level entry 300 = 0x1234001 differs from swapper's 0x0");
    m.mem().write64(pgd2 + 8L * 300, 0);
    k.verifyConsistent();
    // CPU 3's private slot pointing at CPU 1's table
    long p1 = m.allocator().allocPage(PagePurpose.percpu(1));
    k.mapPrivatePages(1, LOCAL, new long[] {p1}, 0, 1, 1);
    m.mem().write64(k.pgdOf(3) + 8L * 510, m.mem().read64(k.pgdOf(1) + 8L * 510));
    assertThatThrownBy(k::verifyConsistent).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("private slot 510 of CPU 3 reaches level-1 table")
        .hasMessageEndingWith("owned by CPU 1");
  }

  @Test
  void gateOffCreatesNothingPerCpu() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "64", "percpu.localMap",
        "off"));
    KernelPageTables k = m.kpt();
    assertThat(k.localMapActive()).isFalse();
    assertThat(k.privateRanges()).isEmpty();
    assertThat(k.pgdOf(63)).isEqualTo(k.swapperPgd());
    assertThat(m.allocator().perCpuTablePages()).isZero();
    assertThatThrownBy(() -> k.mapPrivate(0, LOCAL, 0, 4096, 1, 12))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the local percpu map is not active: no private ranges");
    long va = VMALLOC + (7L << 39);
    k.mapShared(va, m.mem().startPa(), 4096, 1, 12);
    assertThat(k.syncCalls()).as("no sync work when off").isZero();
  }
}
