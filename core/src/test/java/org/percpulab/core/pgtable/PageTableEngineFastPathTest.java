package org.percpulab.core.pgtable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.percpulab.core.fake.FakeBackend;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.testkit.Seeds;

/**
 * The engine's hook-free paths (the PTE-level loops and the descent of a range that lies in one
 * last-level table) against the per-entry recursion they stand for, which runs whenever an access
 * hook is set: twin engines, one with a pass-through hook, do the same seeded page maps, range
 * maps, unmaps and injected out-of-memory failures and must agree on every return value, mod
 * mask, descriptor read and write count, table allocation and mapped leaf.
 */
class PageTableEngineFastPathTest {
  private static final long RAM = 1L << 28;
  private static final long PA = FakeBackend.PHYS_OFFSET;

  private static PageTableEngine engine(int pageShift, int[] bits, boolean invalidBit) {
    return FakeBackend.engine(pageShift, bits, true, invalidBit, RAM);
  }

  @Test
  void hookFreePathsAgreeWithTheRecursion() {
    int[][] bits = {{9, 9, 9, 9}, {9, 9, 9}, {11, 11}};
    int[] shifts = {12, 12, 14};
    Seeds.run(8, (rnd, log) -> {
      int g = rnd.nextInt(bits.length);
      boolean invalidBit = rnd.nextBoolean();
      log.op("geometry %d invalidBit %s", g, invalidBit);
      PageTableEngine a = engine(shifts[g], bits[g], invalidBit);
      PageTableEngine b = engine(shifts[g], bits[g], invalidBit);
      b.setAccessHook(new DescriptorAccessHook() { });
      long pgdA = a.newPgd(PagePurpose.SHARED);
      long pgdB = b.newPgd(PagePurpose.SHARED);
      long page = 1L << shifts[g];
      // a window across a few last-level tables, so that runs also straddle a table boundary
      long tableSpan = page << bits[g][bits[g].length - 1];
      long window = 3 * tableSpan;
      long va0 = -(window * 4);
      for (int op = 0; op < 200; op++) {
        long va = va0 + (rnd.nextLong() & (window / page - 1)) * page;
        int pages = 1 + rnd.nextInt(24);
        if (va + (long) pages * page - 1 < va) {
          continue;
        }
        if (rnd.nextInt(6) == 0) {
          int nth = 1 + rnd.nextInt(3);
          log.op("failNth %d", nth);
          a.allocator().failNth(nth);
          b.allocator().failNth(nth);
        }
        int kind = rnd.nextInt(10);
        int ra;
        int rb;
        if (kind < 5) {
          long[] pfns = new long[pages];
          for (int i = 0; i < pages; i++) {
            pfns[i] = (PA >>> shifts[g]) + 4096 + rnd.nextInt(4096);
          }
          int off = rnd.nextInt(2);
          int n = pages - off;
          log.op("mapPages 0x%x %d from %d", va, n, off);
          ra = a.mapPages(pgdA, va, pfns, off, n, 0x7);
          rb = b.mapPages(pgdB, va, pfns, off, n, 0x7);
        } else if (kind < 6) {
          log.op("mapRange 0x%x %d pages", va, pages);
          ra = a.mapRange(pgdA, va, PA + (va & (window - 1)), (long) pages * page, 0x7, 63);
          rb = b.mapRange(pgdB, va, PA + (va & (window - 1)), (long) pages * page, 0x7, 63);
        } else {
          log.op("unmap 0x%x %d pages", va, pages);
          ra = a.unmapRange(pgdA, va, (long) pages * page);
          rb = b.unmapRange(pgdB, va, (long) pages * page);
        }
        a.allocator().clearFailures();
        b.allocator().clearFailures();
        assertThat(ra).as("result").isEqualTo(rb);
        assertThat(a.lastModMask()).as("mod mask").isEqualTo(b.lastModMask());
        assertThat(a.reads()).as("descriptor reads").isEqualTo(b.reads());
        assertThat(a.writes()).as("descriptor writes").isEqualTo(b.writes());
        assertThat(a.tablesAllocated()).isEqualTo(b.tablesAllocated());
        assertThat(leaves(a, pgdA, va0, window)).isEqualTo(leaves(b, pgdB, va0, window));
      }
    });
  }

  /** Every entry of the window, level by level (read with no hook, so the counts move alike). */
  private static List<String> leaves(PageTableEngine e, long pgd, long va, long size) {
    List<String> out = new ArrayList<>();
    e.visit(pgd, va, size, new RangeVisitor() {
      @Override public void leaf(int level, long a, long s, long entry) {
        out.add("L" + level + " " + Long.toHexString(a) + " " + Long.toHexString(entry));
      }

      @Override public void empty(int level, long a, long s) {
        out.add("E" + level + " " + Long.toHexString(a) + "+" + Long.toHexString(s));
      }

      @Override public void table(int level, long a, long s, long entry) {
        out.add("T" + level + " " + Long.toHexString(a));
      }
    });
    return out;
  }
}
