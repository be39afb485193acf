package org.percpulab.mm.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * vmalloc/vfree/vmap/ioremap, guard pages, lazy purge and pcpu_get_vm_areas on the arm64 4K/VA48
 * vmalloc range (VMALLOC_START 0xffff800080000000, VMALLOC_END 0xfffffdffbf800000, kernel-facts
 * §1.2), with 4 CPUs.
 */
class VmallocTest {
  static final long VSTART = 0xffff800080000000L;
  static final long VEND = 0xfffffdffbf800000L;
  static final long P = 4096;
  static final Caller C = Caller.of("test_caller");

  RecordingHost host;
  Vmalloc v;

  @BeforeEach
  void boot() {
    host = new RecordingHost();
    v = new Vmalloc(host, VSTART, VEND);
  }

  @Test
  void guardPageSeparatesAreas() {
    // page:  0  1  2  3  4  5  6
    //        A  g  B  B  g  C  C(no guard)
    long a = v.vmalloc(100, C);
    long b = v.vmalloc(2 * P, C);
    VmStruct c = v.getVmArea(2 * P, VmFlags.VM_NO_GUARD, C);
    long d = v.vmalloc(P, C);
    assertThat(a).isEqualTo(0xffff800080000000L);
    assertThat(b).isEqualTo(0xffff800080002000L);
    assertThat(c.addr()).isEqualTo(0xffff800080005000L);
    assertThat(c.size()).isEqualTo(2 * P);
    assertThat(d).isEqualTo(0xffff800080007000L);
    VmStruct va = v.findVmArea(a);
    assertThat(va.size()).isEqualTo(2 * P);
    assertThat(va.usableSize()).isEqualTo(P);
    assertThat(va.requestedSize()).isEqualTo(100);
    assertThat(va.nrPages()).isEqualTo(1);
    assertThat(va.flags()).isEqualTo(VmFlags.VM_ALLOC);
    // the guard page is never mapped
    assertThat(host.mapped).containsKeys(a, b, b + P, d).doesNotContainKeys(a + P, b + 2 * P);
  }

  @Test
  void vfreeUnmapsAtOnceButTheAddressWaitsForThePurge() {
    // page:  0 1 2 3 4 5 6 7
    //        A A A g B g C g     A freed: lazily, its VA is not reused before the purge
    long a = v.vmalloc(3 * P, C);
    long b = v.vmalloc(P, C);
    int livePages = host.live.size();
    v.vfree(a);
    assertThat(host.mapped).doesNotContainKeys(a, a + P, a + 2 * P);
    assertThat(host.live).hasSize(livePages - 3);
    assertThat(v.lazyPages()).isEqualTo(4);
    assertThat(host.flushes).isEmpty();
    long c = v.vmalloc(P, C);
    assertThat(c).isEqualTo(b + 2 * P);
    assertThat(v.purgeVmapAreaLazy()).isTrue();
    assertThat(host.flushes).hasSize(1);
    assertThat(host.flushes.get(0)).containsExactly(a, a + 4 * P);
    assertThat(v.tlbFlushes()).isEqualTo(1);
    // 4 CPUs = 4 vmap nodes: A's 4-page VA went to node 0's pool (it was requested on CPU 0), not
    // back to the free tree; a 2-page request misses that pool and takes the lowest free block
    assertThat(v.pooledCount(0, 4)).isEqualTo(1);
    assertThat(v.pooledBytes()).isEqualTo(4 * P);
    assertThat(v.vmalloc(P, C)).isEqualTo(c + 2 * P);
    // a 4-page request on CPU 1 uses node 1's (empty) pool; on CPU 0 it reuses A's VA
    v.setCurrentCpu(1);
    assertThat(v.vmalloc(3 * P, C)).isEqualTo(c + 4 * P);
    v.setCurrentCpu(0);
    assertThat(v.vmalloc(3 * P, C)).isEqualTo(a);
    assertThat(v.pooledBytes()).isZero();
    assertThat(v.purgeVmapAreaLazy()).isFalse();
  }

  @Test
  void poolsDecayByAQuarterPerPurgeAndFullyOnReclaim() {
    long[] a = new long[8];
    for (int i = 0; i < 8; i++) {
      a[i] = v.vmalloc(P, C);
    }
    for (long x : a) {
      v.vfree(x);
    }
    v.purgeVmapAreaLazy();
    assertThat(v.pooledCount(0, 2)).isEqualTo(8);
    // next purge: ~25% (8 >> 2 = 2) of the pool goes back to the free tree, newest first
    v.vfree(v.vmalloc(2 * P, C));
    v.purgeVmapAreaLazy();
    assertThat(v.pooledCount(0, 2)).isEqualTo(6);
    assertThat(v.allocator().freeRanges().get(0).start()).isEqualTo(a[6]);
    v.reclaimAndPurge();
    assertThat(v.pooledBytes()).isZero();
    assertThat(v.allocator().freeRanges()).hasSize(1);
    assertThat(v.allocator().freeBytes()).isEqualTo(VEND - VSTART);
  }

  @Test
  void lazyPurgeRunsPastLazyMaxPagesWithOneFlush() {
    // 4 online CPUs: fls(4) = 3, 3 * (32 MiB / 4 KiB) = 24576 pages
    assertThat(v.lazyMaxPages()).isEqualTo(24576);
    long[] areas = new long[100];
    for (int i = 0; i < 100; i++) {
      areas[i] = v.vmalloc(1 << 20, C); // 256 pages + guard = 257 pages each
    }
    assertThat(areas[99]).isEqualTo(VSTART + 99 * 257 * P);
    // 95 frees: 95 * 257 = 24415 <= 24576, nothing purged
    for (int i = 0; i < 95; i++) {
      v.vfree(areas[i]);
    }
    assertThat(v.lazyPages()).isEqualTo(24415);
    assertThat(host.flushes).isEmpty();
    // the 96th crosses the threshold (24672 > 24576): one flush over the union of all 96
    v.vfree(areas[95]);
    assertThat(host.flushes).hasSize(1);
    assertThat(host.flushes.get(0)).containsExactly(VSTART, VSTART + 96 * 257 * P);
    assertThat(v.tlbFlushes()).isEqualTo(1);
    assertThat(v.flushedPages()).isEqualTo(96 * 257);
    assertThat(v.lazyPages()).isZero();
    assertThat(v.allocator().freeRanges().get(0).start()).isEqualTo(VSTART);
    assertThat(v.allocator().freeRanges().get(0).end()).isEqualTo(VSTART + 96 * 257 * P);
  }

  @Test
  void lazyMaxPagesScalesWithFlsOfOnlineCpus() {
    host.cpus = 8;
    assertThat(v.lazyMaxPages()).isEqualTo(4 * 8192);
    host.cpus = 1;
    assertThat(v.lazyMaxPages()).isEqualTo(8192);
    host.cpus = 160;
    assertThat(v.lazyMaxPages()).isEqualTo(8 * 8192);
    host.pageShift = 16;
    Vmalloc v64 = new Vmalloc(host, 0xfffffe0080000000L, 0xffffffff3f800000L);
    assertThat(v64.lazyMaxPages()).isEqualTo(8 * 512);
  }

  @Test
  void pcpuChunkAreasAreCongruentTopDownWithoutGuard() {
    // 4 CPUs x 122880-byte units, one group: the chunk ends exactly at VMALLOC_END
    VmStruct[] c1 = v.pcpuGetVmAreas(new long[] {0}, new long[] {4 * 122880}, P);
    assertThat(c1[0].addr()).isEqualTo(0xfffffdffbf788000L);
    assertThat(c1[0].addr() + c1[0].size()).isEqualTo(0xfffffdffbf800000L);
    assertThat(c1[0].flags()).isEqualTo(VmFlags.VM_ALLOC);
    assertThat(c1[0].caller()).isEqualTo(Caller.PCPU_GET_VM_AREAS);
    assertThat(c1[0].guardSize()).isZero();
    // the next chunk sits right below (no guard page between)
    VmStruct[] c2 = v.pcpuGetVmAreas(new long[] {0}, new long[] {4 * 122880}, P);
    assertThat(c2[0].addr()).isEqualTo(0xfffffdffbf710000L);
    // two groups (NUMA): offsets 0 and 16 MiB, 1 MiB each, atom 64 KiB
    VmStruct[] g = v.pcpuGetVmAreas(new long[] {0, 16L << 20}, new long[] {1L << 20, 1L << 20},
        1L << 16);
    // top group ends at the 64K-aligned end below chunk 2: 0xfffffdffbf710000 & ~0xffff
    assertThat(g[1].addr() + g[1].size()).isEqualTo(0xfffffdffbf710000L);
    assertThat(g[0].addr()).isEqualTo(g[1].addr() - (16L << 20));
    assertThat(g[0].addr()).isEqualTo(0xfffffdffbe610000L);
    // normal vmalloc still grows bottom-up
    assertThat(v.vmalloc(P, C)).isEqualTo(VSTART);
    v.pcpuFreeVmAreas(c1);
    assertThat(v.lazyAreaCount()).isEqualTo(1);
    assertThat(v.lazyPages()).isEqualTo(120);
  }

  @Test
  void pcpuGetVmAreasPurgesOnceAndRetries() {
    long top = VEND - 8 * P;
    Vmalloc small = new Vmalloc(host, top - 16 * P, top);
    // |AAAAAAAAAAAAAAAA|  16 pages of 1-page vmallocs (each + guard = 2 pages) fill the range
    long[] a = new long[8];
    for (int i = 0; i < 8; i++) {
      a[i] = small.vmalloc(P, C);
    }
    assertThat(small.allocator().freeBytes()).isZero();
    for (long x : a) {
      small.vfree(x);
    }
    assertThat(small.lazyPages()).isEqualTo(16);
    VmStruct[] vms = small.pcpuGetVmAreas(new long[] {0}, new long[] {4 * P}, P);
    assertThat(vms[0].addr()).isEqualTo(top - 4 * P);
    assertThat(small.tlbFlushes()).isEqualTo(1);
    assertThat(small.pcpuGetVmAreas(new long[] {0}, new long[] {16 * P}, P)).isNull();
  }

  @Test
  void hugeVmallocUsesPmdBlocksWhenAllowed() {
    long a = v.vmallocHuge(4L << 20, C);
    // aligned to PMD_SIZE (2 MiB), VMALLOC_START is 2 MiB aligned
    assertThat(a).isEqualTo(VSTART);
    VmStruct vm = v.findVmArea(a);
    assertThat(vm.pageOrder()).isEqualTo(9);
    assertThat(vm.nrPages()).isEqualTo(1024);
    assertThat(host.blockShift).containsEntry(a, 21).containsEntry(a + (2L << 20), 21);
    // the next area starts after the guard page
    // above it: guard page, then the nested 2-page page array (+ its guard), then the next area
    assertThat(vm.pagesArray()).isEqualTo(VSTART + (4L << 20) + P);
    assertThat(v.vmalloc(P, C)).isEqualTo(VSTART + (4L << 20) + 4 * P);
    v.vfree(a);
    assertThat(host.live.values()).doesNotContain(9);

    host.huge = false;
    long b = v.vmallocHuge(4L << 20, C);
    assertThat(v.findVmArea(b).pageOrder()).isZero();
  }

  @Test
  void hugeAllocationFallsBackToSmallPagesWhenHighOrderPagesFail() {
    host.failAllocAfter = 0;
    assertThat(v.vmallocHuge(2L << 20, C)).isZero();
    assertThat(host.live).isEmpty();
    host.failAllocAfter = Long.MAX_VALUE;
    long a = v.vmallocHuge(2L << 20, C);
    assertThat(v.findVmArea(a).pageOrder()).isEqualTo(9);
  }

  @Test
  void largePageArrayIsItselfVmallocedAndFreedWithTheArea() {
    // 1024 pages -> an 8 KiB page array > PAGE_SIZE: nested vmalloc ("vpages") above the area
    long a = v.vmalloc(4L << 20, C);
    VmStruct vm = v.findVmArea(a);
    assertThat(vm.pagesArray()).isEqualTo(a + (4L << 20) + P);
    assertThat(v.findVmArea(vm.pagesArray()).nrPages()).isEqualTo(2);
    v.vfree(a);
    assertThat(v.allocator().busyCount()).isZero();
    assertThat(host.live).isEmpty();
    assertThat(v.lazyAreaCount()).isEqualTo(2);
  }

  @Test
  void failedPageAllocationLeavesNoPagesAndTheAreaLazilyFreed() {
    host.failAllocAfter = 2;
    assertThat(v.vmalloc(4 * P, C)).isZero();
    assertThat(host.live).isEmpty();
    assertThat(host.mapped).isEmpty();
    assertThat(v.allocator().busyCount()).isZero();
    assertThat(v.lazyPages()).isEqualTo(5);
  }

  @Test
  void vmapAndIoremap() {
    long[] pfns = {0x100, 0x205, 0x300};
    long a = v.vmap(pfns, 3, C);
    assertThat(a).isEqualTo(VSTART);
    assertThat(host.mapped).containsEntry(a + P, 0x205L);
    v.vunmap(a);
    assertThat(host.mapped).isEmpty();
    // ioremap of 0x11000 bytes at 0x10000010: offset kept, area aligned to 2^clamp(order(size))
    long io = v.ioremap(0x1000_0010L, 0x11000, org.percpulab.core.spi.ProtKind.DEVICE, C);
    VmStruct ia = v.findVmArea(io);
    assertThat(ia.addr()).isEqualTo(VSTART + 0x20000);
    assertThat(io).isEqualTo(ia.addr() + 0x10);
    assertThat(ia.size()).isEqualTo(0x13000);
    assertThat(ia.physAddr()).isEqualTo(0x1000_0000L);
    assertThat(ia.flags()).isEqualTo(VmFlags.VM_IOREMAP);
    v.iounmap(io);
    assertThat(v.findVmArea(io)).isNull();
  }

  @Test
  void badFreesAreOneLineErrorsAndChangeNothing() {
    long a = v.vmalloc(2 * P, C);
    assertThatThrownBy(() -> v.vfree(a + P)).isInstanceOf(VmallocException.class)
        .hasMessage("vfree: 0xffff800080001000 is inside the area starting at 0xffff800080000000,"
            + " not its start");
    assertThatThrownBy(() -> v.vfree(VEND - P)).isInstanceOf(VmallocException.class)
        .hasMessage("Trying to vfree() nonexistent vm area (0xfffffdffbf7ff000)");
    assertThat(host.mapped).hasSize(2);
    v.vfree(a);
    int lazy = v.lazyAreaCount();
    assertThatThrownBy(() -> v.vfree(a)).isInstanceOf(VmallocException.class)
        .hasMessage("vfree: 0xffff800080000000 was already freed (double free; its area is"
            + " awaiting the lazy purge)");
    assertThatThrownBy(() -> v.vunmap(a)).isInstanceOf(VmallocException.class);
    assertThat(v.lazyAreaCount()).isEqualTo(lazy);
    assertThatThrownBy(() -> v.vmalloc(0, C)).isInstanceOf(VmallocException.class)
        .hasMessage("vmalloc: size 0 must be positive");
    assertThatThrownBy(() -> v.vmalloc(VEND - VSTART + 1, C)).isInstanceOf(VmallocException.class)
        .hasMessageStartingWith("vmalloc: size 138535235485697 exceeds the address range");
    assertThatThrownBy(() -> v.vmap(new long[] {1}, 1, VmFlags.VM_MAP | VmFlags.VM_NO_GUARD,
        org.percpulab.core.spi.ProtKind.KERNEL, host.swapperPgd(), C))
        .isInstanceOf(VmallocException.class).hasMessageContaining("VM_NO_GUARD");
    assertThatThrownBy(() -> v.pcpuGetVmAreas(new long[] {0, P}, new long[] {2 * P, P}, P))
        .isInstanceOf(VmallocException.class)
        .hasMessage("pcpu_get_vm_areas: areas 0 and 1 overlap");
    assertThat(v.allocator().busyCount()).isZero();
    assertThat(v.allocator().checkInvariants()).isNull();
    v.vfree(0);
  }

  @Test
  void outOfVirtualSpaceIsNull() {
    Vmalloc small = new Vmalloc(host, VSTART, VSTART + 8 * P);
    assertThat(small.vmalloc(7 * P, C)).isEqualTo(VSTART);
    assertThat(small.vmalloc(P, C)).isZero();
    assertThat(small.allocator().busyCount()).isEqualTo(1);
  }

  @Test
  void mappingIntoAnotherPgd() {
    long a = v.vmallocNodeRange(P, 1, VSTART, VEND, 0, org.percpulab.core.spi.ProtKind.KERNEL,
        0x7000, C);
    assertThat(v.findVmArea(a).pgd()).isEqualTo(0x7000);
  }
}
