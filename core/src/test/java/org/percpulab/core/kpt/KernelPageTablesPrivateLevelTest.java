package org.percpulab.core.kpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.percpulab.core.fake.FakeBackend;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.pgtable.WalkResult;
import org.percpulab.core.spi.Region;

/**
 * Private level 1 on a bare fake 4K/48-bit engine (top-level entries of 512 GiB, level-1 entries of
 * 1 GiB): the local area is level-1 entries 7 and 8 of top-level slot 510, the rest of slot 510 is
 * shared through per-CPU level-1 copies (arm64 16K/48-bit and 4K/52-bit in miniature).
 */
class KernelPageTablesPrivateLevelTest {
  private static final long G = 1L << 30;
  private static final long SLOT = 0xffffff0000000000L;
  private static final long LOCAL = SLOT + 7 * G;
  private static final long PA = FakeBackend.PHYS_OFFSET;

  private static KernelPageTables kpt(int cpus) {
    PageTableEngine e = FakeBackend.engine(12, new int[] {9, 9, 9, 9}, true, false, 64L << 20);
    return new KernelPageTables(e, cpus, new Region("local", LOCAL, LOCAL + 2 * G), 1);
  }

  @Test
  void bootBuildsPerCpuPathCopies() {
    KernelPageTables k = kpt(4);
    PageTableEngine e = k.engine();
    assertThat(k.privateLevel()).isEqualTo(1);
    assertThat(k.privateRanges()).containsExactly(new Region("private", LOCAL, LOCAL + 2 * G));
    assertThat(k.isPrivateSlot(510)).isTrue();
    assertThat(k.isPrivateSlot(509)).isFalse();
    assertThat(k.isPrivate(LOCAL - 1)).isFalse();
    assertThat(k.isPrivate(LOCAL)).isTrue();
    assertThat(k.isPrivate(LOCAL + 2 * G - 1)).isTrue();
    assertThat(k.isPrivate(LOCAL + 2 * G)).isFalse();
    assertThat(k.sharedTablePages()).as("swapper pgd + its level-1 path table").isEqualTo(2);
    assertThat(k.perCpuTablePages(0)).isEqualTo(4);
    assertThat(k.perCpuTablePages(1)).isEqualTo(4);
    assertThat(k.perCpuTablePages()).isEqualTo(8);
    for (int c = 0; c < 4; c++) {
      assertThat(k.pathTableOf(c, 0)).isEqualTo(k.pgdOf(c));
      assertThat(e.ownerOf(k.pathTableOf(c, 1))).isEqualTo(c);
      assertThat(e.format().address(0, e.mem().read64(k.pgdOf(c) + 8L * 510)))
          .isEqualTo(k.pathTableOf(c, 1));
      assertThat(e.allocator().tablePagesOfCpu(c)).isEqualTo(2);
    }
    assertThat(e.format().address(0, e.mem().read64(k.swapperPgd() + 8L * 510)))
        .isEqualTo(k.swapperPathTable(1));
    k.verifyConsistent();
  }

  @Test
  void sharedChangesInThePathSlotAreSyncedAtLevelOne() {
    KernelPageTables k = kpt(8);
    PageTableEngine e = k.engine();
    long va = SLOT + 3 * G;
    long reads0 = e.reads();
    long writes0 = e.writes();
    int r = k.mapShared(va, PA, 4096, 1, 12);
    // the walk reads 4 entries and writes 3 (level-1, level-2 table entries and the PTE); the sync
    // reads swapper's and CPU 0's level-1 entry once and writes the 8 copies
    assertThat(e.reads() - reads0).as("descriptor reads").isEqualTo(4 + 2);
    assertThat(e.writes() - writes0).as("descriptor writes").isEqualTo(3 + 8);
    assertThat(r & PageTableEngine.PGTBL_PGD_MODIFIED).as("pgd untouched").isZero();
    assertThat(r & e.modBit(1)).as("level-1 entry written").isNotZero();
    assertThat(k.syncedEntries(0)).isZero();
    assertThat(k.syncedEntries(1)).as("one level-1 entry x 8 CPUs").isEqualTo(8);
    k.verifyConsistent();
    for (int c = 0; c < 8; c++) {
      assertThat(e.translate(k.pgdOf(c), va + 5)).as("cpu %d", c).isEqualTo(PA + 5);
    }
    long writes = e.writes();
    assertThat(k.mapShared(va + 4096, PA, 4096, 1, 12) & e.modBit(1)).isZero();
    assertThat(k.syncedEntries()).as("same level-1 entry: nothing synced").isEqualTo(8);
    assertThat(e.writes() - writes).as("only the PTE written").isEqualTo(1);
    // a top-level change elsewhere syncs level 0 only
    long other = 0xffff400000000000L;
    assertThat(k.mapShared(other, PA, 4096, 1, 12) & PageTableEngine.PGTBL_PGD_MODIFIED)
        .isNotZero();
    assertThat(k.syncedEntries(0)).isEqualTo(8);
    assertThat(k.syncedEntries(1)).isEqualTo(8);
    // hot-remove style: clearing the level-1 entry reaches every CPU's copy
    k.unmapShared(va, 8192);
    assertThat(k.freeEmptyShared(va, G) & e.modBit(1)).isNotZero();
    assertThat(k.syncedEntries(1)).isEqualTo(16);
    k.verifyConsistent();
    for (int c = 0; c < 8; c++) {
      WalkResult w = e.walk(k.pgdOf(c), va);
      assertThat(w).isInstanceOf(WalkResult.Fault.class);
      assertThat(w.steps()).as("faults at level 1 on cpu %d", c).hasSize(2);
    }
    assertThat(k.sharedTablePages()).as("swapper path tables + the other slot's 3")
        .isEqualTo(2 + 3);
  }

  @Test
  void blocksAndRangesAcrossTopSlotsSyncEveryLevelTheyChange() {
    KernelPageTables k = kpt(4);
    PageTableEngine e = k.engine();
    long block = SLOT + 10 * G;
    int r = k.mapShared(block, PA & -G, G, 1, 63);
    assertThat(r).as("a 1 GiB block in the level-1 path table").isEqualTo(e.modBit(1));
    k.verifyConsistent();
    for (int c = 0; c < 4; c++) {
      assertThat(e.translate(k.pgdOf(c), block + 0x1234)).isEqualTo((PA & -G) + 0x1234);
      assertThat(e.fastLevel()).isEqualTo(1);
    }
    assertThat(k.unmapShared(block, G)).isEqualTo(e.modBit(1));
    k.verifyConsistent();
    assertThat(e.translate(k.pgdOf(3), block)).isEqualTo(-1);
    // a range from slot 509 into slot 510: new pgd entry and new level-1 entry, both synced
    long from = SLOT - 4096;
    r = k.mapShared(from, PA, 8192, 1, 12);
    assertThat(r & PageTableEngine.PGTBL_PGD_MODIFIED).isNotZero();
    assertThat(r & e.modBit(1)).isNotZero();
    assertThat(k.syncedEntries(0)).isEqualTo(4);
    assertThat(k.syncedEntries(1)).as("block map, block unmap, slot-510 table").isEqualTo(12);
    k.verifyConsistent();
    for (int c = 0; c < 4; c++) {
      assertThat(e.translate(k.pgdOf(c), from)).isEqualTo(PA);
      assertThat(e.translate(k.pgdOf(c), SLOT)).isEqualTo(PA + 4096);
    }
  }

  @Test
  void privateEntriesAreGuardedAndSeenOnlyByTheirCpu() {
    KernelPageTables k = kpt(4);
    PageTableEngine e = k.engine();
    assertThatThrownBy(() -> k.mapShared(LOCAL + G, PA, 4096, 1, 12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shared mapping [0xffffff0200000000, +0x1000) overlaps the private percpu local "
            + "area slots");
    assertThatThrownBy(() -> k.mapShared(LOCAL - 4096, PA, 8192, 1, 12))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> k.unmapShared(SLOT, 512 * G))
        .as("the whole path slot contains the private entries")
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(k.mapShared(LOCAL + 2 * G, PA, 4096, 1, 12)).isPositive();
    assertThat(k.mapShared(LOCAL - 4096, PA, 4096, 1, 12)).isPositive();
    assertThatThrownBy(() -> k.mapPrivate(0, LOCAL - 4096, PA, 4096, 1, 12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("private mapping [0xffffff01bffff000, +0x1000) outside the percpu "
            + "local area");
    assertThat(k.mapPrivate(1, LOCAL + G + 4096, PA + 4096, 4096, 1, 12)).isPositive();
    k.verifyConsistent();
    assertThat(e.translate(k.pgdOf(1), LOCAL + G + 4096)).isEqualTo(PA + 4096);
    assertThat(e.translate(k.pgdOf(0), LOCAL + G + 4096)).isEqualTo(-1);
    assertThat(e.translate(k.swapperPgd(), LOCAL + G + 4096)).isEqualTo(-1);
    assertThat(e.allocator().tablePagesOfCpu(1)).as("pgd + level-1 copy + PMD + PTE").isEqualTo(4);
    assertThat(e.allocator().tablePagesOfCpu(0)).as("pgd + level-1 copy").isEqualTo(2);
    assertThat(k.syncedEntries(1)).as("private maps sync nothing; two shared level-1 entries")
        .isEqualTo(8);
    k.unmapPrivate(1, LOCAL + G + 4096, 4096);
    k.freeEmptyPrivate(1, LOCAL, 2 * G);
    assertThat(e.allocator().tablePagesOfCpu(1)).as("path copies stay").isEqualTo(2);
    k.verifyConsistent();
  }

  @Test
  void verifyConsistentNamesTheFirstDivergenceAtEveryPathLevel() {
    KernelPageTables k = kpt(4);
    PageTableEngine e = k.engine();
    long l1 = k.pathTableOf(2, 1);
    e.mem().write64(l1 + 8L * 300, 0x1234001L);
    assertThatThrownBy(k::verifyConsistent).isInstanceOf(IllegalStateException.class)
        .hasMessage("CPU 2 level-1 entry 300 = 0x1234001 differs from swapper's 0x0");
    e.mem().write64(l1 + 8L * 300, 0);
    long good = e.mem().read64(k.pgdOf(3) + 8L * 510);
    e.mem().write64(k.pgdOf(3) + 8L * 510, e.mem().read64(k.swapperPgd() + 8L * 510));
    assertThatThrownBy(k::verifyConsistent).isInstanceOf(IllegalStateException.class)
        .hasMessage("CPU 3 top-level entry 510 = 0x" + Long.toHexString(e.format().table(0,
            k.swapperPathTable(1))) + " does not lead to its level-1 path table 0x"
            + Long.toHexString(k.pathTableOf(3, 1)));
    e.mem().write64(k.pgdOf(3) + 8L * 510, good);
    k.verifyConsistent();
    assertThat(k.mapPrivate(1, LOCAL, PA, 4096, 1, 12)).isPositive();
    e.mem().write64(k.pathTableOf(3, 1) + 8L * 7, e.mem().read64(k.pathTableOf(1, 1) + 8L * 7));
    assertThatThrownBy(k::verifyConsistent).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("private level-1 slot 7 of CPU 3 reaches level-2 table")
        .hasMessageEndingWith("owned by CPU 1");
    e.mem().write64(k.pathTableOf(3, 1) + 8L * 7, 0);
    e.mem().write64(k.swapperPathTable(1) + 8L * 8, e.mem().read64(k.pathTableOf(1, 1) + 8L * 7));
    assertThatThrownBy(k::verifyConsistent).isInstanceOf(IllegalStateException.class)
        .hasMessage("swapper maps private level-1 slot 8");
  }

  @Test
  void badPrivateLevelsAreRejected() {
    PageTableEngine e = FakeBackend.engine(12, new int[] {9, 9, 9, 9}, true, false, 16L << 20);
    assertThatThrownBy(() -> new KernelPageTables(e, 2, new Region("local", SLOT - G, SLOT + G), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("local area Region[name=local, start=" + (SLOT - G) + ", end=" + (SLOT + G)
            + "] spans more than one level-0 entry but its private level is 1");
    assertThatThrownBy(() -> new KernelPageTables(e, 2, new Region("local", LOCAL, LOCAL + G), 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("privateLevel 3 not in 0..2");
  }

  @Test
  void bootOutOfMemoryNamesTheTable() {
    PageTableEngine e = FakeBackend.engine(12, new int[] {9, 9, 9, 9}, true, false, 15L << 12);
    assertThatThrownBy(() -> new KernelPageTables(e, 8, new Region("local", LOCAL, LOCAL + G), 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("out of memory allocating the level-1 path table of CPU 6 (raise mm.memory)");
  }
}
