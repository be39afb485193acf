package org.percpulab.core.pgtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.percpulab.core.pgtable.PageTableEngine.EBUSY;
import static org.percpulab.core.pgtable.PageTableEngine.ENOMEM;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.percpulab.core.fake.FakeBackend;
import org.percpulab.core.mem.PagePurpose;

class PageTableEngineTest {
  private static final long RAM = 1L << 30;
  private static final long PA = FakeBackend.PHYS_OFFSET;
  /** Kernel half base of a 4K/48-bit table. */
  private static final long K48 = 0xffff000000000000L;

  private static PageTableEngine e4() {
    return FakeBackend.engine(12, new int[] {9, 9, 9, 9}, true, false, RAM);
  }

  @Test
  void modMaskBitsFollowTheKernelsFoldedLevelNames() {
    PageTableEngine e3 = FakeBackend.engine(12, new int[] {9, 9, 9}, true, false, RAM);
    assertThat(e3.kernelLevelName(0)).isEqualTo("PGD");
    assertThat(e3.kernelLevelName(1)).isEqualTo("PMD");
    assertThat(e3.kernelLevelName(2)).isEqualTo("PTE");
    long pgd = e3.newPgd(PagePurpose.SHARED);
    long va = -(1L << 39);
    assertThat(e3.mapRange(pgd, va, PA, 4096, 1, 12))
        .isEqualTo(PageTableEngine.PGTBL_PGD_MODIFIED | PageTableEngine.PGTBL_PMD_MODIFIED
            | PageTableEngine.PGTBL_PTE_MODIFIED);
    assertThat(e3.mapRange(pgd, va + 4096, PA, 4096, 1, 12)).isEqualTo(
        PageTableEngine.PGTBL_PTE_MODIFIED);
    PageTableEngine e5 = FakeBackend.engine(12, new int[] {9, 9, 9, 9, 9}, true, false, RAM);
    assertThat(new int[] {e5.modBit(0), e5.modBit(1), e5.modBit(2), e5.modBit(3), e5.modBit(4)})
        .containsExactly(1, 2, 4, 8, 16);
    PageTableEngine e2 = FakeBackend.engine(14, new int[] {11, 11}, true, false, RAM);
    assertThat(e2.kernelLevelName(0) + e2.kernelLevelName(1)).isEqualTo("PGDPTE");
  }

  @Test
  void blocksWhereAlignmentLevelAndMaxShiftAllow() {
    PageTableEngine e = e4();
    long pgd = e.newPgd(PagePurpose.SHARED);
    long va = K48 + (1L << 30);
    // 1 GiB + 2 MiB + 4 KiB at an aligned VA/PA: one PUD block, one PMD block, one PTE
    long size = (1L << 30) + (2L << 20) + 4096;
    int r = e.mapRange(pgd, va, PA, size, 1, 63);
    assertThat(r).isEqualTo(1 | 4 | 8 | 16);
    List<String> leaves = new ArrayList<>();
    e.visit(pgd, va, size, new RangeVisitor() {
      @Override public void leaf(int level, long a, long s, long entry) {
        leaves.add(level + ":" + Long.toHexString(a) + "+" + Long.toHexString(s));
      }

      @Override public void empty(int level, long a, long s) { }
    });
    assertThat(leaves.get(0)).isEqualTo("1:ffff000040000000+40000000");
    assertThat(leaves.get(1)).isEqualTo("2:ffff000080000000+200000");
    assertThat(leaves.get(2)).isEqualTo("3:ffff000080200000+1000");
    assertThat(leaves).hasSize(3);
    // max shift 21 forbids the 1 GiB block: 512 PMD blocks instead
    long pgd2 = e.newPgd(PagePurpose.SHARED);
    e.mapRange(pgd2, va, PA, 1L << 30, 1, 21);
    WalkResult w = e.walk(pgd2, va + 0x12345);
    assertThat(w).isInstanceOf(WalkResult.Translation.class);
    WalkResult.Translation t = (WalkResult.Translation) w;
    assertThat(t.level()).isEqualTo(2);
    assertThat(t.pa()).isEqualTo(PA + 0x12345);
    assertThat(t.leafSize()).isEqualTo(2L << 20);
    assertThat(t.steps()).extracting(WalkStep::index).containsExactly(0, 1, 0);
    // misaligned PA: pages only
    long pgd3 = e.newPgd(PagePurpose.SHARED);
    e.mapRange(pgd3, va, PA + 4096, 2L << 20, 1, 63);
    assertThat(((WalkResult.Translation) e.walk(pgd3, va)).level()).isEqualTo(3);
  }

  @Test
  void busyAndOutOfMemoryLeaveEveryMappingAsBefore() {
    PageTableEngine e = e4();
    long pgd = e.newPgd(PagePurpose.SHARED);
    long va = K48 + (1L << 30);
    assertThat(e.mapRange(pgd, va + 5 * 4096, PA, 4096, 1, 12)).isPositive();
    long before = e.allocator().allocatedPages();
    // remapping an already mapped page: -EBUSY, the four pages written first are cleared again
    assertThat(e.mapRange(pgd, va, PA, 8 * 4096, 1, 12)).isEqualTo(EBUSY);
    for (int i = 0; i < 8; i++) {
      assertThat(e.walk(pgd, va + i * 4096L)).as("page %d", i)
          .isInstanceOf(i == 5 ? WalkResult.Translation.class : WalkResult.Fault.class);
    }
    assertThat(e.allocator().allocatedPages()).isEqualTo(before);
    // OOM allocating the PTE table of the second 2 MiB: the last PTEs of the first are rolled back,
    // its tables stay linked
    e.allocator().failWhen(p -> p.level() == 3);
    long va2 = va + (2L << 20) - 4096;
    assertThat(e.mapRange(pgd, va2 - 4096, PA, 4 * 4096, 1, 12)).isEqualTo(ENOMEM);
    assertThat(e.lastModMask() & 16).as("rolled-back PTEs reported").isEqualTo(16);
    e.allocator().clearFailures();
    assertThat(e.walk(pgd, va2 - 4096)).isInstanceOf(WalkResult.Fault.class);
    assertThat(e.walk(pgd, va2)).isInstanceOf(WalkResult.Fault.class);
    assertThat(e.allocator().allocatedPages()).isEqualTo(before);
  }

  @Test
  void unmapClearsBlocksWholeAndKeepsTablesUntilFreed() {
    PageTableEngine e = e4();
    long pgd = e.newPgd(PagePurpose.SHARED);
    long va = K48 + (1L << 30);
    e.mapRange(pgd, va, PA, 2L << 20, 1, 63);
    e.mapRange(pgd, va + (2L << 20), PA, 4096, 1, 63);
    long tables = e.allocator().sharedTablePages();
    assertThat(tables).isEqualTo(4);
    assertThat(e.unmapRange(pgd, va + 4096, 4096)).as("PMD block cleared whole").isEqualTo(8);
    assertThat(e.walk(pgd, va)).isInstanceOf(WalkResult.Fault.class);
    assertThat(e.unmapRange(pgd, va + (2L << 20), 4096)).isEqualTo(16);
    assertThat(e.allocator().sharedTablePages()).as("vunmap frees no tables").isEqualTo(tables);
    assertThat(e.freeEmptyTables(pgd, va, 4L << 20)).as("PTE table only (PMD spans 1 GiB)")
        .isEqualTo(8);
    assertThat(e.allocator().sharedTablePages()).isEqualTo(3);
    assertThat(e.freeEmptyTables(pgd, K48, 1L << 39)).isEqualTo(1 | 4);
    assertThat(e.allocator().sharedTablePages()).isEqualTo(1);
    assertThat(e.tableEmpty(0, pgd)).isTrue();
  }

  @Test
  void bigAndSmallTablesAndNonZeroNone() {
    // s390-like: 2048-entry upper tables (16 KiB = order 2), 256-entry page tables (2 KiB in a page)
    PageTableEngine e = FakeBackend.engine(12, new int[] {11, 11, 8}, true, true, RAM);
    assertThat(e.tableOrder(0)).isEqualTo(2);
    assertThat(e.tableOrder(2)).isEqualTo(0);
    long pgd = e.newPgd(PagePurpose.SHARED);
    assertThat(pgd & ((16 << 10) - 1)).as("16 KiB aligned").isZero();
    assertThat(e.tableEmpty(0, pgd)).as("initialised with the non-zero none").isTrue();
    long va = -(1L << 42) + (3L << 20) + 0x5000;
    assertThat(e.mapPages(pgd, va, new long[] {PA >>> 12, (PA >>> 12) + 9}, 2, 2)).isPositive();
    assertThat(e.allocator().sharedTablePages(1)).isEqualTo(4);
    assertThat(e.allocator().sharedTablePages(2)).isEqualTo(1);
    assertThat(((WalkResult.Translation) e.walk(pgd, va + 4096 + 3)).pa())
        .isEqualTo(PA + 9 * 4096 + 3);
    assertThat(e.walk(pgd, va + 8192)).isInstanceOf(WalkResult.Fault.class);
  }

  @Test
  void visitNeverMergesAndChokePointCountsAndInjects() {
    PageTableEngine e = FakeBackend.engine(12, new int[] {9, 9, 9}, true, false, RAM);
    long pgd = e.newPgd(PagePurpose.SHARED);
    long va = -(1L << 39);
    e.mapRange(pgd, va, PA, 3 * 4096, 1, 12);
    List<String> seen = new ArrayList<>();
    e.visit(pgd, va, 4 * 4096, new RangeVisitor() {
      @Override public void leaf(int level, long a, long s, long entry) {
        seen.add("L" + level);
      }

      @Override public void empty(int level, long a, long s) {
        seen.add("E" + level);
      }

      @Override public void table(int level, long a, long s, long entry) {
        seen.add("T" + level);
      }
    });
    assertThat(seen).containsExactly("T0", "T1", "L2", "L2", "L2", "E2");
    long reads = e.reads();
    e.translate(pgd, va);
    assertThat(e.reads() - reads).isEqualTo(3);
    assertThat(e.fastReads()).isEqualTo(3);
    e.setAccessHook(new DescriptorAccessHook() {
      @Override public long onRead(int level, long entryPa, long value) {
        return level == 2 ? 0 : value;
      }
    });
    assertThat(e.translate(pgd, va)).as("injected invalid PTE").isEqualTo(-1);
    assertThat(e.fastLevel()).isEqualTo(2);
    e.setAccessHook(null);
    assertThatThrownBy(() -> e.mapRange(pgd, va + 1, PA, 4096, 1, 12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("va 0xffffff8000000001 size 0x1000: both must be multiples of the page size 4096");
  }
}
