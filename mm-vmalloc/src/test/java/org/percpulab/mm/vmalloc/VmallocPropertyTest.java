package org.percpulab.mm.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PageAllocator;
import org.percpulab.core.testkit.Seeds;
import org.percpulab.core.testkit.TestMachines;

/**
 * Seeded-random sequences of allocations and frees. Invariants: no two live areas overlap, every
 * live area is findable by its address, free + busy (+ lazily freed) bytes cover the whole range
 * exactly, the trees' structure and augmented sizes are exact; after freeing everything and purging,
 * the free tree is one block again and the page allocator holds no vmalloc page.
 */
class VmallocPropertyTest {
  private static final long P = 4096;

  /** Unsigned order as signed: flip the sign bit. */
  private static long key(long addr) {
    return addr ^ Long.MIN_VALUE;
  }

  @Test
  void allocatorHundredThousandRandomOps() {
    Seeds.run(1, (rnd, log) -> {
      long lo = 0xffff800080000000L;
      long hi = lo + (1L << 32); // 4 GiB window: exhaustion and fragmentation happen
      VmapAreaAllocator a = new VmapAreaAllocator(lo, hi, P);
      TreeMap<Long, Long> live = new TreeMap<>();
      List<Long> starts = new ArrayList<>();
      long[] aligns = {1, P, 4 * P, 16 * P, 512 * P};
      for (int op = 0; op < 100_000; op++) {
        if (starts.isEmpty() || rnd.nextInt(100) < 55) {
          long size = (1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 4096 : 16)) * P;
          long align = aligns[rnd.nextInt(aligns.length)];
          long vs = lo;
          long ve = hi;
          if (rnd.nextInt(10) == 0) {
            vs = lo + (rnd.nextLong(1L << 20) * P);
            ve = Math.min(hi, vs + (1 + rnd.nextInt(1 << 16)) * P);
          }
          log.op("alloc size=0x%x align=0x%x window=0x%x-0x%x", size, align, vs, ve);
          long s = a.allocBusy(size, align, vs, ve, "x");
          if (s == VmapAreaAllocator.NO_SPACE) {
            continue;
          }
          var below = live.floorEntry(key(s + size - 1));
          if ((s & (align - 1)) != 0 || Long.compareUnsigned(s, vs) < 0
              || Long.compareUnsigned(s + size, ve) > 0
              || below != null && Long.compareUnsigned(below.getValue(), s) > 0) {
            throw new AssertionError(String.format(
                "0x%x is misaligned, outside the window or overlaps a live area", s));
          }
          live.put(key(s), s + size);
          starts.add(s);
        } else {
          int i = rnd.nextInt(starts.size());
          long s = starts.get(i);
          starts.set(i, starts.get(starts.size() - 1));
          starts.remove(starts.size() - 1);
          long end = live.remove(key(s));
          log.op("free 0x%x", s);
          if (a.unlinkBusy(s) != end - s) {
            throw new AssertionError(String.format("busy size of 0x%x differs", s));
          }
          a.free(s, end - s);
        }
        if (op % 5000 == 0) {
          check(a, live, hi - lo);
        }
      }
      check(a, live, hi - lo);
      for (long s : starts) {
        long end = live.remove(key(s));
        a.free(s, a.unlinkBusy(s));
        assertThat(end).isNotZero();
      }
      assertThat(a.freeRanges()).hasSize(1);
      assertThat(a.freeBytes()).isEqualTo(hi - lo);
      assertThat(a.checkInvariants()).isNull();
    });
  }

  private static void check(VmapAreaAllocator a, TreeMap<Long, Long> live, long total) {
    assertThat(a.checkInvariants()).isNull();
    long busy = 0;
    for (var e : live.entrySet()) {
      long s = e.getKey() ^ Long.MIN_VALUE;
      assertThat(a.busyAt(s)).as("findable 0x%x", s).isNotNull();
      assertThat(a.busyContaining(e.getValue() - 1)).isNotNull();
      busy += e.getValue() - s;
    }
    assertThat(a.busyBytes()).isEqualTo(busy);
    assertThat(a.freeBytes() + busy).isEqualTo(total);
  }

  @Test
  void mappedVmallocVfreeOnAMachine() {
    Seeds.run(2, (rnd, log) -> {
      Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", "4", "percpu.localMap", "off"));
      Vmalloc v = Vmalloc.boot(m);
      PageAllocator.Snapshot before = m.allocator().snapshot();
      long total = v.vmallocEnd() - v.vmallocStart();
      long early = v.allocator().busyBytes();
      List<Long> live = new ArrayList<>();
      TreeMap<Long, Long> ends = new TreeMap<>();
      for (int op = 0; op < 4000; op++) {
        if (rnd.nextInt(50) == 0) {
          v.setCurrentCpu(rnd.nextInt(4));
        }
        if (live.isEmpty() || rnd.nextInt(100) < 55) {
          long size = (1 + rnd.nextInt(16)) * P - rnd.nextInt(2) * 7;
          log.op("vmalloc %d", size);
          long a = v.vmalloc(size, Caller.of("prop"));
          assertThat(a).isNotZero();
          var below = ends.floorEntry(key(a + size - 1));
          assertThat(below == null || Long.compareUnsigned(below.getValue(), a) <= 0)
              .as("no overlap at 0x%x", a).isTrue();
          ends.put(key(a), v.findVmArea(a).addr() + v.findVmArea(a).size());
          live.add(a);
        } else {
          int i = rnd.nextInt(live.size());
          long a = live.get(i);
          live.set(i, live.get(live.size() - 1));
          live.remove(live.size() - 1);
          ends.remove(key(a));
          log.op("vfree 0x%x", a);
          v.vfree(a);
        }
        if (op % 500 == 0) {
          checkMachine(v, m, live, total);
        }
      }
      checkMachine(v, m, live, total);
      for (long a : live) {
        v.vfree(a);
      }
      v.reclaimAndPurge();
      assertThat(v.pooledBytes()).isZero();
      assertThat(v.allocator().busyBytes()).isEqualTo(early);
      assertThat(v.allocator().freeBytes()).isEqualTo(total - early);
      assertThat(v.vmallocPages()).isZero();
      assertThat(m.allocator().allocatedSince(before))
          .allSatisfy(al -> assertThat(al.purpose().isPageTable()).as("only page tables remain: %s",
              al).isTrue());
      m.verifyConsistent();
    });
  }

  private static void checkMachine(Vmalloc v, Machine m, List<Long> live, long total) {
    assertThat(v.allocator().checkInvariants()).isNull();
    long guards = 0;
    long usable = 0;
    for (long a : live) {
      VmStruct vm = v.findVmArea(a);
      assertThat(vm).as("findable 0x%x", a).isNotNull();
      assertThat(vm.addr()).isEqualTo(a);
      assertThat(m.engine().translate(m.kpt().swapperPgd(), a)).isEqualTo(vm.pfn(0) << 12);
      assertThat(m.engine().translate(m.kpt().swapperPgd(), a + vm.usableSize())).isEqualTo(-1);
      guards += vm.guardSize();
      usable += vm.usableSize();
    }
    long early = 0;
    for (VmapAreaAllocator.Range r : v.allocator().busyRanges()) {
      if (!live.contains(r.start())) {
        early += r.size();
      }
    }
    long lazy = 0;
    for (long[] r : v.lazyRanges()) {
      lazy += r[1] - r[0];
    }
    assertThat(v.allocator().freeBytes() + usable + guards + early + lazy + v.pooledBytes())
        .as("free + busy + guard (+ lazy + pooled + early) = whole range").isEqualTo(total);
  }
}
