package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PageAllocator;
import org.percpulab.core.testkit.TestMachines;

/**
 * The local area's fixed-shift rule: a chunk's local range is its base plus the area's size W, so
 * only chunks inside the percpu window [start - W, start) get one.
 *
 * <pre>
 *   window                         local area
 *   [0x1000_0000, 0x1100_0000)  -> [0x1100_0000, 0x1200_0000)      W = 0x100_0000, unit 0x1c000
 *   base 0x10ff_0000  -> local 0x11ff_0000 .. 0x1200_c000  (runs past the end: refused)
 *   base 0x10f0_0000  -> local 0x11f0_0000                  (taken)
 *   base 0x0fff_f000  -> below the window                   (refused)
 * </pre>
 */
class PcpuLocalAreaTest {

  @Test
  void rangesAreTheChunkBaseShiftedByTheAreaSize() {
    PcpuLocalArea la = new PcpuLocalArea(0x1100_0000L, 0x1200_0000L, 0x1c000);
    assertThat(la.shift()).isEqualTo(0x100_0000L);
    assertThat(la.windowStart()).isEqualTo(0x1000_0000L);
    assertThat(la.reserve(0x10f0_0000L)).isTrue();
    assertThat(la.rangeOf(0x10f0_0000L)).isEqualTo(0x11f0_0000L);
    assertThat(la.reserve(0x1000_0000L)).as("bottom of the window").isTrue();
    assertThat(la.bytesInUse()).isEqualTo(2 * 0x1c000L);
    assertThat(la.fits(0x10ff_0000L)).isFalse();
    assertThat(la.reserve(0x10ff_0000L)).as("local range would pass the area's end").isFalse();
    assertThat(la.reserve(0x0fff_f000L)).as("below the window").isFalse();
    assertThat(la.inUse()).isEqualTo(2);
    assertThatThrownBy(() -> la.reserve(0x10f0_8000L))
        .hasMessage("percpu local area: range 0x0000000011f08000 overlaps the range at "
            + "0x0000000011f00000");
    assertThat(la.inUse()).isEqualTo(2);
    la.free(0x11f0_0000L);
    assertThatThrownBy(() -> la.free(0x11f0_0000L))
        .hasMessage("percpu local area: 0x11f00000 is not an allocated local range");
    assertThat(la.bytesInUse()).isEqualTo(0x1c000L);
    assertThat(la.peakBytes()).isEqualTo(2 * 0x1c000L);
  }

  /**
   * 4K pages, 39-bit VA: the local area is one 1 GiB level-1 entry, so the window holds 1 GiB of
   * chunks. With 1024 CPUs a chunk spans 1024 x 112 KiB = 112 MiB: the first chunk and 8 dynamic
   * chunks fit (9 x 112 = 1008 MiB), the 9th dynamic chunk would start below the window. Its
   * allocation fails like any chunk-creation failure: NULL, its vm area returned, no page taken,
   * the allocator still consistent.
   */
  @Test
  void aChunkBelowTheWindowIsNotCreatedAndNothingLeaks() {
    Machine m = TestMachines.boot("arm64", 1024, "mm.vaBits", "39", "percpu.localMap", "on",
        "kernel.nrCpus", "1024");
    PercpuSystem s = PercpuSystem.boot(m);
    PcpuLocalArea la = s.localArea();
    assertThat(la.shift()).isEqualTo(1L << 30);
    // PCPU_MIN_UNIT_SIZE (32 KiB) is the largest allocation: three fill a 112 KiB dynamic unit
    long[] p = new long[24];
    for (int i = 0; i < 24; i++) {
      p[i] = s.alloc(32768, 4096, false);
      assertThat(p[i]).as("allocation %d", i).isNotZero();
    }
    assertThat(s.allocator().chunksCreated()).isEqualTo(8);
    for (PcpuChunk c : s.allocator().chunks()) {
      assertThat(Long.compareUnsigned(c.baseAddr, la.windowStart())).isGreaterThanOrEqualTo(0);
    }
    PageAllocator.Snapshot before = m.allocator().snapshot();
    int areas = s.vmalloc().allocator().busyCount();
    assertThat(s.alloc(32768, 4096, false)).isZero();
    assertThat(s.allocator().lastFailure()).endsWith("failed to allocate new chunk");
    assertThat(s.backend().windowRefusals()).isEqualTo(1);
    assertThat(s.allocator().chunksCreated()).isEqualTo(8);
    assertThat(s.vmalloc().allocator().busyCount()).isEqualTo(areas);
    m.allocator().assertNoLeaks(before);
    assertThat(m.allocator().snapshot().size()).isEqualTo(before.size());
    assertThat(PcpuVerifier.verify(s.allocator(), null)).isEmpty();
    m.verifyConsistent();

    // Free two chunks' worth: balance keeps one free chunk and destroys the other, whose VA
    // waits for vmalloc's lazy purge. Refill the kept chunk; the next chunk finds the window
    // full until the purge, which createChunk runs before its one retry: it is created in the
    // destroyed chunk's place.
    for (int i = 0; i < 6; i++) {
      s.free(p[i]);
    }
    s.allocator().runBalanceWork();
    s.allocator().runBalanceWork();
    assertThat(s.allocator().chunksDestroyed()).isEqualTo(1);
    for (int i = 0; i < 3; i++) {
      assertThat(s.alloc(32768, 4096, false)).isNotZero();
    }
    long purges = s.vmalloc().purges();
    assertThat(s.alloc(32768, 4096, false)).isNotZero();
    assertThat(s.allocator().chunksCreated()).isEqualTo(9);
    assertThat(s.vmalloc().purges()).isGreaterThan(purges);
    assertThat(s.backend().windowRefusals()).isEqualTo(1);
    assertThat(PcpuVerifier.verify(s.allocator(), null)).isEmpty();
    m.verifyConsistent();
  }
}
