package org.percpulab.core.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PageAllocatorTest {
  private static final long BASE = 0x40000000L;

  private static PageAllocator alloc(long pages) {
    return new PageAllocator(new PhysMem(12, BASE, pages << 12));
  }

  @Test
  void ordersAreNaturallyAlignedAndCounted() {
    PageAllocator a = alloc(64);
    long p0 = a.allocPages(0, PagePurpose.other());
    long p2 = a.allocPages(2, PagePurpose.pageTable(1, PagePurpose.SHARED));
    long p3 = a.allocPages(3, PagePurpose.pageTable(0, 7));
    assertThat(p0).isEqualTo(0x40000);
    assertThat(p2).isEqualTo(0x40004);
    assertThat(p3).isEqualTo(0x40008);
    assertThat(a.allocatedPages()).isEqualTo(13);
    assertThat(a.pages(PagePurpose.Kind.PAGE_TABLE)).isEqualTo(12);
    assertThat(a.sharedTablePages(1)).isEqualTo(4);
    assertThat(a.perCpuTablePages(0)).isEqualTo(8);
    assertThat(a.tablePagesOfCpu(7)).isEqualTo(8);
    assertThat(a.tablePagesOfCpu(6)).isZero();
    a.freePages(p2, 2);
    assertThat(a.sharedTablePages(1)).isZero();
    assertThat(a.allocPages(1, PagePurpose.other())).as("first free aligned pair (0x40001 is odd)")
        .isEqualTo(0x40002);
    assertThat(a.allocPages(2, PagePurpose.other())).as("the freed quad")
        .isEqualTo(0x40004);
  }

  @Test
  void outOfMemoryReturnsMinusOneAndChangesNothing() {
    PageAllocator a = alloc(4);
    for (int i = 0; i < 3; i++) {
      assertThat(a.allocPage(PagePurpose.vmalloc())).isEqualTo(0x40000 + i);
    }
    assertThat(a.allocPages(1, PagePurpose.vmalloc())).isEqualTo(-1);
    assertThat(a.allocatedPages()).isEqualTo(3);
    assertThat(a.allocPage(PagePurpose.vmalloc())).isEqualTo(0x40003);
    assertThat(a.allocPage(PagePurpose.vmalloc())).isEqualTo(-1);
    assertThat(a.failedCalls()).isEqualTo(2);
    assertThat(a.pages(PagePurpose.Kind.VMALLOC)).isEqualTo(4);
  }

  @Test
  void failureInjectionNthAndPredicate() {
    PageAllocator a = alloc(16);
    a.failNth(2);
    assertThat(a.allocPage(PagePurpose.other())).isEqualTo(0x40000);
    assertThat(a.allocPage(PagePurpose.other())).isEqualTo(-1);
    assertThat(a.allocPage(PagePurpose.other())).isEqualTo(0x40001);
    a.failWhen(p -> p.isPageTable() && p.level() == 2);
    assertThat(a.allocPage(PagePurpose.pageTable(2, PagePurpose.SHARED))).isEqualTo(-1);
    assertThat(a.allocPage(PagePurpose.pageTable(1, PagePurpose.SHARED))).isEqualTo(0x40002);
    a.clearFailures();
    assertThat(a.allocPage(PagePurpose.pageTable(2, PagePurpose.SHARED))).isEqualTo(0x40003);
    assertThat(a.allocCalls()).isEqualTo(6);
    assertThat(a.failedCalls()).isEqualTo(2);
  }

  @Test
  void badFreesAreRejectedWithoutChange() {
    PageAllocator a = alloc(16);
    long p = a.allocPages(1, PagePurpose.other());
    assertThatThrownBy(() -> a.freePages(p, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("free of pfn 0x40000 with order 0 but it was allocated with order 1");
    assertThatThrownBy(() -> a.freePages(p + 1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("free of pfn 0x40001 that is not an allocated block (double free or never "
            + "allocated)");
    assertThat(a.allocatedPages()).isEqualTo(2);
    a.freePages(p, 1);
    assertThatThrownBy(() -> a.freePages(p, 1)).isInstanceOf(IllegalArgumentException.class);
    a.assertNoLeaks();
  }

  @Test
  void leakCheckNamesLeakedBlocksAndFreedPagesAreZeroed() {
    PageAllocator a = alloc(16);
    PageAllocator.Snapshot s = a.snapshot();
    long p = a.allocPage(PagePurpose.percpu(3));
    a.mem().write64(p << 12, 0xdeadL);
    assertThatThrownBy(() -> a.assertNoLeaks(s)).isInstanceOf(IllegalStateException.class)
        .hasMessage("1 page block(s) leaked: [Allocation[pfn=262144, order=0, purpose=percpu cpu3]]");
    a.freePages(p, 0);
    a.assertNoLeaks(s);
    assertThat(a.mem().isZero(p)).isTrue();
    assertThat(a.mem().residentPages()).isZero();
  }

  @Test
  void reserveTakesFramesForGood() {
    PageAllocator a = alloc(16);
    a.reserve(0x40000, 5);
    assertThat(a.reservedPages()).isEqualTo(5);
    assertThat(a.allocatedPages()).isZero();
    assertThat(a.freePages()).isEqualTo(11);
    assertThat(a.allocPage(PagePurpose.other())).isEqualTo(0x40005);
    assertThatThrownBy(() -> a.reserve(0x40004, 2)).isInstanceOf(IllegalArgumentException.class);
  }
}
