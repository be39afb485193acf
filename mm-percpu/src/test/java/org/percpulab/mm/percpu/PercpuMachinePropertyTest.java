package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.testkit.TestMachines;

/**
 * Seeded random alloc/free with balance work on a booted arm64 machine (percpu-vm backend, real
 * page tables, local map on): after every step the allocator matches {@link PcpuVerifier}; every
 * 100 steps the kernel tables are consistent, every live chunk's local range is its base plus the
 * local area's size and is registered, and a sample of live objects has distinct per-CPU copies
 * that each CPU's local alias reaches. At the end everything is freed and only the spare chunk's
 * pages remain. The seed is in every assertion description.
 */
class PercpuMachinePropertyTest {
  private static final long[] ALIGNS = {4, 8, 16, 64, 256, 4096};

  private static void run(long seed, int ops) {
    SplittableRandom r = new SplittableRandom(seed);
    Machine m = TestMachines.boot("arm64", 4, "percpu.localMap", "on");
    PercpuSystem s = PercpuSystem.boot(m);
    PercpuAllocator a = s.allocator();
    long w = s.localArea().shift();
    List<Long> live = new ArrayList<>();
    int target = 100 + r.nextInt(300);
    for (int step = 0; step < ops; step++) {
      if (step % 500 == 0) {
        target = 20 + r.nextInt(600);
      }
      boolean doAlloc = live.isEmpty() || (live.size() < target ? r.nextInt(10) < 7
          : r.nextInt(10) < 3);
      if (doAlloc) {
        int size = r.nextInt(4) == 0 ? 4 + r.nextInt(8189) : 4 + r.nextInt(253);
        long align = ALIGNS[r.nextInt(ALIGNS.length)];
        boolean atomic = r.nextInt(8) == 0;
        long p = r.nextInt(20) == 0 ? s.allocReserved(size, align) : s.alloc(size, align, atomic);
        if (p != 0) {
          live.add(p);
        }
      } else {
        int i = r.nextInt(live.size());
        s.free(live.get(i));
        live.set(i, live.get(live.size() - 1));
        live.remove(live.size() - 1);
      }
      if (r.nextInt(16) == 0) {
        s.balance();
      }
      assertThat(PcpuVerifier.verify(a, null)).as("seed %d step %d", seed, step).isEmpty();
      if (step % 100 == 99) {
        check(s, live, w, r, "seed " + seed + " step " + step);
      }
    }
    assertThat(a.chunksCreated()).as("seed %d: dynamic chunks came and went", seed)
        .isGreaterThanOrEqualTo(2);
    for (long p : live) {
      s.free(p);
    }
    a.runBalanceWork();
    a.runBalanceWork();
    check(s, List.of(), w, r, "seed " + seed + " after free-all");
    long held = 0;
    for (PcpuChunk c : a.chunks()) {
      if (!c.immutable) {
        held += (long) c.nrPopulated * 4;
      }
    }
    assertThat(m.allocator().pages(PagePurpose.Kind.PERCPU)).as("seed %d pages", seed)
        .isEqualTo(held);
    assertThat(a.chunks().size()).as("seed %d chunks", seed).isLessThanOrEqualTo(3);
  }

  private static void check(PercpuSystem s, List<Long> live, long w, SplittableRandom r,
      String what) {
    Machine m = s.machine();
    PercpuAllocator a = s.allocator();
    m.verifyConsistent();
    int dynamic = 0;
    for (PcpuChunk c : a.chunks()) {
      if (c != a.firstChunk() && c != a.reservedChunk()) {
        dynamic++;
        assertThat(c.localBase).as("%s chunk %d", what, c.id).isEqualTo(c.baseAddr + w);
      }
    }
    // the first chunk's range (shared with the reserved chunk) plus one per dynamic chunk
    assertThat(s.vmalloc().localAreas()).as(what).hasSize(1 + dynamic);
    assertThat(s.localArea().bytesInUse()).as(what).isEqualTo((1L + dynamic) * a.unitSize());
    for (int k = 0; k < Math.min(8, live.size()); k++) {
      long p = live.get(r.nextInt(live.size()));
      for (int cpu = 0; cpu < 4; cpu++) {
        long pa = m.cpu(cpu).translate(s.perCpuPtr(p, cpu));
        assertThat(pa).as("%s ptr %x cpu %d", what, p, cpu).isNotEqualTo(Cpu.FAULT);
        m.mem().write(pa, 1, 0x10 + cpu);
      }
      for (int cpu = 0; cpu < 4; cpu++) {
        long pa = m.cpu(cpu).translate(p + s.perCpuLocalOff());
        assertThat(m.mem().read(pa, 1)).as("%s ptr %x alias on cpu %d", what, p, cpu)
            .isEqualTo(0x10 + cpu);
      }
    }
  }

  @Test
  void randomAllocFreeOnTheRealBackendWithTheLocalMap() {
    for (long seed : new long[] {5, 6, 7}) {
      run(seed, 2_000);
    }
  }
}
