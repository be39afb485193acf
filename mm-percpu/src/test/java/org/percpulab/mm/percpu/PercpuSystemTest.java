package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.testkit.TestMachines;

class PercpuSystemTest {

  private static PercpuSystem boot(int cpus, String localMap) {
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", Integer.toString(cpus),
        "percpu.localMap", localMap, "mm.memory", "1G", "percpu.localLayout", "mirror"));
    return PercpuSystem.boot(m);
  }

  /** For every CPU n and live object: alias on CPU n hits CPU n's copy; per_cpu_ptr(p, m) hits m's. */
  private static void assertCopies(PercpuSystem s, List<Long> ptrs, String what) {
    Machine m = s.machine();
    int cpus = m.cpus().count();
    for (long p : ptrs) {
      for (int cpu = 0; cpu < cpus; cpu++) {
        long global = s.perCpuPtr(p, cpu);
        Cpu c = m.cpu(cpu);
        long paGlobal = c.translate(global);
        // this_cpu_ptr stays the global address, never the local alias
        assertThat(s.thisCpuPtr(p, cpu)).as("%s ptr %x this_cpu_ptr on cpu %d", what, p, cpu)
            .isEqualTo(global);
        assertThat(paGlobal).as("%s ptr %x cpu %d global", what, p, cpu).isNotEqualTo(Cpu.FAULT);
        // the same global address seen from another CPU is the same physical copy
        long paFromOther = m.cpu((cpu + 1) % cpus).translate(global);
        assertThat(paFromOther).as("%s ptr %x cpu %d", what, p, cpu).isEqualTo(paGlobal);
        if (s.localMapActive()) {
          long paLocal = c.translate(s.localAlias(p));
          assertThat(paLocal).as("%s ptr %x alias on cpu %d", what, p, cpu).isEqualTo(paGlobal);
        }
        m.mem().write(paGlobal, 4, 0x1000 + cpu);
      }
      for (int cpu = 0; cpu < cpus; cpu++) {
        long pa = m.cpu(cpu).translate(s.perCpuPtr(p, cpu));
        assertThat(m.mem().read(pa, 4)).as("%s ptr %x distinct copy %d", what, p, cpu)
            .isEqualTo(0x1000 + cpu);
      }
    }
  }

  @Test
  void bootWithLocalMapAliasesEveryCpusOwnCopy() {
    PercpuSystem s = boot(4, "on");
    Machine m = s.machine();
    assertThat(s.localMapActive()).isTrue();
    assertThat(s.bootLog().get(0)).isEqualTo("percpu: 28 4K pages/cpu s84248 r8192 d22248");
    // every chunk's local range is its base address plus the local area's size
    long w = m.kpt().localArea().end() - m.kpt().localArea().start();
    assertThat(s.firstLocalBase()).isEqualTo(s.allocator().baseAddr() + w);
    assertThat(s.perCpuLocalOff())
        .isEqualTo(s.allocator().baseAddr() - m.model().perCpuAreas().perCpuStart() + w);
    assertThat(m.cpus().perCpuLocalOff()).isEqualTo(s.perCpuLocalOff());
    for (int cpu = 0; cpu < 4; cpu++) {
      assertThat(m.cpu(cpu).perCpuOffset()).isEqualTo(s.allocator().perCpuOffset(cpu));
    }
    m.verifyConsistent();
    List<Long> ptrs = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 400; i++) {
      long p = s.alloc(4 + r.nextInt(200) * 4, 8, false);
      assertThat(p).as("seed 11 alloc %d", i).isNotZero();
      ptrs.add(p);
    }
    ptrs.add(s.allocReserved(64, 8));
    assertThat(s.allocator().chunksCreated()).isGreaterThan(0);
    m.verifyConsistent();
    assertCopies(s, ptrs, "seed 11");
    for (PcpuChunk c : s.allocator().chunks()) {
      if (c != s.allocator().firstChunk() && c != s.allocator().reservedChunk()) {
        assertThat(c.localBase).as("chunk %d", c.id).isEqualTo(c.baseAddr + w);
      }
    }
    assertThat(PcpuVerifier.verify(s.allocator(), null)).isEmpty();
  }

  @Test
  void baselineHasNoLocalAreaAndGlobalCopiesAreDistinct() {
    PercpuSystem s = boot(4, "off");
    assertThat(s.localMapActive()).isFalse();
    List<Long> ptrs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ptrs.add(s.alloc(256, 64, false));
    }
    assertCopies(s, ptrs, "baseline");
    s.machine().verifyConsistent();
  }

  @Test
  void freeingEverythingReturnsAllPagesAfterBalance() {
    PercpuSystem s = boot(4, "on");
    Machine m = s.machine();
    var snap = m.allocator().snapshot();
    List<Long> ptrs = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      ptrs.add(s.alloc(512, 8, false));
    }
    long created = s.allocator().chunksCreated();
    assertThat(created).isGreaterThanOrEqualTo(2);
    for (long p : ptrs) {
      s.free(p);
    }
    s.allocator().runBalanceWork();
    s.allocator().runBalanceWork();
    assertThat(s.allocator().chunksDestroyed()).isEqualTo(created - 1);
    // one spare free chunk stays populated, plus page-table pages; free it by hand for the check
    assertThat(s.vmalloc().localAreas()).hasSize(2);
    m.verifyConsistent();
    assertThat(PcpuVerifier.verify(s.allocator(), List.of())).isEmpty();
    long spare = 0;
    for (PcpuChunk c : s.allocator().chunks()) {
      if (!c.immutable) {
        spare += c.nrPopulated;
      }
    }
    long percpuPages = 0;
    for (var a : m.allocator().allocatedSince(snap)) {
      if (a.purpose().kind() == org.percpulab.core.mem.PagePurpose.Kind.PERCPU) {
        percpuPages += a.pages();
      } else {
        assertThat(a.purpose().isPageTable()).as("only page tables may stay: %s", a).isTrue();
      }
    }
    // exactly the spare free chunk's populated pages, one per CPU per page index
    assertThat(percpuPages).isEqualTo(spare * 4);
  }

  @Test
  void everyPageAllocationFailureDuringPopulateLeavesNoTrace() {
    // a clean run counts the page-allocator calls of the populate: every one of them is injected
    int calls;
    {
      PercpuSystem s = bootWithFullFirstChunk();
      long before = s.machine().allocator().allocCalls();
      assertThat(s.alloc(16384, 4096, false)).isNotZero();
      calls = (int) (s.machine().allocator().allocCalls() - before);
    }
    // 4 pages x 4 CPUs of memory plus the page-table pages the new mappings need
    assertThat(calls).isGreaterThanOrEqualTo(16);
    for (int n = 1; n <= calls + 1; n++) {
      PercpuSystem s = bootWithFullFirstChunk();
      Machine m = s.machine();
      PercpuAllocator a = s.allocator();
      var snap = m.allocator().snapshot();
      m.allocator().failNth(n);
      long p = s.alloc(16384, 4096, false);
      if (n > calls) {
        assertThat(p).as("injection %d is past the last call", n).isNotZero();
        break;
      }
      assertThat(p).as("fail #%d", n).isZero();
      assertThat(a.lastFailure()).as("fail #%d", n).endsWith("failed to populate");
      assertThat(m.allocator().allocatedSince(snap)).as("fail #%d", n)
          .allMatch(x -> x.purpose().isPageTable());
      // no half-mapped unit: in the dynamic chunk (created on the way; it may remain, as in the
      // kernel) every unpopulated page faults through the global address on every CPU and
      // through the local alias on its own CPU
      PcpuChunk chunk = null;
      for (PcpuChunk c : a.chunks()) {
        if (c != a.firstChunk() && c != a.reservedChunk()) {
          chunk = c;
        }
      }
      assertThat(chunk).as("fail #%d: the chunk created on the way", n).isNotNull();
      for (int page = 0; page < a.unitPages(); page++) {
        if (Bitmaps.test(chunk.populated, page)) {
          continue;
        }
        for (int cpu = 0; cpu < 4; cpu++) {
          assertThat(m.cpu((cpu + 1) % 4).translate(a.chunkAddr(chunk, cpu, page)))
              .as("fail #%d page %d cpu %d global", n, page, cpu).isEqualTo(Cpu.FAULT);
          assertThat(m.cpu(cpu).translate(chunk.localBase + (long) page * 4096))
              .as("fail #%d page %d cpu %d local", n, page, cpu).isEqualTo(Cpu.FAULT);
        }
      }
      m.verifyConsistent();
      assertThat(PcpuVerifier.verify(a, null)).as("fail #%d", n).isEmpty();
      m.allocator().clearFailures();
      assertThat(s.alloc(16384, 4096, false)).as("fail #%d retry", n).isNotZero();
    }
  }

  /** Local map on, 4 CPUs, the first chunk filled with atomic allocations. */
  private static PercpuSystem bootWithFullFirstChunk() {
    PercpuSystem s = boot(4, "on");
    while (s.alloc(4096, 4096, true) != 0) {
      // fill the first chunk with atomic allocations
    }
    return s;
  }
}
