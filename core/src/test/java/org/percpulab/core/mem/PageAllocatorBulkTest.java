package org.percpulab.core.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.percpulab.core.testkit.Seeds;

/**
 * allocPagesBulk / freePagesBulk against the single calls on a twin allocator: seeded mixes of
 * orders, bulk sizes, purposes (a frame freed and taken again for another purpose), injected
 * failures (nth call, by purpose) and running out of memory give the same PFNs, counters, purposes
 * and later allocations; a written page freed in bulk reads as zero again.
 */
class PageAllocatorBulkTest {
  private static final long BASE = 0x40000000L;

  private static PageAllocator twin(long pages) {
    return new PageAllocator(new PhysMem(12, BASE, pages << 12));
  }

  @Test
  void bulkCallsAreTheSingleCallsInOrder() {
    Seeds.run(20, (rnd, log) -> {
      long pages = 256 + rnd.nextInt(512);
      PageAllocator a = twin(pages);
      PageAllocator b = twin(pages);
      PagePurpose[] purposes = {PagePurpose.vmalloc(), PagePurpose.percpu(),
          PagePurpose.percpu(1), PagePurpose.pageTable(3, PagePurpose.SHARED),
          PagePurpose.pageTable(3, 2), PagePurpose.other()};
      List<long[]> liveA = new ArrayList<>();
      List<long[]> liveB = new ArrayList<>();
      for (int op = 0; op < 400; op++) {
        int kind = rnd.nextInt(10);
        PagePurpose p = purposes[rnd.nextInt(purposes.length)];
        if (kind < 4) {
          int n = 1 + rnd.nextInt(40);
          if (rnd.nextInt(8) == 0) {
            int nth = 1 + rnd.nextInt(2 * n);
            log.op("failNth %d", nth);
            a.failNth(nth);
            b.failNth(nth);
          }
          if (rnd.nextInt(12) == 0) {
            log.op("fail percpu");
            a.failWhen(q -> q.kind() == PagePurpose.Kind.PERCPU);
            b.failWhen(q -> q.kind() == PagePurpose.Kind.PERCPU);
          }
          log.op("alloc bulk %d %s", n, p);
          long[] outA = new long[n];
          int got = a.allocPagesBulk(p, outA, 0, n);
          long[] outB = new long[n];
          int gotB = 0;
          while (gotB < n) {
            long pfn = b.allocPages(0, p);
            if (pfn < 0) {
              break;
            }
            outB[gotB++] = pfn;
          }
          assertThat(got).isEqualTo(gotB);
          assertThat(outA).isEqualTo(outB);
          for (int i = 0; i < got; i++) {
            assertThat(a.purposeOf(outA[i])).as("purpose of a reused frame").isEqualTo(p);
          }
          a.clearFailures();
          b.clearFailures();
          liveA.add(java.util.Arrays.copyOf(outA, got));
          liveB.add(java.util.Arrays.copyOf(outB, got));
          if (got > 0) {
            a.mem().write64(outA[0] << 12, 0x1234);
            b.mem().write64(outB[0] << 12, 0x1234);
          }
        } else if (kind < 7 && !liveA.isEmpty()) {
          int i = rnd.nextInt(liveA.size());
          long[] fa = liveA.remove(i);
          long[] fb = liveB.remove(i);
          log.op("free bulk %d", fa.length);
          a.freePagesBulk(fa, 0, fa.length);
          for (long pfn : fb) {
            b.freePages(pfn, 0);
          }
          for (long pfn : fa) {
            assertThat(a.mem().isZero(pfn)).isTrue();
          }
        } else {
          int order = rnd.nextInt(3);
          log.op("single order %d", order);
          long x = a.allocPages(order, p);
          long y = b.allocPages(order, p);
          assertThat(x).isEqualTo(y);
          assertThat(x < 0 ? p : a.purposeOf(x)).isEqualTo(p);
          if (x >= 0 && rnd.nextBoolean()) {
            a.freePages(x, order);
            b.freePages(y, order);
          }
        }
        assertThat(a.freePages()).isEqualTo(b.freePages());
        assertThat(a.allocCalls()).isEqualTo(b.allocCalls());
        assertThat(a.failedCalls()).isEqualTo(b.failedCalls());
        for (PagePurpose.Kind k : PagePurpose.Kind.values()) {
          assertThat(a.pages(k)).as("pages of %s", k).isEqualTo(b.pages(k));
        }
        assertThat(a.sharedTablePages()).isEqualTo(b.sharedTablePages());
        assertThat(a.perCpuTablePages()).isEqualTo(b.perCpuTablePages());
        assertThat(a.tablePagesOfCpu(2)).isEqualTo(b.tablePagesOfCpu(2));
        assertThat(a.liveAllocations()).isEqualTo(b.liveAllocations());
      }
    });
  }

  @Test
  void aBadBulkFreeThrowsWithTheEarlierPagesFreed() {
    PageAllocator a = twin(64);
    long[] pfns = new long[3];
    assertThat(a.allocPagesBulk(PagePurpose.vmalloc(), pfns, 0, 2)).isEqualTo(2);
    pfns[2] = pfns[1];
    assertThatThrownBy(() -> a.freePagesBulk(pfns, 0, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("double free");
    assertThat(a.liveAllocations()).isEmpty();
    assertThat(a.pages(PagePurpose.Kind.VMALLOC)).as("the freed pages are accounted").isZero();
    assertThat(a.allocPages(0, PagePurpose.vmalloc())).isEqualTo(pfns[0]);
  }
}
