package org.percpulab.core.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.percpulab.core.kpt.KernelPageTables;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PageAllocator;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.pgtable.RangeVisitor;
import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.Geometry;

/** Whole-machine page-table checks for tests: leaf dumps and the table-page leak check. */
public final class PageTableChecks {
  private PageTableChecks() { }

  /** One leaf as the range iterator reports it. */
  public record Leaf(int level, long va, long size, long entry) { }

  /** Every leaf under {@code pgd} in {@code [va, va+size)}, in VA order. */
  public static List<Leaf> leaves(PageTableEngine e, long pgd, long va, long size) {
    List<Leaf> out = new ArrayList<>();
    e.visit(pgd, va, size, new RangeVisitor() {
      @Override public void leaf(int level, long a, long s, long entry) {
        out.add(new Leaf(level, a, s, entry));
      }

      @Override public void empty(int level, long a, long s) { }
    });
    return out;
  }

  /**
   * Page-table leak check: the set of table pages reachable from swapper and every per-CPU pgd must
   * equal the set of live PAGE_TABLE allocations of {@code m}'s allocator, minus
   * {@code otherTables} (tables other code owns, e.g. a trampoline pgd).
   *
   * @throws AssertionError listing the differences
   */
  public static void assertTablesReachable(Machine m) {
    TreeSet<Long> reach = new TreeSet<>();
    KernelPageTables k = m.kpt();
    collect(m.engine(), 0, k.swapperPgd(), reach);
    if (k.localMapActive()) {
      for (int c = 0; c < k.cpus(); c++) {
        collect(m.engine(), 0, k.pgdOf(c), reach);
      }
    }
    TreeSet<Long> live = new TreeSet<>();
    for (PageAllocator.Allocation a : m.allocator().liveAllocations()) {
      if (a.purpose().isPageTable()) {
        live.add(a.pfn());
      }
    }
    if (!reach.equals(live)) {
      TreeSet<Long> leaked = new TreeSet<>(live);
      leaked.removeAll(reach);
      TreeSet<Long> dangling = new TreeSet<>(reach);
      dangling.removeAll(live);
      throw new AssertionError("table pages leaked (allocated, unreachable): " + hex(leaked)
          + "; reachable but not allocated: " + hex(dangling));
    }
  }

  private static List<String> hex(TreeSet<Long> s) {
    List<String> out = new ArrayList<>();
    for (long v : s) {
      out.add("0x" + Long.toHexString(v));
      if (out.size() == 10) {
        out.add("...");
        break;
      }
    }
    return out;
  }

  private static void collect(PageTableEngine e, int level, long table, TreeSet<Long> out) {
    if (!out.add(table >>> e.geometry().pageShift())) {
      return;
    }
    Geometry g = e.geometry();
    DescriptorFormat f = e.format();
    if (level == g.levels() - 1) {
      return;
    }
    for (int i = 0; i < g.entries(level); i++) {
      long d = e.mem().read64(table + 8L * i);
      if (f.isValid(level, d) && f.isTable(level, d)) {
        collect(e, level + 1, f.address(level, d), out);
      }
    }
  }
}
